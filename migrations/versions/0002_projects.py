"""projects, needs, co-financing, milestones, photos, updates, spending

Revision ID: 0002_projects
Revises: 0001_foundation
Create Date: 2026-11-23 11:38:39.544424

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_projects'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lsg_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'published', 'rejected', 'funded', 'in_progress', 'completed', 'cancelled', name='projectstatus', native_enum=False, length=24), nullable=False),
    sa.Column('revision_state', sa.Enum('editing', 'submitted', 'changes_requested', name='revisionstate', native_enum=False, length=24), nullable=True),
    sa.Column('published_snapshot', sa.JSON(), nullable=True),
    sa.Column('reviewed_snapshot', sa.JSON(), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('last_update_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_projects_budget_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['lsg_id'], ['lsgs.id'], name=op.f('fk_projects_lsg_id_lsgs')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_projects_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_projects_sector_id_sectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_lsg_id'), ['lsg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_revision_state'), ['revision_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('cofinancing_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('lsg', 'programme', 'diaspora', 'other', name='sharesource', native_enum=False, length=16), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('planned', sa.BigInteger(), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('conditional', sa.Boolean(), nullable=False),
    sa.Column('condition', sa.String(length=300), nullable=False),
    sa.CheckConstraint('planned > 0', name=op.f('ck_cofinancing_shares_planned_positive')),
    sa.CheckConstraint('received >= 0', name=op.f('ck_cofinancing_shares_received_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cofinancing_shares_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cofinancing_shares'))
    )
    with op.batch_alter_table('cofinancing_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cofinancing_shares_project_id'), ['project_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_milestones_amount_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_milestones_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_project_id'), ['project_id'], unique=False)

    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('funds', 'skill', 'in_kind', name='needkind', native_enum=False, length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target_amount', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('slots', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('on_site', sa.Boolean(), nullable=True),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('verified_required', sa.Boolean(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_needs_quantity_positive')),
    sa.CheckConstraint('slots IS NULL OR slots > 0', name=op.f('ck_needs_slots_positive')),
    sa.CheckConstraint('target_amount IS NULL OR target_amount > 0', name=op.f('ck_needs_target_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_needs_project_id_projects')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_needs_skill_id_skills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_skill_id'), ['skill_id'], unique=False)

    op.create_table('project_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_final_report', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_updates_author_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_updates_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_updates'))
    )
    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_updates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_updates_project_id'), ['project_id'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('gallery', 'update', 'receipt', name='photokind', native_enum=False, length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('is_cover', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_photos_project_id_projects')),
    sa.ForeignKeyConstraint(['update_id'], ['project_updates.id'], name=op.f('fk_photos_update_id_project_updates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('filename', name=op.f('uq_photos_filename'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_update_id'), ['update_id'], unique=False)

    op.create_table('spending_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('receipt_photo_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_spending_lines_amount_positive')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_spending_lines_milestone_id_milestones')),
    sa.ForeignKeyConstraint(['receipt_photo_id'], ['photos.id'], name=op.f('fk_spending_lines_receipt_photo_id_photos')),
    sa.ForeignKeyConstraint(['update_id'], ['project_updates.id'], name=op.f('fk_spending_lines_update_id_project_updates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_lines'))
    )
    with op.batch_alter_table('spending_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_lines_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spending_lines_update_id'), ['update_id'], unique=False)




def downgrade():

    with op.batch_alter_table('spending_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_lines_update_id'))
        batch_op.drop_index(batch_op.f('ix_spending_lines_milestone_id'))

    op.drop_table('spending_lines')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_update_id'))
        batch_op.drop_index(batch_op.f('ix_photos_project_id'))

    op.drop_table('photos')
    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_updates_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_updates_created_at'))

    op.drop_table('project_updates')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_skill_id'))
        batch_op.drop_index(batch_op.f('ix_needs_project_id'))

    op.drop_table('needs')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_project_id'))

    op.drop_table('milestones')
    with op.batch_alter_table('cofinancing_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cofinancing_shares_project_id'))

    op.drop_table('cofinancing_shares')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_sector_id'))
        batch_op.drop_index(batch_op.f('ix_projects_revision_state'))
        batch_op.drop_index(batch_op.f('ix_projects_published_at'))
        batch_op.drop_index(batch_op.f('ix_projects_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_projects_lsg_id'))

    op.drop_table('projects')

