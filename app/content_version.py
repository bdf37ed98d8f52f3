"""The content version: one value that moves whenever anything a page shows is written.

Every statement sent through SQLAlchemy is looked at as it goes (an engine event: ORM flushes,
bulk updates and raw SQL through the session alike); an INSERT, UPDATE or DELETE on a table that
pages show marks the connection. Just before the session commits (its outermost transaction, not
a savepoint), a marked transaction gives ``content_version`` a new random value, in the same
transaction as the write, so a reader sees the new data and the new value together. A rollback
clears the mark. Writes committed outside a session move nothing: Alembic's migrations are covered
by the page cache's release key instead (app/page_cache.py), which changes with migrations/.

What is cached under a value (app/page_cache.py: rendered pages; the reference names of search
pages) is correct for as long as the value stands; a reader takes the value *before* the data it
caches, so at worst something newer is cached under an older value, which no one asks for again.

Tables listed in NOT_SHOWN hold nothing a visitor's page shows (queues, delivery records, private
mail, notifications): writing them leaves cached pages standing. When in doubt a table is left out
of that list; a needless invalidation costs a render, a missed one would show stale data.
"""
import re
import secrets

from flask import has_app_context
from sqlalchemy import event, update

from app.extensions import db
from app.models import ContentVersion
from app.models._common import driver_rows

NOT_SHOWN = frozenset({
    "content_version", "outbox", "stripe_events", "alert_deliveries", "saved_searches", "saved_search_sectors",
    "notifications", "notification_preferences", "digest_mails", "scheduled_tasks", "reminders_sent",
    "message_threads", "messages", "question_reports", "follows", "alembic_version",
})
INDEX_PREFIX = "search_"  # the embedded search index's tables: derived, and versioned by its own generation
WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
READ = f"SELECT value FROM {ContentVersion.__tablename__} LIMIT 1"
MARK = "birge_content_written"  # in the connection's info while its transaction wrote shown content


def writes_shown_content(statement):
    found = WRITE.match(statement)
    if not found:
        return False
    table = found.group(1).lower()
    return table not in NOT_SHOWN and not table.startswith(INDEX_PREFIX)


def init_app(app):
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _note_write):
        event.listen(engine, "before_cursor_execute", _note_write)
        event.listen(engine, "rollback", _forget_write)
        event.listen(engine, "commit", _forget_write)  # a commit outside the session moves nothing
    sessions = db.session.session_factory
    if not event.contains(sessions, "before_commit", _move_version):
        event.listen(sessions, "before_commit", _move_version)


def _note_write(connection, _cursor, statement, _parameters, _context, _executemany):
    if MARK not in connection.info and writes_shown_content(statement):
        connection.info[MARK] = True


def _forget_write(connection):
    connection.info.pop(MARK, None)


def _move_version(session):
    # A savepoint ending (begin_nested) fires this event too: the version moves at the outermost
    # commit only, so its row stays locked for no longer than that commit.
    if not has_app_context() or not session.in_transaction() or session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush would come after this event
    connection = session.connection()
    if connection.info.pop(MARK, False):
        session.execute(update(ContentVersion).values(value=secrets.randbits(62)))


def current():
    """The content version now; None when nothing read now may be cached under it: its row is
    missing, or this transaction wrote what pages show (what it reads next is not committed, and may
    never be). Read through the driver's cursor: every visitor's page asks."""
    session = db.session
    if session.new or session.dirty or session.deleted or session.connection().info.get(MARK):
        return None
    rows = driver_rows(READ)
    return rows[0][0] if rows else None
