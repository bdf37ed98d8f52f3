"""member profiles, sectors of interest, availability windows, skills and their credentials

Revision ID: 0003_profiles
Revises: 0002_projects
Create Date: 2026-11-23 12:13:27.380516

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_profiles'
down_revision = '0002_projects'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('home_region_id', sa.Integer(), nullable=True),
    sa.Column('home_district_id', sa.Integer(), nullable=True),
    sa.Column('home_municipality_id', sa.Integer(), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('contact_email_ok', sa.Boolean(), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_messenger', sa.String(length=120), nullable=False),
    sa.Column('contact_officials_ok', sa.Boolean(), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'pledged_lsgs', 'private', name='profilevisibility', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['home_district_id'], ['districts.id'], name=op.f('fk_member_profiles_home_district_id_districts')),
    sa.ForeignKeyConstraint(['home_municipality_id'], ['municipalities.id'], name=op.f('fk_member_profiles_home_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['home_region_id'], ['regions.id'], name=op.f('fk_member_profiles_home_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_member_profiles_user_id'))
    )
    with op.batch_alter_table('member_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_profiles_home_district_id'), ['home_district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_profiles_home_municipality_id'), ['home_municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_profiles_home_region_id'), ['home_region_id'], unique=False)

    op.create_table('availability_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_availability_windows_ends_after_start')),
    sa.ForeignKeyConstraint(['profile_id'], ['member_profiles.id'], name=op.f('fk_availability_windows_profile_id_member_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_windows'))
    )
    with op.batch_alter_table('availability_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_windows_profile_id'), ['profile_id'], unique=False)

    op.create_table('member_profile_sectors',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['member_profiles.id'], name=op.f('fk_member_profile_sectors_profile_id_member_profiles')),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_member_profile_sectors_sector_id_sectors')),
    sa.PrimaryKeyConstraint('profile_id', 'sector_id', name=op.f('pk_member_profile_sectors'))
    )
    op.create_table('profile_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('declared', 'pending', 'verified', 'rejected', name='skillstatus', native_enum=False, length=16), nullable=False),
    sa.Column('credential_filename', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_profile_skills_decided_by_id_users')),
    sa.ForeignKeyConstraint(['profile_id'], ['member_profiles.id'], name=op.f('fk_profile_skills_profile_id_member_profiles')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_profile_skills_skill_id_skills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_skills')),
    sa.UniqueConstraint('profile_id', 'skill_id', name=op.f('uq_profile_skills_profile_id'))
    )
    with op.batch_alter_table('profile_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_skills_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_skills_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_skills_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('profile_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_skills_status'))
        batch_op.drop_index(batch_op.f('ix_profile_skills_skill_id'))
        batch_op.drop_index(batch_op.f('ix_profile_skills_profile_id'))

    op.drop_table('profile_skills')
    op.drop_table('member_profile_sectors')
    with op.batch_alter_table('availability_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_windows_profile_id'))

    op.drop_table('availability_windows')
    with op.batch_alter_table('member_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_profiles_home_region_id'))
        batch_op.drop_index(batch_op.f('ix_member_profiles_home_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_member_profiles_home_district_id'))

    op.drop_table('member_profiles')
