"""indexes for the home page's inputs: the latest project change, pledge decision and need closed

Revision ID: 0017_home_indexes
Revises: 0016_search_generation
Create Date: 2026-12-02 02:30:00

The home page remembers which cards it chose until these move (app/services/home.py); reading the
latest of each scanned the whole table (with its published snapshots) on every request.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_home_indexes'
down_revision = '0016_search_generation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_decided_at'), ['decided_at'], unique=False)
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_closed_at'), ['closed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_closed_at'))
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_decided_at'))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_updated_at'))
