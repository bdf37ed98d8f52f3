"""The outbox: work written by a transaction, done by the worker (app/worker.py) after it commits.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers can run
and no job runs twice. A job that fails is retried later with exponential backoff and its error
kept; one that keeps failing for a reason of its own is parked as dead after OUTBOX_MAX_ATTEMPTS
and never claimed again (``flask worker status`` lists it, ``flask worker revive`` retries it). An
outage (search engine or mail server down) is waited out: it delays work but never parks a job.

This module knows the queue only; what a job of each kind does is the worker's.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from app.extensions import db
from app.models import OutboxJob
from app.models._common import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
WAIT = timedelta(seconds=2)


def enqueue(kind, entity, entity_id):
    db.session.add(OutboxJob(kind=kind, entity=entity, entity_id=entity_id))


def backoff(attempts):
    return timedelta(seconds=min(2 ** attempts, MAX_BACKOFF_SECONDS))


def _due():
    return db.and_(OutboxJob.dead_at.is_(None), OutboxJob.available_at <= utcnow())


def claim(limit, *, kinds=None, except_kinds=()):
    """Due jobs, oldest first, locked for this transaction (other workers skip them)."""
    statement = db.select(OutboxJob).where(_due()).order_by(OutboxJob.id).limit(limit)
    if kinds is not None:
        statement = statement.where(OutboxJob.kind.in_(kinds))
    if except_kinds:
        statement = statement.where(OutboxJob.kind.notin_(except_kinds))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return db.session.scalars(statement).all()


def done(job):
    db.session.delete(job)


def wait(jobs, reason):
    """Not a failure (no attempt counted, no backoff): try again in a moment."""
    for job in jobs:
        job.available_at = utcnow() + WAIT
    log.info("outbox: %d job(s) wait: %s", len(jobs), reason)


def failed(jobs, error, *, outage=False):
    """Record the error on each job and retry it later; park it as dead once it has failed
    OUTBOX_MAX_ATTEMPTS times, unless the error is an outage of something the job needs."""
    message = f"{type(error).__name__}: {error}"[:2000]
    limit = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    for job in jobs:
        job.attempts += 1
        job.last_error = message
        job.available_at = utcnow() + backoff(job.attempts)
        if job.attempts >= limit and not outage:
            job.dead_at = utcnow()
            log.error("outbox: job #%d (%s %s %d) is dead after %d attempts: %s",
                      job.id, job.kind, job.entity, job.entity_id, job.attempts, message)
    if outage:
        log.warning("outbox: %d job(s) wait for an outage to end: %s", len(jobs), message)
    elif any(job.dead_at is None for job in jobs):
        log.warning("outbox: %d job(s) failed, retrying later: %s", len(jobs), message)


def revive(job_ids=None):
    """Make dead jobs (these, or all) due again with a fresh count of attempts; returns how many."""
    statement = db.select(OutboxJob).where(OutboxJob.dead_at.is_not(None))
    if job_ids:
        statement = statement.where(OutboxJob.id.in_(job_ids))
    jobs = db.session.scalars(statement).all()
    for job in jobs:
        job.dead_at = None
        job.attempts = 0
        job.available_at = utcnow()
    return len(jobs)


@dataclass
class Status:
    due: int
    retrying: int
    dead: int
    oldest_due: timedelta | None  # how long the oldest due job has waited
    dead_jobs: list


def status(*, dead_listed=20):
    now = utcnow()
    alive = OutboxJob.dead_at.is_(None)

    def count(*conditions):
        return db.session.scalar(db.select(db.func.count(OutboxJob.id)).where(*conditions))

    oldest = db.session.scalar(db.select(db.func.min(OutboxJob.created_at)).where(alive, OutboxJob.available_at <= now))
    return Status(
        due=count(alive, OutboxJob.available_at <= now),
        retrying=count(alive, OutboxJob.available_at > now),
        dead=count(OutboxJob.dead_at.is_not(None)),
        oldest_due=now - oldest if oldest else None,
        dead_jobs=db.session.scalars(db.select(OutboxJob).where(OutboxJob.dead_at.is_not(None))
                                     .order_by(OutboxJob.id).limit(dead_listed)).all(),
    )
