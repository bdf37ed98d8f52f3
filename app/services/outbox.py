"""The outbox: work written by a transaction, done by the worker after it commits.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers can run
and no job runs twice; a job that fails is retried later with exponential backoff and its error
kept, so an Elasticsearch outage delays search and alerts but loses neither.
"""
import logging
from datetime import timedelta

from app.extensions import db
from app.models import OutboxJob
from app.models._common import utcnow
from app.outbox import enqueue  # noqa: F401  (moved; kept importable from here)

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
REINDEX_WAIT = timedelta(seconds=2)


def backoff(attempts):
    return timedelta(seconds=min(2 ** attempts, MAX_BACKOFF_SECONDS))


def _claim(limit):
    statement = (db.select(OutboxJob).where(OutboxJob.available_at <= utcnow())
                 .order_by(OutboxJob.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return db.session.scalars(statement).all()


def _deferred(jobs, error):
    """Not a failure (no backoff): try again in a moment."""
    for job in jobs:
        job.available_at = utcnow() + REINDEX_WAIT
    log.info("outbox: %d job(s) wait: %s", len(jobs), error)


def _failed(jobs, error):
    for job in jobs:
        job.attempts += 1
        job.available_at = utcnow() + backoff(job.attempts)
        job.last_error = str(error)[:2000]
    log.warning("outbox: %d job(s) failed, retrying later: %s", len(jobs), error)


def drain_once(limit=500):
    """Claim and run one batch of due jobs; commit. Returns (done, failed)."""
    from app.search import SearchUnavailable, backend
    from app.search.backend import ReindexRunning
    from app.services.alerts import send_alerts_for

    jobs = _claim(limit)
    if not jobs:
        db.session.commit()
        return 0, 0
    sync_jobs = [j for j in jobs if j.kind == "sync"]
    done = failed = 0
    if sync_jobs:
        projects = sorted({j.entity_id for j in sync_jobs if j.entity == "project"})
        profiles = sorted({j.entity_id for j in sync_jobs if j.entity == "profile"})
        try:
            backend().push(projects=projects, profiles=profiles)
        except ReindexRunning as error:
            _deferred(sync_jobs, error)
            failed += len(sync_jobs)
        except SearchUnavailable as error:
            _failed(sync_jobs, error)
            failed += len(sync_jobs)
        else:
            for job in sync_jobs:
                db.session.delete(job)
            done += len(sync_jobs)
    for job in (j for j in jobs if j.kind == "alert"):
        try:
            with db.session.begin_nested():
                send_alerts_for(job.entity_id)
        except SearchUnavailable as error:
            _failed([job], error)
            failed += 1
        else:
            db.session.delete(job)
            done += 1
    db.session.commit()
    return done, failed


def drain(limit=500):
    """Run every due job until none is left or only failing ones remain; returns (done, failed)."""
    total_done = total_failed = 0
    while True:
        done, failed = drain_once(limit)
        total_done += done
        total_failed += failed
        if done == 0:
            return total_done, total_failed


def pending_count():
    return db.session.scalar(db.select(db.func.count(OutboxJob.id)))
