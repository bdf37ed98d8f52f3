"""Missions: the ministry's sign-off of a mission's site. The officials send the checklist; a member
of the signing sector's ministry (not an official of the LSG) sends an item or the whole checklist
back, or signs "site ready" — each with a reason, audited, and in the public decisions log."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.authz import (
    can_plan_mission,
    can_sign_off_mission,
    is_ministry_member,
    is_signing_ministry_member,
    require,
)
from app.errors import InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.models import ChecklistItem, Mission, SignoffStatus, ministry_members, ministry_sectors
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event
from app.services.decisions import required_reason
from app.services.ministries import ministries_for_sector
from app.services.missions.core import accepted_volunteers, get_mission
from app.services.notifications import localized, notify_all, officials_of

REASON_LIMIT = 2000


def item_param(item):
    """A checklist item's name for a notification: the template's three names, else as written."""
    return localized(item.template_item) if item.template_item is not None else item.name


def signing_ministries(mission):
    return ministries_for_sector(mission.signing_sector_id)


def items_sent_back(mission):
    return [item for item in mission.items if item.sent_back_at is not None]


# ---- the officials


def request_signoff(official, mission):
    """The checklist goes to the ministry: DRAFT or SENT_BACK → SUBMITTED. Flushes."""
    require(can_plan_mission, official, mission)
    lock_for_update(mission)
    if mission.signoff_status not in (SignoffStatus.DRAFT, SignoffStatus.SENT_BACK):
        raise InvalidTransition(_("The checklist is already with the ministry, or signed."))
    if not (mission.facility_name or "").strip():
        raise InvalidInput(_("Name the host facility before you send the checklist to the ministry."))
    waiting = items_sent_back(mission)
    if waiting:
        raise InvalidInput(_("Change the items the ministry sent back before you send the checklist again: "
                             "%(items)s.", items=", ".join(item.label for item in waiting)))
    mission.signoff_status, mission.signoff_reason = SignoffStatus.SUBMITTED, None
    db.session.flush()
    record_event(official, "mission.signoff_requested", mission, project_id=mission.project_id)
    members = [member for ministry in signing_ministries(mission) for member in ministry.members
               if can_sign_off_mission(member, mission)]  # not a member who is an official of the LSG
    notify_all(members, "mission_signoff_requested", project=mission.project, besides=[official],
               mission_id=mission.id)  # the queue links to its review
    return mission


# ---- the ministry


def signoff_queue(user):
    """Missions waiting for a ministry the user is a member of (by the signing sector), oldest first."""
    require(is_ministry_member, user)
    sector_ids = set(db.session.scalars(
        select(ministry_sectors.c.sector_id)
        .join(ministry_members, ministry_members.c.ministry_id == ministry_sectors.c.ministry_id)
        .where(ministry_members.c.user_id == user.id)))
    waiting = db.session.scalars(db.select(Mission).where(Mission.signoff_status == SignoffStatus.SUBMITTED)
                                 .order_by(Mission.updated_at, Mission.id)).all()
    return [mission for mission in waiting if mission.signing_sector_id in sector_ids]


def mission_for_review(user, mission_id):
    mission = get_mission(mission_id)
    require(is_signing_ministry_member, user, mission)
    return mission


def _decision(decider, mission, reason, allowed_from, already):
    """Check the decider and the reason, lock the mission and check its status; the reason."""
    require(can_sign_off_mission, decider, mission)
    reason = required_reason(reason, limit=REASON_LIMIT)
    lock_for_update(mission)  # two deciders at once: the second sees what the first decided
    if mission.signoff_status not in allowed_from:
        raise InvalidTransition(already)
    return reason


def _decided(decider, mission, action, reason, kind, **params):
    db.session.flush()
    record_event(decider, f"mission.{action}", mission, reason=reason, project_id=mission.project_id, **params)
    # The public decisions log lists the project's decisions.
    record_event(decider, f"project.mission_{action}", mission.project, reason=reason, mission_id=mission.id)
    notify_all(officials_of(mission.project.lsg), kind, project=mission.project, besides=[decider],
               reason=reason, **params)


def send_item_back(decider, mission, item_id, reason):
    """One item needs more: the mission goes SENT_BACK until the officials change it. Flushes."""
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.mission_id != mission.id:
        raise NotFound()
    reason = _decision(decider, mission, reason, (SignoffStatus.SUBMITTED, SignoffStatus.SENT_BACK),
                       _("Only a checklist with the ministry can be sent back."))
    item.sent_back_reason, item.sent_back_at = reason, utcnow()
    mission.signoff_status = SignoffStatus.SENT_BACK
    db.session.flush()
    record_event(decider, "mission.item_sent_back", mission, reason=reason, item_id=item.id,
                 project_id=mission.project_id)
    notify_all(officials_of(mission.project.lsg), "mission_item_sent_back", project=mission.project,
               besides=[decider], item=item_param(item), reason=reason)
    return item


def send_back(decider, mission, reason):
    """The whole checklist needs more. Flushes."""
    reason = _decision(decider, mission, reason, (SignoffStatus.SUBMITTED, SignoffStatus.SENT_BACK),
                       _("Only a checklist with the ministry can be sent back."))
    mission.signoff_status, mission.signoff_reason = SignoffStatus.SENT_BACK, reason
    _decided(decider, mission, "sent_back", reason, "mission_sent_back")
    return mission


def sign(decider, mission, reason):
    """"Site ready": SIGNED by the decider; refused while an item is sent back. Flushes."""
    reason = _decision(decider, mission, reason, (SignoffStatus.SUBMITTED,),
                       _("Only a checklist waiting for the ministry can be signed."))
    if items_sent_back(mission):
        raise InvalidTransition(_("An item is sent back: the officials must change it before the site is signed."))
    mission.signoff_status, mission.signoff_reason = SignoffStatus.SIGNED, reason
    mission.signed_off_by, mission.signed_off_at = decider, utcnow()
    _decided(decider, mission, "signed", reason, "mission_signed")
    notify_all([v.pledge.member for v in accepted_volunteers(mission)], "mission_site_ready",
               project=mission.project, besides=[decider])
    return mission


def signing_ministry(mission):
    """The ministry that signed (of the signer's ministries, the first covering the sector): the
    public sees its name, never the person's."""
    if mission.signed_off_by is None:
        return None
    found = [m for m in signing_ministries(mission) if mission.signed_off_by in m.members]
    return found[0] if found else None

