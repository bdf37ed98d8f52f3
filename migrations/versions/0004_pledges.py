"""pledges, exchange rates, stripe events

Revision ID: 0004_pledges
Revises: 0003_profiles
Create Date: 2026-11-23 12:12:13.567084

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_pledges'
down_revision = '0003_profiles'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_overfunding', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('som_per_unit_micro', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('som_per_unit_micro > 0', name=op.f('ck_exchange_rates_rate_positive')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_exchange_rates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('currency', name=op.f('uq_exchange_rates_currency'))
    )
    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('funds', 'skill', 'in_kind', name='pledgekind', native_enum=False, length=16), nullable=False),
    sa.Column('method', sa.Enum('card', 'bank_transfer', 'mobile_wallet', 'cash', 'goods', 'volunteer', name='pledgemethod', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'paid', 'failed', 'refunded', 'accepted', 'declined', 'rejected', 'expired', 'withdrawn', name='pledgestatus', native_enum=False, length=16), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('converted_amount', sa.BigInteger(), nullable=True),
    sa.Column('rate_micro', sa.BigInteger(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('stripe_payment_intent', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount IS NULL OR amount > 0', name=op.f('ck_pledges_amount_positive')),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_pledges_quantity_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pledges_decided_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_pledges_member_id_users')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_pledges_need_id_needs')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pledges_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledges')),
    sa.UniqueConstraint('stripe_payment_intent', name=op.f('uq_pledges_stripe_payment_intent'))
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_status'), ['status'], unique=False)

    op.create_table('stripe_events',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_stripe_events_pledge_id_pledges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_events'))
    )
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_events_pledge_id'), ['pledge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_events_pledge_id'))

    op.drop_table('stripe_events')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_status'))
        batch_op.drop_index(batch_op.f('ix_pledges_project_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_need_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_member_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_created_at'))

    op.drop_table('pledges')
    op.drop_table('exchange_rates')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('accepts_overfunding')
