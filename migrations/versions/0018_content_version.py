"""the version of what pages show, moved by every write to it (what rendered pages are cached under)

Revision ID: 0018_content_version
Revises: 0017_home_indexes
Create Date: 2026-12-07 11:30:00

One row (app/models/content.py); app/content_version.py replaces its value in the transaction of
every write to a table pages show.
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_content_version'
down_revision = '0017_home_indexes'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': secrets.randbits(62)}])


def downgrade():
    op.drop_table('content_version')
