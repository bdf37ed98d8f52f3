"""One permission vocabulary, used by services (to enforce) and by templates (to hide buttons).

A permission is a predicate over (user, target). They compose with ``&`` and ``|``:
``can_moderate = is_moderator | is_admin``. Services call ``require(permission, user, target)``.
"""
from sqlalchemy import select

from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.models import MembershipStatus, PledgeStatus, ministry_members, ministry_sectors


class Permission:
    def __init__(self, check, name):
        self._check = check
        self.name = name

    def __call__(self, user, target=None) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(self._check(user, target))

    def __and__(self, other):
        return Permission(lambda u, t: self(u, t) and other(u, t), f"({self.name} & {other.name})")

    def __or__(self, other):
        return Permission(lambda u, t: self(u, t) or other(u, t), f"({self.name} | {other.name})")

    def __repr__(self):
        return f"<Permission {self.name}>"


def _is_official_of(user, lsg):
    if lsg is None:
        return False
    return any(
        m.lsg_id == lsg.id and m.status == MembershipStatus.APPROVED for m in user.memberships
    )


is_authenticated = Permission(lambda u, t: True, "is_authenticated")
is_moderator = Permission(lambda u, t: u.is_moderator, "is_moderator")
is_admin = Permission(lambda u, t: u.is_admin, "is_admin")
is_official_of = Permission(_is_official_of, "is_official_of")

def _is_official_of_project_lsg(user, project):
    return project is not None and _is_official_of(user, project.lsg)


is_project_official = Permission(_is_official_of_project_lsg, "is_project_official")


def _is_official_of_any(user, lsg_ids):
    return bool(lsg_ids) and any(
        m.lsg_id in lsg_ids and m.status == MembershipStatus.APPROVED for m in user.memberships
    )


is_official_of_any = Permission(_is_official_of_any, "is_official_of_any")  # target: a set of LSG ids
# An approved official of at least one LSG (no target): the menu's "My LSG's projects".
is_official = Permission(lambda u, t: _is_official_of_any(u, {m.lsg_id for m in u.memberships}), "is_official")
is_profile_owner = Permission(lambda u, profile: profile is not None and profile.user_id == u.id,
                              "is_profile_owner")
is_pledge_owner = Permission(lambda u, pledge: pledge is not None and pledge.member_id == u.id, "is_pledge_owner")

can_moderate = is_moderator | is_admin
can_edit_project = is_project_official
can_see_unpublished_project = is_project_official | can_moderate
can_administer = is_admin
can_request_membership = is_authenticated
can_follow = is_authenticated  # target: a public project, an LSG or a place
can_verify_credentials = can_moderate
can_see_whole_profile = is_profile_owner | can_moderate

# ---- decisions on projects, memberships and credentials: never one's own
# (a moderator who is an official of the project's LSG lets another moderator decide on it)
is_outside_project_lsg = Permission(lambda u, project: not _is_official_of_project_lsg(u, project),
                                    "is_outside_project_lsg")
is_not_own_membership = Permission(lambda u, membership: membership.user_id != u.id, "is_not_own_membership")
is_not_own_credential = Permission(lambda u, held: held.profile.user_id != u.id, "is_not_own_credential")

can_decide_on_project = can_moderate & is_outside_project_lsg
can_cancel_project = can_edit_project | can_moderate
can_decide_membership = can_moderate & is_not_own_membership
can_decide_credential = can_verify_credentials & is_not_own_credential


def _may_confirm_pledge(user, pledge):
    if pledge is None or pledge.member_id == user.id:
        return False  # nobody confirms their own pledge
    lsg = pledge.project.lsg
    # A pledge by one of the LSG's own officials may also be confirmed by a moderator: an LSG with
    # a single official has nobody else to do it.
    return _is_official_of(user, lsg) or (can_moderate(user) and _is_official_of(pledge.member, lsg))


can_confirm_pledge = Permission(_may_confirm_pledge, "can_confirm_pledge")


# Pledges, statements and saved searches (the target named on each line).
is_pledge_owner = Permission(lambda u, pledge: pledge is not None and pledge.member_id == u.id, "is_pledge_owner")
is_official_of_pledge_project = Permission(
    lambda u, pledge: pledge is not None and _is_official_of_project_lsg(u, pledge.project),
    "is_official_of_pledge_project")
can_withdraw_pledge = is_pledge_owner  # target: a pledge
can_see_receipt = is_pledge_owner | is_official_of_pledge_project  # target: a pledge
can_see_lsg_statement = is_official_of | can_moderate  # target: an LSG
can_find_pledge_by_reference = is_official  # no target: the search covers the official's own LSGs only
can_see_saved_search = Permission(lambda u, saved: saved is not None and saved.user_id == u.id,
                                  "can_see_saved_search")  # target: a saved search


# ---- private messages (target: a MessageThread, or a Contact for a thread not yet written)
class Contact:
    """A member and an LSG who may have no thread yet, with the facts that let them write:
    ``pledged`` (the member pledged or offered to one of the LSG's projects, not withdrawn) and
    ``profile_visible`` (the member's profile is shown to that LSG's officials)."""

    def __init__(self, member, lsg, *, pledged, profile_visible=False):
        self.member, self.lsg, self.pledged, self.profile_visible = member, lsg, pledged, profile_visible


def _member_may_write(user, contact):
    return (contact.member.id == user.id and contact.pledged
            and not _is_official_of(user, contact.lsg))  # an official writes as the LSG, not to it


def _official_may_write(user, contact):
    return (contact.member.id != user.id and _is_official_of(user, contact.lsg)
            and (contact.pledged or contact.profile_visible))


can_write_to_lsg = Permission(_member_may_write, "can_write_to_lsg")  # target: a Contact
can_write_to_member = Permission(_official_may_write, "can_write_to_member")  # target: a Contact
is_thread_member = Permission(lambda u, thread: thread is not None and thread.member_id == u.id, "is_thread_member")
is_thread_official = Permission(
    lambda u, thread: thread is not None and thread.member_id != u.id and _is_official_of(u, thread.lsg),
    "is_thread_official")
is_reported_thread = Permission(lambda u, thread: thread is not None and thread.reported_at is not None,
                                "is_reported_thread")
can_write_in_thread = is_thread_member | is_thread_official
can_read_thread = can_write_in_thread | (can_moderate & is_reported_thread)
can_share_contacts = is_thread_member
can_see_reported_threads = can_moderate


def require(permission, user, target=None, *, message=None):
    """Raise PermissionDenied (with ``message``, when the user needs to know why) unless allowed."""
    if not permission(user, target):
        raise PermissionDenied(message)


def require_visible(permission, user, target=None):
    """``require`` for what is private (a member's own payment): to anyone not allowed it does not exist."""
    if not permission(user, target):
        raise NotFound()


# ---- public questions (target: a question): the addressee answers — the LSG's officials, or the
# ministry's members (a moderator who is one of them too)
def _is_addressee_of(user, question):
    if question is None:
        return False
    if question.lsg_id is not None:
        return _is_official_of(user, question.lsg)
    return question.ministry is not None and any(member.id == user.id for member in question.ministry.members)


can_answer_question = Permission(_is_addressee_of, "can_answer_question")
can_ask_question = is_authenticated
can_report_question = is_authenticated
can_hide_question = can_moderate


# ---- LSG pages and payment details (issue 12, section 1). A moderator who is an official of the
# LSG lets another moderator verify it or decide on its payment details.
is_outside_lsg = Permission(lambda u, lsg: lsg is not None and not _is_official_of(u, lsg), "is_outside_lsg")
can_edit_lsg = is_official_of  # target: an LSG (its office details, its payment details)
can_verify_lsg = can_moderate & is_outside_lsg  # target: an LSG
can_decide_payment_details = Permission(
    lambda u, change: change is not None and can_verify_lsg(u, change.lsg), "can_decide_payment_details")


# ---- missions (issue 13). The sector's ministry signs a mission's site off and decides on
# permissions to practise: its members, when they are not officials of the project's LSG.
def _is_member_of_signing_ministry(user, mission):
    if mission is None or mission.signing_sector_id is None:
        return False
    found = db.session.scalar(
        select(ministry_members.c.user_id)
        .join(ministry_sectors, ministry_sectors.c.ministry_id == ministry_members.c.ministry_id)
        .where(ministry_members.c.user_id == user.id, ministry_sectors.c.sector_id == mission.signing_sector_id)
        .limit(1))
    return found is not None


def _is_mission_official(user, mission):
    return mission is not None and _is_official_of_project_lsg(user, mission.project)


def _is_accepted_volunteer_on(user, mission):
    return mission is not None and any(
        v.pledge.member_id == user.id and v.pledge.status == PledgeStatus.ACCEPTED for v in mission.volunteers)


is_mission_official = Permission(_is_mission_official, "is_mission_official")  # target: a mission
is_signing_ministry_member = Permission(_is_member_of_signing_ministry, "is_signing_ministry_member")
is_outside_mission_lsg = Permission(lambda u, mission: not _is_mission_official(u, mission), "is_outside_mission_lsg")
is_accepted_volunteer = Permission(_is_accepted_volunteer_on, "is_accepted_volunteer")  # target: a mission
can_start_mission = is_project_official  # target: a project with skill needs
can_plan_mission = is_mission_official  # target: a mission: its plan, checklist, counts, report, hours
can_sign_off_mission = is_signing_ministry_member & is_outside_mission_lsg  # target: a mission
can_decide_permit = can_sign_off_mission  # target: the volunteer's mission
can_see_mission_team = is_accepted_volunteer | is_mission_official  # the team, the coordinator's contact
# target: a MissionVolunteer — their itinerary, arrival and calendar file
is_the_volunteer = Permission(
    lambda u, volunteer: volunteer is not None and volunteer.pledge.member_id == u.id
    and volunteer.pledge.status == PledgeStatus.ACCEPTED, "is_the_volunteer")
is_official_of_volunteer_mission = Permission(
    lambda u, volunteer: volunteer is not None and _is_mission_official(u, volunteer.mission),
    "is_official_of_volunteer_mission")
can_see_itinerary = is_the_volunteer | is_official_of_volunteer_mission
can_edit_arrival = is_the_volunteer


# missions: signoff
def _is_member_of_a_ministry(user, _target=None):
    found = db.session.scalar(select(ministry_members.c.user_id).where(ministry_members.c.user_id == user.id).limit(1))
    return found is not None


is_ministry_member = Permission(_is_member_of_a_ministry, "is_ministry_member")  # the sign-off queue

# missions: permits
def _is_any_ministry_member(user, _target=None):
    return user.is_authenticated and db.session.scalar(
        select(ministry_members.c.user_id).where(ministry_members.c.user_id == user.id).limit(1)) is not None


can_see_permit_queue = Permission(_is_any_ministry_member, "can_see_permit_queue")  # a ministry's member

# missions: certificates
can_see_certificate = can_see_itinerary  # target: a MissionVolunteer — the volunteer, or the mission's officials
