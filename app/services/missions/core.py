"""Start a mission on a project with skill needs; find it; its volunteers (accepted skill offers)."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_

from app.authz import can_plan_mission, can_start_mission, require
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    ItemStatus,
    Mission,
    MissionKind,
    MissionVolunteer,
    NeedKind,
    Pledge,
    PledgeKind,
    PledgeStatus,
)
from app.models._common import lock_for_update
from app.services.audit import record_event
from app.services.projects.lookups import visible_project


MAX_DAYS = 90
# A mission's days lie in these years: outside them a date is a typing slip (and year 1 or 9999 breaks
# the arithmetic of the arrival window and the calendar file).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def get_mission(mission_id):
    mission = db.session.get(Mission, mission_id)
    if mission is None:
        raise NotFound()
    return mission


def mission_of(project, *loads):
    """The project's mission, or None; ``loads``: loader options for what the caller shows of it."""
    return db.session.scalar(db.select(Mission).where(Mission.project_id == project.id).options(*loads))


def planned_mission(official, project_id):
    """The project's mission, for its LSG's officials (its plan, checklist, volunteers, counts, report,
    hours); missing when the project is not a mission or not visible to them."""
    mission = mission_of(visible_project(official, project_id))
    if mission is None:
        raise NotFound()
    require(can_plan_mission, official, mission)
    return mission


def mission_kinds():
    return db.session.scalars(db.select(MissionKind).order_by(MissionKind.id)).all()


def get_mission_kind(kind_id):
    kind = db.session.get(MissionKind, kind_id)
    if kind is None:
        raise InvalidInput(_("Choose a kind of mission."), field="kind")
    return kind


def may_become_mission(project):
    """A project with at least one skill need and no mission yet."""
    return any(need.kind == NeedKind.SKILL for need in project.needs) and mission_of(project) is None


def start_mission(official, project, *, kind, starts_on, ends_on):
    """Run ``project`` as a mission of ``kind`` between the dates: its checklist is copied from the
    kind's template and the common items; offers already accepted become its volunteers. Flushes."""
    require(can_start_mission, official, project)
    lock_for_update(project)  # two officials starting it at once: the second finds the mission
    if not any(need.kind == NeedKind.SKILL for need in project.needs):
        raise InvalidInput(_("Only a project that asks for skills can be run as a mission."))
    if mission_of(project) is not None:
        raise Conflict(_("This project is already run as a mission."))
    check_dates(starts_on, ends_on)
    mission = Mission(project=project, kind=kind, starts_on=starts_on, ends_on=ends_on, languages=[])
    db.session.add(mission)
    template = db.session.scalars(
        db.select(ChecklistTemplateItem)
        .where(or_(ChecklistTemplateItem.kind_id == kind.id, ChecklistTemplateItem.kind_id.is_(None)),
               ChecklistTemplateItem.retired.is_(False))
        .order_by(ChecklistTemplateItem.kind_id.is_(None), ChecklistTemplateItem.position, ChecklistTemplateItem.id)
    ).all()
    for position, line in enumerate(template):
        mission.items.append(ChecklistItem(template_item=line, position=position, status=ItemStatus.MISSING))
    for pledge in _accepted_offers(project):
        mission.volunteers.append(MissionVolunteer(pledge=pledge))
    db.session.flush()
    record_event(official, "mission.started", project, mission_id=mission.id, kind=kind.code,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    return mission


def check_dates(starts_on, ends_on):
    """A mission's first and last day, as starting it and its plan accept them."""
    if not isinstance(starts_on, date):
        raise InvalidInput(_("Give the mission's first day."), field="starts_on")
    if not isinstance(ends_on, date):
        raise InvalidInput(_("Give the mission's last day."), field="ends_on")
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(_("Give a date between %(first)d and %(last)d.", first=FIRST_DAY.year,
                                 last=LAST_DAY.year), field=name)
    if ends_on < starts_on:
        raise InvalidInput(_("The last day cannot be before the first."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise InvalidInput(_("A mission lasts at most %(days)d days.", days=MAX_DAYS), field="ends_on")


def _accepted_offers(project):
    return db.session.scalars(db.select(Pledge).where(
        Pledge.project_id == project.id, Pledge.kind == PledgeKind.SKILL, Pledge.status == PledgeStatus.ACCEPTED)
        .order_by(Pledge.id)).all()


def enlist(pledge):
    """An offer just accepted on a mission's project: its volunteer joins the mission (once)."""
    mission = mission_of(pledge.project)
    if mission is None or pledge.kind != PledgeKind.SKILL:
        return None
    volunteer = db.session.scalar(db.select(MissionVolunteer).where(MissionVolunteer.pledge_id == pledge.id))
    if volunteer is None:
        volunteer = MissionVolunteer(mission=mission, pledge=pledge)
        db.session.add(volunteer)
        db.session.flush()
    return volunteer


def accepted_volunteers(mission):
    """The mission's volunteers whose offer still stands (accepted, not withdrawn), in order."""
    return [v for v in mission.volunteers if v.pledge.status == PledgeStatus.ACCEPTED]


def volunteer_of(user, mission):
    """The user's MissionVolunteer on ``mission`` (accepted), or None."""
    return next((v for v in accepted_volunteers(mission) if v.pledge.member_id == user.id), None)


def volunteer_days(volunteer):
    """(first day, last day) the volunteer gives: their offer's days (else the need's) within the
    mission's; the mission's when they no longer meet (its dates moved)."""
    mission, pledge = volunteer.mission, volunteer.pledge
    need = pledge.need
    first = max(pledge.starts_on or (need.starts_on if need else None) or mission.starts_on, mission.starts_on)
    last = min(pledge.ends_on or (need.ends_on if need else None) or mission.ends_on, mission.ends_on)
    return (first, last) if first <= last else (mission.starts_on, mission.ends_on)


def get_volunteer(volunteer_id):
    volunteer = db.session.get(MissionVolunteer, volunteer_id)
    if volunteer is None:
        raise NotFound()
    return volunteer


def readiness(mission):
    """(items ready, items in all) of the mission's checklist."""
    return sum(item.status == ItemStatus.READY for item in mission.items), len(mission.items)
