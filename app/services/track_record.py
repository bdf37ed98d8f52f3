"""An LSG's track record, computed from the rows, never typed: what became of its projects, how much
of the money confirmed to it is reported spent against milestones, how fast its officials confirm
offline pledges, how it answers questions, how many of its projects are overdue for an update."""
import statistics
from dataclasses import dataclass
from datetime import timedelta

from app.errors import InvalidInput
from app.extensions import db
from app.ledger import confirmed_diaspora_money, convert
from app.models import PUBLIC_STATUSES, Pledge, PledgeKind, PledgeStatus, Project, ProjectStatus
from app.services.ministries import AnswerRecord, answer_record
from app.services.pledges.making import OFFLINE_METHODS
from app.services.projects.updates import is_stale, milestone_spending

UNDER_WAY = (ProjectStatus.PUBLISHED, ProjectStatus.FUNDED, ProjectStatus.IN_PROGRESS)
SECONDS_PER_DAY = 86400


@dataclass
class TrackRecord:
    completed: int
    in_progress: int  # published, funded or with work started
    cancelled: int  # cancelled after publication (a draft given up is nobody's business)
    confirmed: int  # money confirmed (or paid) on its projects, in som minor units
    spent: int  # money its officials reported spent against milestones, in som minor units
    median_confirm: timedelta | None  # made → confirmed, for offline pledges of money
    confirmations: int  # how many confirmed offline pledges that median is of
    answers: AnswerRecord
    updates_overdue: int  # projects under way with no update for STALE_AFTER

    @property
    def median_confirm_days(self):
        return round(self.median_confirm.total_seconds() / SECONDS_PER_DAY, 1) if self.median_confirm is not None else None

    @property
    def spent_percent(self):
        return round(100 * self.spent / self.confirmed) if self.confirmed else None


def _in_som(amount, currency):
    return amount if currency == "KGS" else convert(amount, currency, "KGS")[0]


def track_record(lsg):
    projects = db.session.scalars(db.select(Project).where(Project.lsg_id == lsg.id)).all()
    public = [p for p in projects if p.status in PUBLIC_STATUSES]
    confirmed = spent = 0
    for project in public:
        try:
            project_confirmed = _in_som(confirmed_diaspora_money(project), project.currency)
            project_spent = _in_som(sum(done for _m, _planned, done in milestone_spending(project)), project.currency)
        except InvalidInput:  # no exchange rate for its currency yet: its money is not counted
            continue
        confirmed += project_confirmed
        spent += project_spent
    waits = [(decided - created).total_seconds() for created, decided in db.session.execute(
        db.select(Pledge.created_at, Pledge.decided_at).join(Project, Pledge.project_id == Project.id)
        .where(Project.lsg_id == lsg.id, Pledge.kind == PledgeKind.FUNDS, Pledge.method.in_(OFFLINE_METHODS),
               Pledge.status == PledgeStatus.CONFIRMED, Pledge.decided_at.is_not(None)))]
    return TrackRecord(
        completed=sum(p.status == ProjectStatus.COMPLETED for p in projects),
        in_progress=sum(p.status in UNDER_WAY for p in projects),
        cancelled=sum(p.status == ProjectStatus.CANCELLED and p.published_at is not None for p in projects),
        confirmed=confirmed, spent=spent,
        median_confirm=timedelta(seconds=statistics.median(waits)) if waits else None, confirmations=len(waits),
        answers=answer_record(lsg),
        updates_overdue=sum(is_stale(p) for p in public),
    )
