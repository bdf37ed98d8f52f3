"""Test fixtures: the app on SQLite and on a throwaway PostgreSQL, a client, and login helpers.

Every database-touching test runs on both databases (the ``db_url`` fixture is parametrized);
tests that need no database use ``plain_app`` / ``plain_client`` and run once. The schema is built
once per database by the real Alembic migrations, and one app is built per database and
configuration for the whole session.

Isolation: a test runs inside an outer transaction on one connection that every session binds
to — the test's own and each request's (``IsolatedClient`` gives every request its own app
context, hence its own session). Sessions join it with a savepoint
(``join_transaction_mode="create_savepoint"``), so the app's ``commit()`` releases a savepoint that
the next session sees, and the test ends by rolling the outer transaction back. A test whose data
another thread or process must read — the served app (``live_server``: browsers, localstripe's
webhooks), tests marked ``committed`` (threads of their own) — runs on plain connections instead,
really commits, and has every table emptied afterwards.

A module may share one read-only data set between its tests (``module_world``): it is built once
inside a module-wide outer transaction and each test rolls back to a savepoint taken after it.
"""
import contextvars
import csv
import itertools
import os
import tempfile
import threading
from dataclasses import fields
from datetime import timedelta

import pytest
from elastic_transport import ConnectionError as EngineDown
from flask import has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app, page_cache
from app.extensions import db, limiter
from app.models import _common
from app.services import home
from app.services.reference import SEED_DIR, seed_reference_data
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


# Every app caches visitors' pages as production does, in a file of its own (emptied as each test starts).
PAGE_CACHE_DIR = tempfile.mkdtemp(prefix="birge-test-pages-")
_page_caches = itertools.count()


def make_app(url, **overrides):
    config = {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
              "PAGE_CACHE_PATH": os.path.join(PAGE_CACHE_DIR, f"{next(_page_caches)}.sqlite")}
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


# ---------------------------------------------------------------- one outer transaction per test

class OuterTransaction:
    """A connection with a transaction open that every session joins while a test runs."""

    current = None  # the connection sessions bind to now (None: each session checks one out)

    def __init__(self, app):
        with app.app_context():
            self.connection = db.engine.connect()
        self.driver = self.connection.connection.driver_connection
        self.sqlite = self.connection.dialect.name == "sqlite"
        self.transaction = self.connection.begin()
        if self.sqlite:
            # pysqlite would begin on the first write only, so a SAVEPOINT would start (and its
            # RELEASE commit) the transaction: begin it here and let SQLite see every statement.
            self.driver.isolation_level = None
            self.connection.exec_driver_sql("BEGIN")

    def savepoint(self):
        return self.connection.begin_nested()

    def close(self):
        try:
            self.transaction.rollback()
        finally:
            if self.sqlite:
                self.driver.isolation_level = ""  # pysqlite's default, for the next borrower
            self.connection.close()


class JoiningSession(FlaskSession):
    """Flask-SQLAlchemy's session, bound to the test's outer connection while there is one."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and OuterTransaction.current is not None:
            return OuterTransaction.current
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# Every session the app makes (db.session, per app context) is a JoiningSession; with no outer
# connection it behaves exactly like the app's own. The events the app listens to on Session
# apply to the subclass too.
db.session.session_factory.class_ = type("Session", (JoiningSession,), {})
db.session.session_factory.configure(join_transaction_mode="create_savepoint")


def _seeded_municipality_codes():
    with open(SEED_DIR / "municipalities.csv", newline="", encoding="utf-8") as f:
        return [row["code"] for row in csv.DictReader(f)]


# Seeded once per database and never changed by tests (admins only add municipalities). The missions'
# vocabularies (kinds, their checklist templates, procedures) are seeded with them: a committing test
# must not take them away from the tests after it. The content version's one row (made by its
# migration) is kept too: its value changes, but the row must stay.
REFERENCE_TABLES = {"regions", "districts", "municipalities", "sectors", "skills", "mission_kinds",
                    "checklist_template_items", "procedures", "content_version"}
# The embedded search index (made by the migration on SQLite, not models).
SQLITE_INDEX_TABLES = ["search_projects", "search_projects_fts", "search_documents", "search_terms", "search_windows",
                       "search_profiles"]
SEEDED_MUNICIPALITIES = _seeded_municipality_codes()


def empty_database(app):
    """Remove every row a committing test made, keeping the seeded reference data."""
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


@pytest.fixture(scope="session")
def app_overrides():
    """Override in a test module to change the app's configuration (one app per configuration)."""
    return {}


_apps = {}
_index_prefixes = itertools.count()


def app_for(db_url, overrides):
    """The session's app for this database and configuration, built on first use.

    An app pointed at a test's own Elasticsearch is that test's alone (the test may move it)."""
    if "ELASTICSEARCH_URL" in overrides:
        return make_app(db_url, **overrides)
    key = (db_url, repr(sorted(overrides.items())))
    if key not in _apps:
        _apps[key] = make_app(db_url, **overrides)
    return _apps[key]


def _start_test(app, upload_dir, index_prefix):
    """What a test must not inherit from the one before on a shared app."""
    limiter.reset()
    for name in [n for n in app.extensions if n.startswith("search_cache_")]:
        del app.extensions[name]  # keyed by the index generation, which a rollback winds back
    # Keyed by the latest times and ids, which a rollback and a frozen clock give again.
    app.extensions.pop(home.CHOICE, None)
    with app.app_context():  # keyed by the content version, which a rollback winds back too
        page_cache.store().clear()
    app.config["UPLOAD_DIR"] = str(upload_dir)
    search = app.extensions["search"]
    if search.name == "elasticsearch":
        app.config["SEARCH_INDEX_PREFIX"] = search.prefix = index_prefix


def empty_search_index(app):
    """Remove the Elasticsearch indices a test made (the embedded index is in the database)."""
    search = app.extensions["search"]
    if search.name == "elasticsearch":
        try:
            search.client.indices.delete(index=f"{search.prefix}-*", ignore_unavailable=True)
        except EngineDown:  # a test that stopped its engine on purpose
            pass


def committing(request):
    """Whether the test's data must really be committed (another thread or process reads it)."""
    return request.node.get_closest_marker("committed") is not None or "live_server" in request.fixturenames


class ModuleWorld:
    """A data set built once for a module, inside an outer transaction its tests roll back to."""

    open = {}  # database URL -> the world holding it

    def __init__(self, app, build, index_prefix, db_url):
        self.app, self.index_prefix, self.db_url = app, index_prefix, db_url
        self.outer = OuterTransaction(app)
        ModuleWorld.open[db_url] = self
        OuterTransaction.current = self.outer.connection
        try:
            with app.app_context():
                _start_test(app, app.config["UPLOAD_DIR"], index_prefix)
                world = build()
                db.session.commit()
                self.refs = {f.name: _refs(getattr(world, f.name)) for f in fields(world)}
                self.world_type = type(world)
        finally:
            OuterTransaction.current = None

    def load(self):
        """The world's objects, loaded in the current session."""
        return self.world_type(**{name: _load(ref) for name, ref in self.refs.items()})

    def copy_index(self):
        """Give the test an Elasticsearch index of its own holding the world, as the worker would
        send it (the embedded index is in the database and rolls back with it)."""
        from app.models import MemberProfile, Project

        search = self.app.extensions["search"]
        if search.name == "elasticsearch":
            search.push(projects=db.session.scalars(db.select(Project.id)).all(),
                        profiles=db.session.scalars(db.select(MemberProfile.id)).all())

    def close(self):
        ModuleWorld.open.pop(self.db_url, None)
        self.outer.close()
        with self.app.app_context():
            empty_search_index(self.app)


def _refs(value):
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    return (type(value), value.id) if value is not None else None


def _load(ref):
    if isinstance(ref, dict):
        return {k: _load(v) for k, v in ref.items()}
    return db.session.get(*ref) if ref is not None else None


@pytest.fixture
def app(request, db_url, app_overrides, tmp_path):
    shared = None
    if "world" in request.fixturenames:
        shared = request.getfixturevalue("module_world")
    elif ModuleWorld.open.get(db_url):
        raise RuntimeError(f"{request.node.nodeid} runs while its module's search world holds the database: "
                           "put the tests without `world` before the others.")
    own_index = not shared or request.node.get_closest_marker("own_index") is not None
    app = shared.app if shared else app_for(db_url, app_overrides)
    index_prefix = f"test-{next(_index_prefixes)}" if own_index else shared.index_prefix
    committed = committing(request)
    if committed:
        outer = None
    elif shared:
        outer = shared.outer.savepoint()
        OuterTransaction.current = shared.outer.connection
    else:
        outer = OuterTransaction(app)
        OuterTransaction.current = outer.connection
    _start_test(app, tmp_path / "uploads", index_prefix)
    try:
        with app.app_context():
            if shared and own_index:
                shared.copy_index()
            yield app
            db.session.remove()
    finally:
        OuterTransaction.current = None
        if outer is not None:
            if shared:
                outer.rollback()
            else:
                outer.close()
        if committed:
            empty_database(app)
        if own_index:
            with app.app_context():
                empty_search_index(app)
        limiter.reset()


@pytest.fixture(scope="module")
def module_world(request, db_url, app_overrides):
    """The module's ``build_world`` data, built once per database (see the ``world`` fixture)."""
    from tests.search_data import build_world

    app = app_for(db_url, app_overrides)
    shared = ModuleWorld(app, build_world, f"test-world-{next(_index_prefixes)}", db_url)
    yield shared
    shared.close()


@pytest.fixture
def world(request, app):
    """The search data set, built once per module and database (``module_world``). A test that
    changes what Elasticsearch holds is marked ``own_index``: Elasticsearch is not rolled back, so
    it gets an index of its own with the world in it."""
    return request.getfixturevalue("module_world").load()


@pytest.fixture(scope="session")
def _plain_app():
    return make_app("sqlite://")


@pytest.fixture
def plain_app(_plain_app, app_overrides, tmp_path):
    """The app without a database, for tests of what needs none (money, images): runs once."""
    saved = dict(_plain_app.config)
    _plain_app.config.update({"UPLOAD_DIR": str(tmp_path / "uploads"), **app_overrides})
    try:
        with _plain_app.app_context():
            yield _plain_app
    finally:
        _plain_app.config.clear()
        _plain_app.config.update(saved)


@pytest.fixture
def plain_client(plain_app):
    client = plain_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    client = app.test_client()
    # Tests read English unless they ask for another language.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(scope="session")
def mail_server():
    """A real SMTP server on 127.0.0.1 for the session (point MAIL_PORT at it)."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def mailbox(mail_server):
    """The SMTP server, holding only what this test's code sends."""
    mail_server.reset()
    yield mail_server
    mail_server.reset()


class Clock:
    """The app's clock (``app.models._common.utcnow``) at a time the test sets: schedules, due dates
    and reminders are tested by moving it, never by sleeping."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self.set(_common.utcnow().replace(microsecond=0))

    @property
    def now(self):
        return _common._travelled_to

    def set(self, moment):
        self._monkeypatch.setattr(_common, "_travelled_to", moment)
        return moment

    def advance(self, **delta):
        return self.set(self.now + timedelta(**delta))


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


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
    """The app served on 127.0.0.1 in a thread: for the browser, and for localstripe's webhooks.
    Its requests run in other threads, so a test using it commits for real (see ``committing``)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
