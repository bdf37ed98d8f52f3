"""Test fixtures: the app on SQLite and on a throwaway PostgreSQL, a client, and login helpers.

Every database-touching test runs on both databases (the ``db_url`` fixture is parametrized).
The schema is built once per database by the real Alembic migrations; after each test every
table is emptied and the reference data seeded again, so tests never see each other's rows.
"""
import contextvars
import itertools
import os
import threading

import pytest
from elastic_transport import ConnectionError as EngineDown
from flask import has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter
from app.services.reference import seed_reference_data
from tests.factories import PASSWORD
from tests.mailbox import Mailbox
from tests.pgcluster import ThrowawayPostgres

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres():
    cluster = ThrowawayPostgres().start()
    yield cluster
    cluster.stop()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as real requests do.

    The test itself holds an app context (to use db.session); Flask would reuse it for the
    client's requests, sharing ``g`` (and the logged-in user cached there) and the database
    session across requests. Each request here starts with no app context instead, and the
    test's session forgets what it loaded, so it reads what the request committed.
    """

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        response = contextvars.copy_context().run(run)
        if has_app_context():
            db.session.expire_all()
        return response


class SearchEngine:
    """The Elasticsearch side of the tests: a real cluster when ELASTICSEARCH_URL is set, else an
    osmem-server (an in-memory server speaking the Elasticsearch REST API) started on first use
    and stopped when the test session ends."""

    server = None

    @classmethod
    def url(cls):
        if os.environ.get("ELASTICSEARCH_URL"):
            return os.environ["ELASTICSEARCH_URL"]
        if cls.server is None:
            from osmem_server import OsmemServer

            cls.server = OsmemServer.start()
        return cls.server.url

    @classmethod
    def stop(cls):
        if cls.server is not None:
            cls.server.close()
            cls.server = None


@pytest.fixture(scope="session", autouse=True)
def search_engine():
    yield SearchEngine
    SearchEngine.stop()


def make_app(url, **overrides):
    config = {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False}
    if url.startswith("postgresql"):
        # The embedded engine is SQLite's; PostgreSQL deployments search with Elasticsearch.
        config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=SearchEngine.url())
    config.update(overrides)
    app = create_app("testing", overrides=config)
    app.test_client_class = IsolatedClient
    return app


def prepare_database(url):
    app = make_app(url)
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        db.engine.dispose()


# Seeded once per database and never changed by tests (admins only add municipalities).
REFERENCE_TABLES = {"regions", "districts", "municipalities", "sectors", "skills"}
# The embedded search index (made by the migration on SQLite, not models).
SQLITE_INDEX_TABLES = ["search_projects", "search_projects_fts", "search_documents", "search_terms", "search_windows",
                       "search_profiles"]


def _seeded_municipality_codes():
    import csv

    from app.services.reference import SEED_DIR

    with open(SEED_DIR / "municipalities.csv", newline="", encoding="utf-8") as f:
        return [row["code"] for row in csv.DictReader(f)]


SEEDED_MUNICIPALITIES = _seeded_municipality_codes()


def empty_database(app):
    """Remove every row a test made, keeping the seeded reference data."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY"))
            else:
                for table in tables + SQLITE_INDEX_TABLES:
                    connection.execute(text(f"DELETE FROM {table}"))
            added = db.table("municipalities", db.column("code"))
            connection.execute(added.delete().where(added.c.code.notin_(SEEDED_MUNICIPALITIES)))
        db.engine.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'birge.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database("birge_test")
    prepare_database(url)
    return url


@pytest.fixture
def app_overrides():
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(db_url, app_overrides, tmp_path):
    index_prefix = f"test-{next(_index_prefixes)}"
    app = make_app(db_url, **{"UPLOAD_DIR": str(tmp_path / "uploads"), "SEARCH_INDEX_PREFIX": index_prefix,
                              **app_overrides})
    limiter.reset()
    with app.app_context():
        yield app
    empty_database(app)
    empty_search_index(app)
    limiter.reset()


_index_prefixes = itertools.count()


def empty_search_index(app):
    """Remove the Elasticsearch indices a test made (the embedded index went with the tables)."""
    search = app.extensions["search"]
    if search.name == "elasticsearch":
        try:
            search.client.indices.delete(index=f"{search.prefix}-*", ignore_unavailable=True)
        except EngineDown:  # a test that stopped its engine on purpose
            pass


@pytest.fixture
def client(app):
    client = app.test_client()
    # Tests read English unless they ask for another language.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def mailbox():
    """A real SMTP server on 127.0.0.1 whose messages the test reads (point MAIL_PORT at it)."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log a user in through the real login form."""

    def login(user, password=PASSWORD):
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 in a thread: for the browser, and for localstripe's webhooks."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
