"""the embedded index's project rows carry the generation that wrote them

Revision ID: 0016_search_generation
Revises: 0015_missions
Create Date: 2026-12-02 02:00:00

Each web process keeps the index's project rows as column arrays (app/search/sqlite_columns.py);
after a write it reads again only the rows stamped with a newer generation. Rows from before this
revision carry 0: older than any generation a process has seen.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_search_generation'
down_revision = '0015_missions'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the embedded index exists on SQLite only
        # An index already rebuilt by `flask search reindex` of this code has the column.
        columns = {row[1] for row in bind.exec_driver_sql("PRAGMA table_info(search_projects)")}
        if "generation" not in columns:
            op.execute("ALTER TABLE search_projects ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
        op.execute("CREATE INDEX IF NOT EXISTS ix_search_projects_generation ON search_projects (generation)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_search_projects_generation")
        op.execute("ALTER TABLE search_projects DROP COLUMN generation")
