"""Search: one backend interface, two backends (embedded SQLite FTS5, Elasticsearch).

The database is the source of truth; search is derived. Every flush notes which projects and
profiles it touched (a pledge touches its project's funding and its member's profile); just before
the transaction commits, the backend brings the index up to date from what the transaction wrote
(the embedded engine in its own tables, Elasticsearch through outbox rows the worker sends on), so
a rollback leaves the index untouched and no service can forget to tell search.

The listeners are on the session factory of ``app.extensions.db`` (not on Flask-SQLAlchemy's
Session class, which every SQLAlchemy extension in the process shares), and they act only for an
app that called ``init_app`` here: its sessions sync its own backend.
"""
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event, select

from app.extensions import db
from app.models import AvailabilityWindow, MemberProfile, Pledge, ProfileSkill, Project, User
from app.search.backend import SearchBackend, SearchUnavailable
from app.search.sqlite_backend import SqliteBackend

__all__ = ["SearchBackend", "SearchUnavailable", "backend", "init_app"]

PENDING = "search_pending"


class SearchConfigError(RuntimeError):
    pass


def init_app(app):
    name = app.config["SEARCH_BACKEND"]
    is_sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if name == "sqlite":
        if not is_sqlite:
            raise SearchConfigError(
                "The embedded search engine (SEARCH_BACKEND=sqlite) works only on SQLite. With "
                "PostgreSQL, set SEARCH_BACKEND=elasticsearch and ELASTICSEARCH_URL."
            )
        app.extensions["search"] = SqliteBackend()
    elif name == "elasticsearch":
        if not app.config.get("ELASTICSEARCH_URL"):
            raise SearchConfigError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200).")
        # Imported here: the Elasticsearch client is loaded only by deployments that use it.
        from app.search.elasticsearch_backend import ElasticsearchBackend

        app.extensions["search"] = ElasticsearchBackend(app)
        if app.config.get("SEARCH_CHECK_AT_START", True):
            try:
                app.extensions["search"].ping()
            except SearchUnavailable as error:
                # An outage is not a configuration mistake: refusing to start would keep a web
                # worker replaced during it from booting. The search page says search is down and
                # the worker retries; a wrong URL shows up here and in `flask search check`.
                app.logger.warning(
                    "Elasticsearch at %s cannot be reached (%s); starting anyway: search is unavailable "
                    "and index changes wait in the outbox until it answers.", app.config["ELASTICSEARCH_URL"], error)
    else:
        raise SearchConfigError(f"Unknown SEARCH_BACKEND {name!r}: use 'sqlite' or 'elasticsearch'.")
    sessions = db.session.session_factory
    if not event.contains(sessions, "before_commit", _apply_pending):
        event.listen(sessions, "after_flush", _note_changes)
        event.listen(sessions, "before_commit", _apply_pending)
        event.listen(sessions, "after_soft_rollback", _forget_pending)


def backend() -> SearchBackend:
    return current_app.extensions["search"]


def _syncing():
    """Whether this session belongs to an app whose search is set up here."""
    return has_app_context() and "search" in current_app.extensions


def _pending(session):
    return session.info.setdefault(PENDING, {"projects": set(), "profiles": set(), "members": set()})


def _note_changes(session, flush_context):
    if not _syncing():
        return
    pending = _pending(session)
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Project):
            pending["projects"].add(obj.id)
        elif isinstance(obj, MemberProfile):
            pending["profiles"].add(obj.id)
        elif isinstance(obj, (ProfileSkill, AvailabilityWindow)) and obj.profile_id:
            pending["profiles"].add(obj.profile_id)
        elif isinstance(obj, Pledge):
            pending["projects"].add(obj.project_id)
            pending["members"].add(obj.member_id)
        elif isinstance(obj, User):  # a deactivated member is no longer suggested
            pending["members"].add(obj.id)


def _apply_pending(session):
    if not _syncing():
        return
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending or not any(pending.values()):
        return
    profiles = set(pending["profiles"])
    if pending["members"]:
        profiles |= set(session.scalars(
            select(MemberProfile.id).where(MemberProfile.user_id.in_(pending["members"] - {None}))))
    projects = {p for p in pending["projects"] if p is not None}
    backend().sync(projects=sorted(projects), profiles=sorted(profiles - {None}))


def _forget_pending(session, previous_transaction):
    # A savepoint rolled back keeps what came before it; syncing a little more is harmless.
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)
