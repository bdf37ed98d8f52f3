"""The moderators' dashboard: what stands where, by region or by sector, each figure a sum of rows.

Every figure is built from ``Fact`` rows — one per project, pledge, place or spending line behind
it — so the table and the list behind a cell (``figure_rows``) are the same rows: a cell is the sum
of the values of its facts (an age column is the largest age among them). Money is in som (KGS,
minor units), converted with the admins' rates (``app/ledger.py``); an amount in a currency without
a rate is left out of the sums and named in ``left_out``.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.authz import can_moderate, require
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.ledger import ACCEPTING_STATUSES, convert
from app.models import (
    COUNTED_STATUSES, PUBLIC_STATUSES, UPDATABLE_STATUSES, District, Municipality, Need, NeedKind,
    Pledge, PledgeKind, PledgeStatus, Project, ProjectStatus, ProjectUpdate, Region, Sector, SpendingLine,
)
from app.models._common import utcnow
from app.services.pledges.making import OFFLINE_METHODS
from app.services.projects.updates import STALE_AFTER

GROUPINGS = ("region", "sector")
NO_SECTOR = 0  # the group of projects without a sector
# Money pledged: counted (confirmed, paid), or promised offline and waiting for an official; not a
# card payment still under way (it counts once Stripe says it is paid), nor what fell away.
PLEDGED_STATUSES = (PledgeStatus.PENDING, PledgeStatus.CONFIRMED, PledgeStatus.PAID)


def _is_pledged(pledge):
    return pledge.status in COUNTED_STATUSES or pledge.method in OFFLINE_METHODS

STATUS_LABELS = {
    ProjectStatus.DRAFT: _l("Draft"),
    ProjectStatus.SUBMITTED: _l("Waiting for review"),  # the words of projects/_labels.html
    ProjectStatus.CHANGES_REQUESTED: _l("Changes requested"),
    ProjectStatus.PUBLISHED: _l("Published"),
    ProjectStatus.REJECTED: _l("Rejected"),
    ProjectStatus.FUNDED: _l("Funded"),
    ProjectStatus.IN_PROGRESS: _l("In progress"),
    ProjectStatus.COMPLETED: _l("Completed"),
    ProjectStatus.CANCELLED: _l("Cancelled"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    money: bool = False  # an amount in KGS minor units
    age_of: str = ""  # an age in days: the oldest of this column's facts (not a sum)


@dataclass(frozen=True)
class Table:
    key: str
    title: object
    columns: tuple


TABLES = (
    Table("projects", _l("Projects by status"),
          tuple(Column(s.value, label) for s, label in STATUS_LABELS.items())),
    Table("money", _l("Money (som)"), (
        Column("pledged", _l("Pledged"), money=True),
        Column("confirmed", _l("Confirmed"), money=True),
        Column("spent", _l("Reported spent"), money=True),
    )),
    Table("places", _l("Skill places"), (
        Column("filled", _l("Places filled")),
        Column("open", _l("Places open")),
    )),
    Table("waiting", _l("What waits"), (
        Column("offline_waiting", _l("Offline pledges waiting")),
        Column("offline_oldest", _l("Oldest waiting pledge (days)"), age_of="offline_waiting"),
        Column("overdue", _l("Updates overdue")),
        Column("queue", _l("Review queue")),
        Column("queue_oldest", _l("Oldest in the queue (days)"), age_of="queue"),
    )),
)
TABLES_BY_KEY = {t.key: t for t in TABLES}
# Figures whose list is a moderation queue that already filters by region and sector.
QUEUE_FIGURES = ("queue", "queue_oldest")


@dataclass
class Fact:
    """One row behind a figure: ``value`` of it (1 for a count, som, places) on ``project``."""

    column: str
    project: Project
    region_id: int
    sector_id: int
    value: int = 1
    since: datetime | None = None  # since when it waits (for the age columns)
    pledge: Pledge | None = None
    line: SpendingLine | None = None
    amount: tuple | None = None  # (amount, currency) as recorded, before conversion


@dataclass
class Group:
    id: int | None  # None: the total row
    name: object
    cells: dict = field(default_factory=dict)  # column key -> figure


@dataclass
class Dashboard:
    by: str
    tables: list  # [(Table, [Group...], total Group)]
    left_out: dict  # currency -> how many amounts were left out of the money sums


# ---------------------------------------------------------------- the rows


def _projects():
    """{project id: (project, region id, sector id)} of every project."""
    rows = db.session.execute(
        db.select(Project, District.region_id).join(Municipality, Project.municipality_id == Municipality.id)
        .join(District, Municipality.district_id == District.id)).all()
    return {p.id: (p, region_id, p.sector_id or NO_SECTOR) for p, region_id in rows}


def _in_som(amount, currency, left_out):
    try:
        return convert(amount, currency, "KGS")[0]
    except InvalidInput:  # no rate for that currency yet
        left_out[currency] = left_out.get(currency, 0) + 1
        return None


def collect_facts(now=None):
    """(every Fact, {currency: amounts left out}) — the rows every figure of the dashboard sums."""
    now = now or utcnow()
    projects = _projects()
    facts, left_out = [], {}

    def add(column, project_id, **kw):
        project, region_id, sector_id = projects[project_id]
        facts.append(Fact(column, project, region_id, sector_id, **kw))

    for project, _region, _sector in projects.values():
        add(project.status.value, project.id)
        last = project.last_update_at or project.published_at
        if project.status in UPDATABLE_STATUSES and last is not None and last < now - STALE_AFTER:
            add("overdue", project.id, since=last)
        if project.awaiting_review:
            add("queue", project.id, since=project.submitted_at)

    money = db.session.execute(
        db.select(Pledge, Need.currency).join(Need, Pledge.need_id == Need.id)
        .where(Pledge.kind == PledgeKind.FUNDS, Pledge.status.in_(PLEDGED_STATUSES))
        .order_by(Pledge.id)).all()
    for pledge, currency in money:
        if not _is_pledged(pledge):
            continue
        som = _in_som(pledge.converted_amount, currency, left_out)
        if som is not None:
            add("pledged", pledge.project_id, value=som, pledge=pledge, amount=(pledge.converted_amount, currency))
            if pledge.status in COUNTED_STATUSES:
                add("confirmed", pledge.project_id, value=som, pledge=pledge,
                    amount=(pledge.converted_amount, currency))
        if pledge.status == PledgeStatus.PENDING and pledge.method in OFFLINE_METHODS:
            add("offline_waiting", pledge.project_id, pledge=pledge, since=pledge.created_at,
                amount=(pledge.amount, pledge.currency))

    lines = db.session.execute(
        db.select(SpendingLine, ProjectUpdate.project_id).join(ProjectUpdate, SpendingLine.update_id == ProjectUpdate.id)
        .order_by(SpendingLine.id)).all()
    for line, project_id in lines:
        currency = projects[project_id][0].currency  # spending is reported in the project's currency
        som = _in_som(line.amount, currency, left_out)
        if som is not None:
            add("spent", project_id, value=som, line=line, amount=(line.amount, currency))

    _places(projects, add)
    return facts, left_out


def _places(projects, add):
    """Places taken (accepted offers) on the skill needs of public projects, and those still open
    (on needs not closed, of projects that take pledges)."""
    needs = db.session.scalars(db.select(Need).where(Need.kind == NeedKind.SKILL).order_by(Need.id)).all()
    taken = dict(db.session.execute(
        db.select(Pledge.need_id, db.func.count(Pledge.id))
        .where(Pledge.kind == PledgeKind.SKILL, Pledge.status == PledgeStatus.ACCEPTED).group_by(Pledge.need_id)).all())
    for need in needs:
        project = projects[need.project_id][0]
        if project.status not in PUBLIC_STATUSES:
            continue
        filled = int(taken.get(need.id, 0))
        if filled:
            add("filled", project.id, value=filled)
        still = max((need.slots or 0) - filled, 0)
        if still and need.closed_at is None and project.status in ACCEPTING_STATUSES:
            add("open", project.id, value=still)


# ---------------------------------------------------------------- the tables


def _groups(by):
    if by == "region":
        regions = db.session.scalars(db.select(Region).order_by(Region.name_en)).all()
        return [(r.id, r.name) for r in regions]
    sectors = db.session.scalars(db.select(Sector).order_by(Sector.id)).all()
    return [(s.id, s.name) for s in sectors] + [(NO_SECTOR, _l("No sector"))]


def _key(fact, by):
    return fact.region_id if by == "region" else fact.sector_id


def _age(fact, now):
    return max((now - fact.since).days, 0) if fact.since else 0


def _cells(table, facts, now):
    cells = {}
    for column in table.columns:
        if column.age_of:
            ages = [_age(f, now) for f in facts if f.column == column.age_of]
            cells[column.key] = max(ages) if ages else None
        else:
            cells[column.key] = sum(f.value for f in facts if f.column == column.key)
    return cells


def _check_by(by):
    if by not in GROUPINGS:
        raise NotFound()


def moderation_dashboard(moderator, *, by="region", now=None):
    require(can_moderate, moderator)
    _check_by(by)
    now = now or utcnow()
    facts, left_out = collect_facts(now)
    groups = _groups(by)
    tables = []
    for table in TABLES:
        rows = [Group(gid, name, _cells(table, [f for f in facts if _key(f, by) == gid], now))
                for gid, name in groups]
        tables.append((table, rows, Group(None, _l("All"), _cells(table, facts, now))))
    return Dashboard(by, tables, left_out)


def figure_rows(moderator, *, by, column, group=None, now=None):
    """The facts behind one cell (``group`` None: the total), oldest waiting first for the ages."""
    require(can_moderate, moderator)
    _check_by(by)
    columns = {c.key: c for t in TABLES for c in t.columns}
    if column not in columns:
        raise NotFound()
    wanted = columns[column].age_of or column
    facts, _left_out = collect_facts(now)
    found = [f for f in facts if f.column == wanted and (group is None or _key(f, by) == group)]
    if columns[column].age_of:
        found.sort(key=lambda f: (f.since or datetime.max, f.project.id))
    return columns[column], found


def csv_rows(dashboard, table_key):
    """(rows as dicts, field names) of one table of the dashboard, the total row last."""
    table, groups, total = next((t, g, tot) for t, g, tot in dashboard.tables if t.key == table_key)
    fieldnames = [dashboard.by] + [c.key for c in table.columns]
    rows = []
    for group in [*groups, total]:
        row = {dashboard.by: str(group.name)}
        for column in table.columns:
            value = group.cells[column.key]
            row[column.key] = "" if value is None else (f"{value // 100}.{value % 100:02d}" if column.money else value)
        rows.append(row)
    return rows, fieldnames


def group_name(by, group):
    """The name of a row of the tables (None: every row)."""
    if group is None:
        return None
    return dict(_groups(by)).get(group)
