"""a payment reference on every pledge (BRG-XXXX-XXXX, with a check character), existing ones backfilled

Revision ID: 0014_payment_refs
Revises: 0013_lsg_trust
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.payment_refs import new_reference  # the app's own generator: backfilled references are valid ones

revision = '0014_payment_refs'
down_revision = '0013_lsg_trust'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_ref', sa.String(length=16), nullable=True))
    # Existing pledges get theirs now: one UPDATE per pledge, each reference drawn until unused.
    pledges = sa.table('pledges', sa.column('id', sa.Integer()), sa.column('payment_ref', sa.String(16)))
    connection = op.get_bind()
    taken = set()
    for (pledge_id,) in connection.execute(sa.select(pledges.c.id).order_by(pledges.c.id)).all():
        ref = new_reference()
        while ref in taken:
            ref = new_reference()
        taken.add(ref)
        connection.execute(pledges.update().where(pledges.c.id == pledge_id).values(payment_ref=ref))
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.alter_column('payment_ref', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_index(batch_op.f('ix_pledges_payment_ref'), ['payment_ref'], unique=True)


def downgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_payment_ref'))
        batch_op.drop_column('payment_ref')
