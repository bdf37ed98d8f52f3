"""The worker: drains the outbox (app/outbox.py) after the web requests commit.

Kinds of job and what they do:
- "sync": send the current state of a project or profile to the search index. The due ones go in
  one bulk push; should the push fail for a reason other than an outage, each is pushed alone so
  the one that cannot be indexed (a bad document) fails alone.
- "alert": find the saved searches a newly published project matches; queue one "mail" job each.
- "refund": give back a card payment Stripe took beyond a need's target (idempotent at Stripe).
- "mail": send one mail (an alert, a refund notice, a notification, a password reset), then commit at once (one job, one mail, one
  commit).

- "mail": send one mail (an alert, a refund notice, a notification, a digest), then commit at once
  (one job, one mail, one commit).

Each job runs in its own savepoint: any exception rolls back that job's writes only, is recorded on
the job (attempts, last_error, a later available_at) and the batch goes on. The loop (``run``)
never stops on an error: a job's error is the job's, and a failure of the loop itself (the
database gone) is logged, rolled back and retried after a pause.
"""
import logging
import smtplib
import time
from datetime import timedelta

from app.extensions import db
from app.outbox import claim, done, failed, wait
from app.schedule import Task, run_due
from app.payments.card_pledges import mail_refund, refund_card_pledge
from app.payments.stripe_gateway import CardPaymentUnavailable
from app.search import SearchUnavailable, backend
from app.search.backend import ReindexRunning
from app.services.accounts import mail_password_reset
from app.services.alerts import queue_alerts_for, send_alert
from app.services.digests import queue_digests, send_digest
from app.services.notifications import send_notification
from app.services.questions import late_questions

from app.services.reminders import send_reminders

log = logging.getLogger(__name__)
BATCH = 500
MAX_PAUSE_SECONDS = 30

# What the worker runs on a schedule (app/schedule.py): each due run once, whatever the workers.
SCHEDULE = {
    "late_questions": Task(timedelta(days=1), late_questions),
    "reminders": Task(timedelta(days=1), send_reminders),  # app/services/reminders.py
    "digests": Task(timedelta(hours=1), queue_digests),  # each person's weekly (or daily) digest when due
}


class UnknownJob(Exception):
    """A job of a kind this version does not know (left by a newer one, or written by hand)."""


def is_outage(error):
    """Is the error something the job waits for (a server down) rather than its own fault?"""
    if isinstance(error, (SearchUnavailable, CardPaymentUnavailable)):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500  # "try again later"
    return isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError))


def _run(job):
    if job.kind == "alert":
        queue_alerts_for(job.entity_id)
    elif job.kind == "refund" and job.entity == "pledge":
        refund_card_pledge(job.entity_id)
    elif job.kind == "mail" and job.entity == "alert_delivery":
        send_alert(job.entity_id)
    elif job.kind == "mail" and job.entity == "refund":
        mail_refund(job.entity_id)
    elif job.kind == "mail" and job.entity == "notification":
        send_notification(job.entity_id)
    elif job.kind == "mail" and job.entity == "password_reset":
        mail_password_reset(job.entity_id)

    elif job.kind == "mail" and job.entity == "digest":
        send_digest(job.entity_id)
    else:
        raise UnknownJob(f"no handler for {job.kind} {job.entity} {job.entity_id}")


def _run_alone(job):
    """One job in its own savepoint; True when it was done."""
    try:
        with db.session.begin_nested():
            _run(job)
    except Exception as error:  # noqa: BLE001 — any error is the job's: recorded, retried, parked
        failed([job], error, outage=is_outage(error))
        return False
    done(job)
    return True


def _push(jobs):
    projects = sorted({j.entity_id for j in jobs if j.entity == "project"})
    profiles = sorted({j.entity_id for j in jobs if j.entity == "profile"})
    with db.session.begin_nested():
        backend().push(projects=projects, profiles=profiles)


def _sync(jobs):
    """Returns (done, failed)."""
    if not jobs:
        return 0, 0
    try:
        _push(jobs)
    except ReindexRunning as error:
        wait(jobs, error)
        return 0, len(jobs)
    except SearchUnavailable as error:
        failed(jobs, error, outage=True)
        return 0, len(jobs)
    except Exception as error:  # noqa: BLE001 — one bad document: find it by pushing each alone
        log.warning("outbox: a bulk push failed (%s: %s); pushing each change alone", type(error).__name__, error)
    else:
        for job in jobs:
            done(job)
        return len(jobs), 0
    by_entity = {}
    for job in jobs:
        by_entity.setdefault((job.entity, job.entity_id), []).append(job)
    ok = 0
    for same in by_entity.values():
        try:
            _push(same)
        except ReindexRunning as error:
            wait(same, error)
        except Exception as error:  # noqa: BLE001 — recorded on the job, retried, parked if it persists
            failed(same, error, outage=is_outage(error))
        else:
            for job in same:
                done(job)
            ok += len(same)
    return ok, len(jobs) - ok


def drain_once(limit=BATCH):
    """Run one batch of due jobs; returns (done, failed).

    Index and alert jobs are claimed together and committed once; then mail jobs are claimed one
    at a time, each sent and committed on its own, so a mail the server accepted is never rolled
    back with others (and never held locked while another mail is sent)."""
    jobs = claim(limit, except_kinds=("mail",))
    ok, bad = _sync([j for j in jobs if j.kind == "sync"])
    for job in (j for j in jobs if j.kind != "sync"):
        if _run_alone(job):
            ok += 1
        else:
            bad += 1
    db.session.commit()
    for _ in range(limit):
        mail = claim(1, kinds=("mail",))
        if not mail:
            break
        if _run_alone(mail[0]):
            ok += 1
        else:
            bad += 1
        db.session.commit()
    db.session.commit()
    return ok, bad


def drain(limit=BATCH):
    """Run the due tasks of SCHEDULE, then every due job until none is left or only failing ones
    remain; returns (done, failed)."""
    run_due(SCHEDULE)
    total_done = total_failed = 0
    while True:
        ok, bad = drain_once(limit)
        total_done += ok
        total_failed += bad
        if ok == 0:
            return total_done, total_failed


def run(*, interval=1.0, once=False, should_stop=lambda: False, report=None):
    """The worker process's loop: drain, pause, again, until ``should_stop()`` (or once)."""
    pause = interval
    while not should_stop():
        try:
            ok, bad = drain()
        except Exception:  # noqa: BLE001 — the loop itself failed (e.g. the database is gone): go on
            log.exception("worker: the outbox could not be drained; trying again in %.0f s", pause)
            try:
                db.session.rollback()
            except Exception:  # noqa: BLE001 — a dead connection may not even roll back
                db.session.remove()
            time.sleep(pause)
            pause = min(max(pause * 2, 1), MAX_PAUSE_SECONDS) if interval else 0
            continue
        pause = interval
        if report and (ok or bad):
            report(ok, bad)
        if once:
            return
        time.sleep(interval)
