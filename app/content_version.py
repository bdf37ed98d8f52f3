"""The content version: one value that moves whenever anything a page shows is written.

Every statement sent to the database is looked at as it goes (an engine event, so nothing escapes
it: ORM flushes, bulk updates, raw SQL through the session); an INSERT, UPDATE or DELETE on a
table that pages show marks the connection. Just before the session commits, a marked
transaction gives ``content_version`` a new random value, in the same transaction as the write,
so a reader sees the new data and the new value together. A rollback clears the mark.

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

NOT_SHOWN = frozenset({
    "content_version", "outbox", "stripe_events", "alert_deliveries", "saved_searches", "saved_search_sectors",
    "notifications", "notification_preferences", "digest_mails", "scheduled_tasks", "reminders_sent",
    "message_threads", "messages", "question_reports", "alembic_version",
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
    if not has_app_context() or not session.in_transaction():
        return
    session.flush()  # the commit's own flush would come after this event
    connection = session.connection()
    if connection.info.pop(MARK, False):
        session.execute(update(ContentVersion).values(value=secrets.randbits(62)))


def current():
    """The content version now (None when its row is missing: then nothing may be cached). Read
    through the driver's own cursor: every visitor's page asks, and SQLAlchemy's statement handling
    costs more than the query."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(READ)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row else None
