"""LSG pages you can check: office contacts, a moderator's verification, payment details changed only
with a moderator's approval, and the admins' wallet kinds

Revision ID: 0013_lsg_trust
Revises: 0011_messages
Create Date: 2026-12-10 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0013_lsg_trust'
down_revision = '0011_messages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lsgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('office_address', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opening_hours', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('verified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verified_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_lsgs_verified_by_id_users', 'users', ['verified_by_id'], ['id'])
    with op.batch_alter_table('lsgs', schema=None) as batch_op:
        for column in ('head_name', 'office_address', 'phone', 'opening_hours'):
            batch_op.alter_column(column, server_default=None)

    op.create_table(
        'wallet_kinds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'lsg_payment_details',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lsg_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('bank_name', sa.String(length=200), nullable=False),
        sa.Column('bic', sa.String(length=11), nullable=False),
        sa.Column('account', sa.String(length=34), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('budget_code', sa.String(length=32), nullable=False),
        sa.Column('wallets', sa.JSON(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['lsg_id'], ['lsgs.id']),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('lsg_payment_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lsg_payment_details_lsg_id'), ['lsg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lsg_payment_details_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('lsg_payment_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lsg_payment_details_status'))
        batch_op.drop_index(batch_op.f('ix_lsg_payment_details_lsg_id'))
    op.drop_table('lsg_payment_details')
    op.drop_table('wallet_kinds')
    with op.batch_alter_table('lsgs', schema=None) as batch_op:
        batch_op.drop_constraint('fk_lsgs_verified_by_id_users', type_='foreignkey')
        for column in ('verified_reason', 'verified_by_id', 'verified_at', 'opening_hours', 'phone',
                       'office_address', 'head_name'):
            batch_op.drop_column(column)
