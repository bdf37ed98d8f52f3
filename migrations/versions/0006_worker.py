"""worker: dead outbox jobs, alert deliveries written before their mail is sent

Revision ID: 0006_worker
Revises: 0005_search
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0006_worker'
down_revision = '0005_search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dead_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(), nullable=True)


def downgrade():
    op.execute("DELETE FROM outbox WHERE kind = 'mail'")
    op.execute("DELETE FROM alert_deliveries WHERE sent_at IS NULL")
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.alter_column('sent_at', existing_type=sa.DateTime(), nullable=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('dead_at')
