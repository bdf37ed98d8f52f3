"""Missions: permission to practise and the officials' confirmation of volunteers for the dates.

A volunteer whose skill requires it needs a temporary permission to practise: the mission's
officials request it from the signing ministry with the volunteer's verified credential (the
ProfileSkill: the document itself stays in the moderators' private storage), the ministry's members
grant or refuse it with a reason, and only then may the officials confirm the volunteer for the
dates. ``permit_state`` is the one reading of where a volunteer stands (the itinerary shows it).
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.authz import can_decide_permit, can_plan_mission, can_see_permit_queue, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.models import MemberProfile, MissionVolunteer, PermitStatus, PledgeStatus, ProfileSkill, SkillStatus
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event
from app.services.decisions import required_reason
from app.services.ministries import ministries_for_sector
from app.services.missions.core import accepted_volunteers, get_volunteer
from app.services.notifications import date_param, localized, notify, notify_all, officials_of

REASON_MAX = 2000
NOT_NEEDED, TO_REQUEST, REQUESTED, GRANTED, REFUSED = "not_needed", "to_request", "requested", "granted", "refused"


def requires_permit(volunteer):
    skill = volunteer.pledge.need.skill
    return skill is not None and skill.requires_permit


def permit_state(volunteer):
    """One of "not_needed", "to_request", "requested", "granted", "refused"."""
    if not requires_permit(volunteer):
        return NOT_NEEDED
    if volunteer.permit_status is None:
        return TO_REQUEST
    return volunteer.permit_status.value


def may_be_confirmed(volunteer):
    return permit_state(volunteer) in (NOT_NEEDED, GRANTED)


def verified_credential(volunteer):
    """The volunteer's verified credential for the skill of their offer, or None."""
    skill_id = volunteer.pledge.need.skill_id
    if skill_id is None:
        return None
    return db.session.scalar(
        db.select(ProfileSkill).join(MemberProfile, MemberProfile.id == ProfileSkill.profile_id)
        .where(MemberProfile.user_id == volunteer.pledge.member_id, ProfileSkill.skill_id == skill_id,
               ProfileSkill.status == SkillStatus.VERIFIED))


@dataclass
class VolunteerRow:
    volunteer: MissionVolunteer
    state: str
    credential: ProfileSkill | None

    @property
    def may_request(self):
        return self.state in (TO_REQUEST, REFUSED) and self.credential is not None

    @property
    def may_confirm(self):
        return self.volunteer.confirmed_at is None and self.state in (NOT_NEEDED, GRANTED)


def volunteer_rows(official, mission):
    """The officials' list: every accepted volunteer, where their permit stands, their credential."""
    require(can_plan_mission, official, mission)
    return [VolunteerRow(v, permit_state(v), verified_credential(v)) for v in accepted_volunteers(mission)]


def roster_counts(mission):
    """(accepted volunteers, of them not yet confirmed), for the link on the officials' page."""
    volunteers = accepted_volunteers(mission)
    return len(volunteers), sum(v.confirmed_at is None for v in volunteers)


def volunteer_on(mission, volunteer_id):
    """The accepted volunteer ``volunteer_id`` of ``mission`` (404 for any other)."""
    volunteer = get_volunteer(volunteer_id)
    if volunteer.mission_id != mission.id:
        raise NotFound()
    return volunteer


def _still_accepted(volunteer):
    if volunteer.pledge.status != PledgeStatus.ACCEPTED:
        raise Conflict(_("This volunteer's offer no longer stands."))


def _params(volunteer):
    mission = volunteer.mission
    return dict(member=volunteer.pledge.member.name, skill=localized(volunteer.pledge.need.skill),
                starts_on=date_param(mission.starts_on), ends_on=date_param(mission.ends_on),
                volunteer_id=volunteer.id, mission_id=mission.id)


def request_permit(official, volunteer):
    """Ask the signing ministry for ``volunteer``'s permission to practise, with their verified
    credential; a refused permission may be asked for again. Flushes."""
    mission = volunteer.mission
    require(can_plan_mission, official, mission)
    lock_for_update(volunteer)
    _still_accepted(volunteer)
    state = permit_state(volunteer)
    if state == NOT_NEEDED:
        raise Conflict(_("This volunteer's skill does not require a permission to practise."))
    if state in (REQUESTED, GRANTED):
        raise InvalidTransition(_("The permission has already been requested."))
    credential = verified_credential(volunteer)
    if credential is None:
        raise Conflict(_("This volunteer has no verified credential for %(skill)s: a moderator must verify "
                         "one before the permission can be requested.", skill=volunteer.pledge.need.skill.name))
    volunteer.permit_status = PermitStatus.REQUESTED
    volunteer.permit_credential = credential
    volunteer.permit_requested_by = official
    volunteer.permit_requested_at = utcnow()
    volunteer.permit_reason = None
    volunteer.permit_decided_by = None
    volunteer.permit_decided_at = None
    db.session.flush()
    record_event(official, "mission.permit_requested", volunteer, mission_id=mission.id,
                 user_id=volunteer.pledge.member_id, credential_id=credential.id, again=state == REFUSED)
    members = [m for ministry in ministries_for_sector(mission.signing_sector_id) for m in ministry.members
               if can_decide_permit(m, mission)]
    notify_all(members, "permit_requested", project=mission.project, besides=[official], **_params(volunteer))
    notify(volunteer.pledge.member, "permit_requested_mine", project=mission.project, **_params(volunteer))
    return volunteer


def permit_queue(user):
    """The requests waiting for a decision by the viewer's ministries, oldest first."""
    require(can_see_permit_queue, user)
    waiting = db.session.scalars(
        db.select(MissionVolunteer).where(MissionVolunteer.permit_status == PermitStatus.REQUESTED)
        .order_by(MissionVolunteer.permit_requested_at, MissionVolunteer.id)).all()
    return [v for v in waiting if v.pledge.status == PledgeStatus.ACCEPTED and can_decide_permit(user, v.mission)]


def permit_for_decision(user, volunteer_id):
    """A volunteer whose permission the viewer's ministry decides on (403 for anyone else)."""
    volunteer = get_volunteer(volunteer_id)
    require(can_decide_permit, user, volunteer.mission)
    if volunteer.permit_status is None:
        raise NotFound()
    return volunteer


def decide_permit(user, volunteer, *, decision, reason):
    """The ministry grants (``decision`` "grant") or refuses ("refuse") the permission, with a
    reason; once. Flushes."""
    mission = volunteer.mission
    require(can_decide_permit, user, mission)
    if decision not in ("grant", "refuse"):
        raise InvalidInput(_("Grant or refuse the permission."), field="reason")
    grant = decision == "grant"
    reason = required_reason(reason, limit=REASON_MAX)
    lock_for_update(volunteer)  # two deciders: the second waits, then sees it decided
    if volunteer.permit_status != PermitStatus.REQUESTED:
        raise InvalidTransition(_("This permission has already been decided."))
    _still_accepted(volunteer)
    volunteer.permit_status = PermitStatus.GRANTED if grant else PermitStatus.REFUSED
    volunteer.permit_reason = reason
    volunteer.permit_decided_by = user
    volunteer.permit_decided_at = utcnow()
    db.session.flush()
    action = "mission.permit_granted" if grant else "mission.permit_refused"
    record_event(user, action, volunteer, reason=reason, mission_id=mission.id, user_id=volunteer.pledge.member_id)
    kind = "permit_granted" if grant else "permit_refused"
    params = dict(_params(volunteer), reason=reason)
    notify(volunteer.pledge.member, kind, project=mission.project, **params)
    notify_all(officials_of(mission.project.lsg), f"{kind}_officials", project=mission.project, besides=[user],
               **params)
    return volunteer


def confirm_volunteer(official, volunteer):
    """The officials confirm ``volunteer`` for the dates: refused while a permission the skill
    requires is not granted. Flushes."""
    mission = volunteer.mission
    require(can_plan_mission, official, mission)
    lock_for_update(volunteer)
    _still_accepted(volunteer)
    if volunteer.confirmed_at is not None:
        raise InvalidTransition(_("This volunteer is already confirmed for the dates."))
    if not may_be_confirmed(volunteer):
        raise Conflict(_("%(name)s cannot be confirmed before the ministry grants the permission to practise.",
                         name=volunteer.pledge.member.name))
    volunteer.confirmed_at = utcnow()
    volunteer.confirmed_by = official
    db.session.flush()
    record_event(official, "mission.volunteer_confirmed", volunteer, mission_id=mission.id,
                 user_id=volunteer.pledge.member_id)
    notify(volunteer.pledge.member, "volunteer_confirmed", project=mission.project, **_params(volunteer))
    return volunteer
