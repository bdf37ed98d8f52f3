"""What pledges add up to: lists for officials and the public, receipts, yearly statements."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.authz import can_edit_project, can_see_lsg_statement, can_see_receipt, is_authenticated, require
from app.errors import InvalidTransition, NotFound
from app.extensions import db
from app.ledger import convert
from app.models import COUNTED_STATUSES, Pledge, PledgeKind, PledgeStatus, Project, SkillStatus
from app.services.pledges.deciding import get_pledge
from app.services.profiles import credential_status, profile_of, profile_visible_to

P = PledgeStatus


def pending_for_project(official, project):
    require(can_edit_project, official, project)
    return db.session.scalars(
        db.select(Pledge).where(Pledge.project_id == project.id, Pledge.status == P.PENDING)
        .order_by(Pledge.created_at, Pledge.id)
    ).all()


@dataclass(frozen=True)
class IncomingPledge:
    """A pledge waiting for an official, with what the official may know of the member who made it."""
    pledge: Pledge
    profile_visible: bool  # the official may open the member's profile (its visibility decides)
    credential: SkillStatus | None  # a skill offer: the member's credential for the need's skill


def incoming_pledges(official, project):
    """The pending pledges of a project for its officials to decide (the incoming pledges page)."""
    rows = []
    for pledge in pending_for_project(official, project):
        profile = profile_of(pledge.member)
        skill = pledge.need.skill if pledge.kind == PledgeKind.SKILL else None
        rows.append(IncomingPledge(
            pledge=pledge, profile_visible=profile is not None and profile_visible_to(official, profile),
            credential=credential_status(pledge.member, skill) if skill else None,
        ))
    return rows


def public_ledger(project):
    """Every pledge that is pending or confirmed, newest first: what the village is told it gets.
    Each row names its member and its need: they come in the same query."""
    return db.session.scalars(
        db.select(Pledge).where(Pledge.project_id == project.id,
                                Pledge.status.in_((P.PENDING, *COUNTED_STATUSES, P.REFUNDED)))
        .options(joinedload(Pledge.member), joinedload(Pledge.need))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def pledges_of(member):
    return db.session.scalars(
        db.select(Pledge).where(Pledge.member_id == member.id).order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def receipt(member, pledge_id):
    """A confirmed pledge's receipt, for its member (or the project's officials)."""
    pledge = get_pledge(pledge_id)
    if not can_see_receipt(member, pledge):
        raise NotFound()  # someone else's receipt is not even there
    if pledge.status not in COUNTED_STATUSES:
        raise InvalidTransition(_("A receipt exists once the pledge is confirmed."))
    return pledge


# ---------------------------------------------------------------- statements

HOURS_PER_DAY = 8  # a day of volunteer work, as the statements count it


def member_statement(member, year):
    """A member's year: counted money (by currency, as given), goods, and skill days as hours."""
    require(is_authenticated, member)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    counted = db.session.scalars(
        db.select(Pledge).where(Pledge.member_id == member.id, Pledge.status.in_(COUNTED_STATUSES),
                                Pledge.created_at >= start, Pledge.created_at < end)
        .order_by(Pledge.created_at, Pledge.id)
    ).all()
    money = {}
    hours = 0
    for pledge in counted:
        if pledge.kind == PledgeKind.FUNDS:
            money[pledge.currency] = money.get(pledge.currency, 0) + pledge.amount
        elif pledge.kind == PledgeKind.SKILL:
            hours += ((pledge.ends_on - pledge.starts_on).days + 1) * HOURS_PER_DAY
    return {"year": year, "pledges": counted, "money": money, "hours": hours}


def lsg_statement(official, lsg, year):
    """Money an LSG received in a year, per project, in each project's currency."""
    require(can_see_lsg_statement, official, lsg)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = {}
    for pledge in db.session.scalars(
        db.select(Pledge).join(Pledge.project).where(
            Pledge.kind == PledgeKind.FUNDS, Pledge.status.in_(COUNTED_STATUSES),
            Pledge.decided_at >= start, Pledge.decided_at < end, Project.lsg_id == lsg.id)
    ):
        project = pledge.project
        amount = pledge.converted_amount
        if pledge.need.currency != project.currency:
            amount = convert(amount, pledge.need.currency, project.currency)[0]
        entry = rows.setdefault(project.id, {"project": project, "count": 0, "total": 0})
        entry["count"] += 1
        entry["total"] += amount
    return {"year": year, "lsg": lsg, "projects": sorted(rows.values(), key=lambda r: r["project"].id)}
