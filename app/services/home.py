"""What the home page shows: the regions of its search box, urgent and nearly funded projects, the
newest updates with photos, and live totals.

Only public projects, in the version the moderators approved (``published_snapshot``), and only
money that counts (confirmed or paid). A fixed number of queries whatever the number of projects
(tests/test_home.py counts them): the projects taking pledges are read as plain rows once (of their
snapshot only the needs and the start: the whole of it took seconds to decode on 100,000 projects),
their needs' progress in one grouped query, the rates once. Which cards are chosen is remembered
until what it depends on changes (``_choice_inputs``).
"""
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.errors import InvalidInput
from app.extensions import db
from app.ledger import ACCEPTING_STATUSES, confirmed_totals, convert, funding_progress, rates, takes_pledges
from app.markdown import plain_excerpt
from app.models import (
    COUNTED_STATUSES,
    PUBLIC_STATUSES,
    District,
    Lsg,
    Municipality,
    Need,
    NeedKind,
    Photo,
    PhotoKind,
    Pledge,
    PledgeKind,
    Project,
    ProjectUpdate,
    Region,
)
from app.models._common import utcnow
from app.pages.search import ReferenceNames

CARDS = 4  # at most this many cards in each section
NEARLY_FUNDED_FROM = 0.7  # confirmed share of the money asked for; below 1 (the goal itself)
EXCERPT_CHARACTERS = 200
CHOICE = "home_choice"  # in app.extensions: (inputs, the chosen cards)


@dataclass(frozen=True)
class Card:
    """A project's card with the line that says why it is on the home page."""

    project: Project
    starts_on: date | None = None  # urgent: the soonest start of what is still open
    skill: bool = False  # urgent: that start is a skill need's (places open), else the project's
    percent: int | None = None  # nearly funded: the confirmed share


@dataclass(frozen=True)
class UpdateCard:
    update: ProjectUpdate
    title: str
    photo: Photo
    excerpt: str


@dataclass(frozen=True)
class Totals:
    projects: int
    money_kgs: int  # minor units, the currencies with a rate converted to som
    currencies_without_rate: list
    places_filled: int
    lsgs: int

    @property
    def is_empty(self):
        return not (self.projects or self.money_kgs or self.places_filled or self.lsgs)


def _day(value):
    return date.fromisoformat(value) if value else None


def _taking_pledges():
    """(rows of the projects taking pledges, {need id: counted}, ids of closed needs)."""
    rows = db.session.execute(
        db.select(Project.id, Project.status, Project.currency, Project.accepts_overfunding,
                  Project.published_snapshot["needs"].label("needs"),
                  Project.published_snapshot["starts_on"].as_string().label("starts_on"))
        .where(Project.status.in_(ACCEPTING_STATUSES), Project.published_snapshot.is_not(None))
    ).all()
    rows = [row for row in rows if row.needs]  # a JSON null is not SQL NULL on PostgreSQL; no needs, no card
    need_ids = [n["id"] for row in rows for n in row.needs]
    closed = set(db.session.scalars(
        db.select(Need.id).join(Project, Need.project_id == Project.id)
        .where(Project.status.in_(ACCEPTING_STATUSES), Need.closed_at.is_not(None))
    ))
    return rows, confirmed_totals(need_ids), closed


def _soonest_open(row, totals, closed, today):
    """(day, is a skill need) of the soonest start still open on the project, or None: a skill
    need's first day with places left, or the project's start while a money need is short."""
    starts = []
    for need in row.needs:
        if need["id"] in closed:
            continue
        counted = totals.get(need["id"], 0)
        if need["kind"] == NeedKind.SKILL.value and takes_pledges(row, NeedKind.SKILL):
            day = _day(need.get("starts_on"))
            if day and day >= today and counted < (need.get("slots") or 0):
                starts.append((day, True))
        elif (need["kind"] == NeedKind.FUNDS.value and takes_pledges(row, NeedKind.FUNDS)
              and counted < (need.get("target_amount") or 0)):
            day = _day(row.starts_on)
            if day and day >= today:
                starts.append((day, False))
    return min(starts) if starts else None


def _choose(rows, totals, closed, known_rates):
    """({project id: Card fields} of the nearly funded, then of the urgent not already shown)."""
    today = utcnow().date()
    funded = []
    for row in rows:
        progress = funding_progress(row, row.needs, totals, known_rates=known_rates)
        if progress is not None and NEARLY_FUNDED_FROM <= progress < 1:
            funded.append((-progress, row.id))
    # Floored (a tiny margin against float error): 99.9 % is not yet "100 %".
    nearly = {pid: {"percent": int(-share * 100 + 1e-9)} for share, pid in sorted(funded)[:CARDS]}
    urgent = []
    for row in rows:
        soonest = _soonest_open(row, totals, closed, today) if row.id not in nearly else None
        if soonest:
            urgent.append((soonest, row.id))
    urgent = {pid: {"starts_on": day, "skill": skill} for (day, skill), pid in sorted(urgent)[:CARDS]}
    return nearly, urgent


def _cards(chosen, projects):
    return [Card(projects[pid], **fields) for pid, fields in chosen.items() if pid in projects]


def _projects(ids):
    """The cards' projects with what the card shows (place, region, sector) in one query."""
    if not ids:
        return {}
    found = db.session.scalars(
        db.select(Project).where(Project.id.in_(ids)).options(
            db.joinedload(Project.municipality).joinedload(Municipality.district).joinedload(District.region),
            db.joinedload(Project.sector))
    ).unique()
    return {p.id: p for p in found}


def newest_updates(limit=CARDS):
    """The newest updates with a photo on public projects, with their first photo and text as words."""
    has_photo = db.select(Photo.id).where(Photo.update_id == ProjectUpdate.id, Photo.kind == PhotoKind.UPDATE).exists()
    updates = db.session.scalars(
        db.select(ProjectUpdate).join(ProjectUpdate.project)
        .where(Project.status.in_(PUBLIC_STATUSES), Project.published_snapshot.is_not(None), has_photo)
        .options(db.contains_eager(ProjectUpdate.project), db.selectinload(ProjectUpdate.photos))
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc()).limit(limit)
    ).all()
    return [UpdateCard(u, u.project.public_title, u.photos[0], plain_excerpt(u.body, EXCERPT_CHARACTERS)) for u in updates if u.photos]


def totals(known_rates):
    public = Project.status.in_(PUBLIC_STATUSES)
    projects, places, lsgs = db.session.execute(db.select(
        db.select(db.func.count(Project.id)).where(public).scalar_subquery(),
        db.select(db.func.count(Pledge.id)).join(Project, Pledge.project_id == Project.id)
        .where(public, Pledge.kind == PledgeKind.SKILL, Pledge.status.in_(COUNTED_STATUSES)).scalar_subquery(),
        db.select(db.func.count(Lsg.id)).scalar_subquery(),
    )).one()
    money = db.session.execute(
        db.select(Need.currency, db.func.sum(Pledge.converted_amount))
        .join(Need, Pledge.need_id == Need.id).join(Project, Pledge.project_id == Project.id)
        .where(public, Pledge.kind == PledgeKind.FUNDS, Pledge.status.in_(COUNTED_STATUSES))
        .group_by(Need.currency)
    ).all()
    som, without_rate = 0, []
    for currency, amount in money:
        try:
            som += convert(int(amount or 0), currency, "KGS", known_rates=known_rates)[0]
        except InvalidInput:  # no rate for that currency yet: not counted, and the page says so
            without_rate.append(currency)
    return Totals(int(projects), som, sorted(without_rate), int(places), int(lsgs))


def _choice_inputs(known_rates):
    """What the choice of cards depends on, in one statement: every change to a project moves its
    updated_at (a snapshot published, a status); a pledge is made (a new id) and then only moves
    from status to status, each move stamping decided_at (app/services/decisions.py); closing or
    reopening a need moves the latest closed_at or their number; then the rates and the day. The
    numbers of projects taking pledges and the counted sums cover a clock that stands still."""
    latest = lambda column: db.select(db.func.max(column)).scalar_subquery()  # noqa: E731
    number = lambda column: db.select(db.func.count(column)).scalar_subquery()  # noqa: E731
    counted = lambda value: (db.select(db.func.coalesce(db.func.sum(value), 0))  # noqa: E731
                             .where(Pledge.status.in_(COUNTED_STATUSES)).scalar_subquery())
    found = db.session.execute(db.select(
        latest(Project.updated_at), number(Project.id),
        db.select(db.func.count(Project.id)).where(Project.status.in_(ACCEPTING_STATUSES)).scalar_subquery(),
        latest(Pledge.id), number(Pledge.id), latest(Pledge.decided_at), number(Pledge.decided_at),
        counted(Pledge.converted_amount), counted(Pledge.quantity), counted(db.case((Pledge.starts_on.is_not(None), 1))),
        latest(Need.closed_at), number(Need.closed_at))).one()
    return (tuple(found), tuple(sorted((c, r.som_per_unit_micro) for c, r in known_rates.items())),
            utcnow().date())


def _chosen(known_rates):
    """The cards' choice, remembered by this process until its inputs change (on 100,000 projects
    choosing reads all of them; its inputs, a dozen numbers)."""
    inputs = _choice_inputs(known_rates)
    remembered = current_app.extensions.get(CHOICE)
    if remembered is None or remembered[0] != inputs:
        rows, counted, closed = _taking_pledges()
        remembered = current_app.extensions[CHOICE] = (inputs, _choose(rows, counted, closed, known_rates))
    return remembered[1]


def home_page():
    """Everything the home page shows."""
    known_rates = rates()
    nearly, urgent = _chosen(known_rates)
    projects = _projects(list(nearly) + list(urgent))
    return {
        "regions": ReferenceNames().choices(Region),
        "urgent": _cards(urgent, projects),
        "nearly_funded": _cards(nearly, projects),
        "updates": newest_updates(),
        "totals": totals(known_rates),
    }
