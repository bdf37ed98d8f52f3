"""Tasks the worker runs on a schedule (digests, reminders): each due run happens once.

Every task has a row in ``scheduled_tasks`` saying when it is next due. A worker claims a due row
with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, runs the task and moves the row to its next time in
the same transaction, so with any number of workers a run happens once: the others skip the locked
row, and once it commits the row is no longer due. On SQLite the claim takes the database's write
lock (app/models/_common.py, ``lock_for_update``), which one worker holds at a time.

A task that fails is logged, rolled back to its savepoint and tried again at its next time; it
never stops the others. Tasks are written to be run late or twice without harm (each records what
it did per person), so a crash between the task and the commit costs a repeat, never a duplicate.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models._common import lock_for_update, utcnow
from app.models.notifications import ScheduledTask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    every: timedelta
    run: Callable[[], object]


def _row(name):
    row = db.session.get(ScheduledTask, name)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = ScheduledTask(name=name, next_run_at=utcnow())
            db.session.add(row)
    except IntegrityError:  # another worker made it first
        row = db.session.get(ScheduledTask, name)
    return row


def _claim(name):
    """The task's row, locked, if it is due; None when it is not due or another worker runs it."""
    _row(name)
    db.session.commit()
    statement = db.select(ScheduledTask).where(ScheduledTask.name == name, ScheduledTask.next_run_at <= utcnow())
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(statement.with_for_update(skip_locked=True))
    row = db.session.scalar(statement)
    if row is None:
        return None
    lock_for_update(row)
    return row if row.next_run_at <= utcnow() else None


def run_due(schedule):
    """Run every task of ``schedule`` ({name: Task}) that is due; returns the names run."""
    ran = []
    for name, task in schedule.items():
        row = _claim(name)
        if row is None:
            db.session.commit()
            continue
        try:
            with db.session.begin_nested():
                task.run()
        except Exception:  # noqa: BLE001 — one task's failure is logged; the others still run
            log.exception("schedule: %s failed; it runs again at its next time", name)
        else:
            ran.append(name)
        row.last_run_at = utcnow()
        row.next_run_at = utcnow() + task.every
        db.session.commit()
    return ran
