"""Extensions, created unbound here and bound to an app in create_app()."""
import time

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can alter and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()  # configured and bound by app/assets.py
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def enforce_foreign_keys(dbapi_connection, _connection_record):
    """SQLite checks foreign keys only when asked, per connection: ask, as PostgreSQL always does."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


RETURNED_AT = "birge_returned_at"  # in a pooled connection's info: when it last went back to the pool


def ping_when_idle(engine, idle_seconds):
    """Check a pooled connection before a request uses it, but only when it sat idle in the pool for
    idle_seconds or more (pool_pre_ping would ask the server on every checkout: one more round trip
    per request). A connection that fails the ping is replaced by a new one before the request sees it."""

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record):
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        returned_at = record.info.get(RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (a new one if need be).
            raise DisconnectionError(str(error)) from error
