"""Small pieces every model module shares."""
import enum
from datetime import datetime, timezone

from flask import g, has_app_context
from flask_babel import get_locale
from sqlalchemy import Enum, String, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


_travelled_to = None  # set by tests only (tests/conftest.py, ``clock``): schedules without sleeps


def utcnow():
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    if _travelled_to is not None:
        return _travelled_to
    return datetime.now(timezone.utc).replace(tzinfo=None)


SHOWN_UNTIL = "birge_shown_until"


def shown_until(moment):
    """What is being worked out from the clock holds until ``moment`` (naive UTC): a question falls
    due, a project turns silent. A page cached from it (app/page_cache.py) expires then; every
    comparison with utcnow() whose answer a page shows calls this with the moment it flips."""
    if has_app_context() and moment is not None:
        earliest = g.get(SHOWN_UNTIL)
        if earliest is None or moment < earliest:
            setattr(g, SHOWN_UNTIL, moment)


def driver_rows(sql, params=()):
    """Rows as plain tuples from the database driver itself, on the session's connection: on
    100,000 rows SQLAlchemy's Row objects cost more than the query, and on one row its statement
    handling does. For reads only: statements sent this way pass by SQLAlchemy's events."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def lock_for_update(obj):
    """Lock ``obj``'s row until the transaction ends and reload it, so a check made after this
    call cannot be raced by another request writing the same thing.

    PostgreSQL locks the row (``SELECT … FOR UPDATE``). SQLite has no row locks, and its driver
    starts a transaction only at the first write: a no-op ``UPDATE`` of the row is that write, it
    takes the database's write lock, so every other writer waits until this transaction ends and
    everything read after it is current."""
    if db.session.get_bind().dialect.name == "sqlite":
        key = obj.__table__.primary_key.columns[0]
        db.session.execute(update(obj.__table__).where(key == getattr(obj, key.key)).values({key.name: key}))
        db.session.refresh(obj)
    else:
        db.session.refresh(obj, with_for_update=True)
    return obj


def str_enum(enum_cls: type[enum.Enum], length=32):
    """An Enum column stored as its lower-case values in a plain VARCHAR (portable, easy to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def current_language():
    locale = get_locale()
    return locale.language if locale else "en"


class LocalizedNameMixin:
    """Reference data named in Kyrgyz, Russian and English; ``name`` follows the request's language."""

    name_ky: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    @property
    def name(self):
        return getattr(self, f"name_{current_language()}", None) or self.name_en

    def __str__(self):
        return self.name
