"""what the worker's reminders have told, once per occasion

Revision ID: 0012_reminders
Revises: 0010_questions
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0012_reminders'
down_revision = '0010_questions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminders_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('occasion', sa.String(length=40), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'entity', 'entity_id', 'occasion', name='uq_reminders_sent_once'),
    )


def downgrade():
    op.drop_table('reminders_sent')
