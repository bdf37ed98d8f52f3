"""The database connection pool: a request does not pay a round trip to check its connection
(pool_pre_ping did, on every checkout: one in every ~20 round trips of a project page on
PostgreSQL), yet a connection that sat idle long enough to be dropped is checked and replaced
before a request uses it."""
import psycopg
from sqlalchemy import text

from app.extensions import db
from config import Config
from tests.conftest import make_app


def _app(db_url, **overrides):
    # The deployed engine options (the test configuration has its own).
    return make_app(db_url, SQLALCHEMY_ENGINE_OPTIONS=Config.SQLALCHEMY_ENGINE_OPTIONS, **overrides)


def _count_pings(app, monkeypatch):
    with app.app_context():
        dialect = db.engine.dialect
    pings = []
    real = dialect.do_ping

    def do_ping(dbapi_connection):
        pings.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", do_ping)
    return pings


def test_a_connection_in_use_is_not_pinged_on_every_request(db_url, monkeypatch):
    app = _app(db_url)
    pings = _count_pings(app, monkeypatch)
    client = app.test_client()
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
    assert pings == []
    with app.app_context():
        db.engine.dispose()


def test_a_connection_idle_long_enough_is_pinged_and_replaced_when_the_server_dropped_it(postgres, monkeypatch):
    app = _app(postgres.url(), POOL_PING_IDLE_SECONDS=0)  # /healthz needs no tables
    pings = _count_pings(app, monkeypatch)
    with app.app_context():
        backend_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()  # back to the pool
    with psycopg.connect(postgres.url().replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (backend_pid,)).fetchone()[0]
    assert app.test_client().get("/healthz").status_code == 200
    assert len(pings) == 1
    with app.app_context():
        db.engine.dispose()
