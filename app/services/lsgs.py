"""What anyone may read about a local government: its place, its officials' names, its public projects."""
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from app.authz import can_edit_lsg, can_moderate, can_verify_lsg, require
from app.errors import InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.models import PUBLIC_STATUSES, Lsg, LsgMembership, MembershipStatus, Project, ProjectStatus
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event
from app.services.decisions import required_reason


@dataclass
class Official:
    name: str
    position: str


def public_lsg(lsg_id):
    lsg = db.session.get(Lsg, lsg_id)
    if lsg is None:
        raise NotFound()
    return lsg


def officials(lsg):
    """Names and positions only: no private contact data leaves the LSG's members."""
    rows = db.session.execute(
        db.select(LsgMembership).where(LsgMembership.lsg_id == lsg.id, LsgMembership.status == MembershipStatus.APPROVED)
        .order_by(LsgMembership.decided_at, LsgMembership.id)).scalars()
    return [Official(m.user.name, m.position) for m in rows if m.user.active]


def public_projects(lsg):
    """Its projects the public may see, newest first."""
    return db.session.scalars(db.select(Project).where(Project.lsg_id == lsg.id, Project.status.in_(PUBLIC_STATUSES))
                              .order_by(Project.created_at.desc(), Project.id.desc())).all()


# ---------------------------------------------------------------- issue 12: what the LSG tells, what a moderator checked

DETAIL_LIMITS = {"head_name": 200, "office_address": 300, "phone": 40, "opening_hours": 300}
_PHONE = re.compile(r"\+?[0-9 ()-]{5,40}")
# The order the page shows its projects in, by status.
STATUS_GROUPS = (ProjectStatus.PUBLISHED, ProjectStatus.FUNDED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)


def update_details(official, lsg, **fields):
    """The office's contacts as its officials write them (head, address, phone, opening hours)."""
    require(can_edit_lsg, official, lsg)
    cleaned = {}
    for name, limit in DETAIL_LIMITS.items():
        value = " ".join((fields.get(name) or "").split())
        if len(value) > limit:
            raise InvalidInput(_("At most %(max)d characters.", max=limit), field=name)
        cleaned[name] = value
    if cleaned["phone"] and not (_PHONE.fullmatch(cleaned["phone"]) and sum(c.isdigit() for c in cleaned["phone"]) >= 5):
        raise InvalidInput(_("Enter a phone number: digits, spaces, +, - and brackets."), field="phone")
    changed = {name: value for name, value in cleaned.items() if getattr(lsg, name) != value}
    for name, value in changed.items():
        setattr(lsg, name, value)
    db.session.flush()
    if changed:
        record_event(official, "lsg.details_changed", lsg, **changed)
    return lsg


def verify_lsg(moderator, lsg, *, reason):
    """A moderator checked the LSG is who it says it is; the page shows since when."""
    require(can_verify_lsg, moderator, lsg)
    reason = required_reason(reason, limit=2000)
    lock_for_update(lsg)
    if lsg.verified_at is not None:
        raise InvalidTransition(_("This local government is verified already."))
    lsg.verified_at, lsg.verified_by_id, lsg.verified_reason = utcnow(), moderator.id, reason
    db.session.flush()
    record_event(moderator, "lsg.verified", lsg, reason=reason)
    return lsg


def lsg_for_review(moderator, lsg_id):
    require(can_moderate, moderator)
    return public_lsg(lsg_id)


def all_lsgs_for_review(moderator):
    """Every LSG, those not verified first."""
    require(can_moderate, moderator)
    return db.session.scalars(db.select(Lsg).order_by(Lsg.verified_at.is_not(None), Lsg.name_en, Lsg.id)).all()


def projects_by_status(lsg):
    """[(status, [projects])] of its public projects, in STATUS_GROUPS order, empty groups left out."""
    projects = public_projects(lsg)
    return [(status, group) for status in STATUS_GROUPS
            if (group := [p for p in projects if p.status == status])]


def lsg_for_editing(official, lsg_id):
    lsg = public_lsg(lsg_id)
    require(can_edit_lsg, official, lsg)
    return lsg
