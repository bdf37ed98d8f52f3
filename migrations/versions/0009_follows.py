"""follows (projects, LSGs, places) and the digest mails

Revision ID: 0009_follows
Revises: 0012_reminders
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0009_follows'
down_revision = '0012_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('target_kind', sa.Enum('project', 'lsg', 'region', 'district', 'municipality', name='followtarget',
                                         native_enum=False, create_constraint=False, length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'target_kind', 'target_id'),
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_target', ['target_kind', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_user_id'), ['user_id'], unique=False)
    op.create_table(
        'digest_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('notification_ids', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'period'),
    )
    with op.batch_alter_table('digest_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_mails_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('digest_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_mails_user_id'))
    op.drop_table('digest_mails')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_user_id'))
        batch_op.drop_index('ix_follows_target')
    op.drop_table('follows')
