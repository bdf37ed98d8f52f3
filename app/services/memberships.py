"""Officials join an LSG through a membership that a moderator approves or rejects, with a reason."""
from flask_babel import gettext as _

from app.authz import can_decide_membership, can_moderate, can_request_membership, require
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import Lsg, LsgMembership, MembershipStatus
from app.models._common import utcnow
from app.services.audit import record_event
from app.services.decisions import decide, required_reason
from app.services.notifications import localized, notify


def get_lsg(lsg_id):
    lsg = db.session.get(Lsg, lsg_id)
    if lsg is None:
        raise NotFound()
    return lsg


def get_membership(membership_id):
    membership = db.session.get(LsgMembership, membership_id)
    if membership is None:
        raise NotFound()
    return membership


def request_membership(user, lsg, *, position, message=""):
    require(can_request_membership, user)
    position = (position or "").strip()
    if not position:
        raise InvalidInput(_("Please say what your position in the LSG is."))
    membership = db.session.scalar(
        db.select(LsgMembership).filter_by(user_id=user.id, lsg_id=lsg.id)
    )
    if membership is not None and membership.status == MembershipStatus.APPROVED:
        raise Conflict(_("You are already an official of this LSG."))
    if membership is not None and membership.status == MembershipStatus.PENDING:
        raise Conflict(_("Your request to join this LSG is already waiting for a moderator."))
    if membership is None:
        membership = LsgMembership(user=user, lsg=lsg)
        db.session.add(membership)
    # A rejected request may be asked again; the earlier decision stays in the audit trail.
    membership.status = MembershipStatus.PENDING
    membership.position = position
    membership.message = (message or "").strip()
    membership.decision_reason = None
    membership.decided_by = None
    membership.decided_at = None
    membership.created_at = utcnow()
    db.session.flush()
    record_event(user, "membership.requested", membership, lsg_id=lsg.id, position=position)
    return membership


def membership_for_review(moderator, membership_id):
    require(can_moderate, moderator)
    return get_membership(membership_id)


def pending_memberships(moderator):
    require(can_moderate, moderator)
    return db.session.scalars(
        db.select(LsgMembership)
        .where(LsgMembership.status == MembershipStatus.PENDING)
        .order_by(LsgMembership.created_at, LsgMembership.id)
    ).all()


def _decide(moderator, membership, reason, new_status, action, kind):
    require(can_moderate, moderator)
    require(can_decide_membership, moderator, membership, message=_("You cannot decide on your own request."))
    reason = required_reason(reason, field=None)
    decide(moderator, membership, new_status, action, allowed_from={MembershipStatus.PENDING},
           already_decided=_("This request has already been decided."), reason=reason,
           lsg_id=membership.lsg_id, user_id=membership.user_id)
    notify(membership.user, kind, lsg=localized(membership.lsg), reason=reason)
    return membership


def approve_membership(moderator, membership, *, reason):
    return _decide(moderator, membership, reason, MembershipStatus.APPROVED, "membership.approved",
                   "membership_approved")


def reject_membership(moderator, membership, *, reason):
    return _decide(moderator, membership, reason, MembershipStatus.REJECTED, "membership.rejected",
                   "membership_rejected")


def memberships_of(user):
    return db.session.scalars(
        db.select(LsgMembership).where(LsgMembership.user_id == user.id).order_by(LsgMembership.created_at.desc())
    ).all()
