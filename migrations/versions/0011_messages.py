"""private messages: one thread per (member, LSG), its messages, consent, blocks and reports

Revision ID: 0011_messages
Revises: 0009_follows
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0011_messages'
down_revision = '0009_follows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('lsg_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_message_at', sa.DateTime(), nullable=False),
        sa.Column('share_phone', sa.Boolean(), nullable=False),
        sa.Column('share_email', sa.Boolean(), nullable=False),
        sa.Column('blocked_by_member_at', sa.DateTime(), nullable=True),
        sa.Column('blocked_by_lsg_at', sa.DateTime(), nullable=True),
        sa.Column('reported_at', sa.DateTime(), nullable=True),
        sa.Column('reported_by_id', sa.Integer(), nullable=True),
        sa.Column('report_reason', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['lsg_id'], ['lsgs.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id', 'lsg_id'),
    )
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_lsg_id'), ['lsg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_last_message_at'), ['last_message_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_reported_at'), ['reported_at'], unique=False)
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=False),
        sa.Column('from_member', sa.Boolean(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index('ix_messages_sender_created', ['sender_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_sender_created')
        batch_op.drop_index(batch_op.f('ix_messages_thread_id'))
    op.drop_table('messages')
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_reported_at'))
        batch_op.drop_index(batch_op.f('ix_message_threads_last_message_at'))
        batch_op.drop_index(batch_op.f('ix_message_threads_lsg_id'))
        batch_op.drop_index(batch_op.f('ix_message_threads_member_id'))
    op.drop_table('message_threads')
