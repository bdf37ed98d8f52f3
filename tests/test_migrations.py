"""Migrations: upgrade from empty, downgrade to empty, on SQLite and PostgreSQL; models match them."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from app.search.sqlite_tables import not_an_index_table
from tests.conftest import make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    postgres = request.getfixturevalue("postgres")
    return postgres.create_database(f"migrations_{tmp_path.name[-20:].lower().replace('-', '_')}")


def test_upgrade_from_empty_then_downgrade_to_empty(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "regions", "districts", "municipalities", "lsgs", "lsg_memberships",
                "audit_events", "sectors", "skills"} <= tables

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": not_an_index_table})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back up again, as a deploy after a rollback would
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()
