"""card pledges hold their money; needs holding pledges are closed, never deleted

Revision ID: 0007_money_holds
Revises: 0006_worker
Create Date: 2026-12-01 17:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0007_money_holds'
down_revision = '0006_worker'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_column('held_until')
