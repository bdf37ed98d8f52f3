"""Deciding on a pledge: officials accept or decline offers and confirm or reject money and goods,
members withdraw, Stripe's webhook settles card payments, old pending pledges expire. A pledge's
status only moves forward (ALLOWED_TRANSITIONS), and every move is audited."""
from datetime import timedelta

from flask_babel import gettext as _

from app.authz import can_edit_project, can_withdraw_pledge, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.ledger import remaining, targets_met
from app.models import Pledge, PledgeKind, PledgeMethod, PledgeStatus, ProjectStatus
from app.models._common import utcnow
from app.services.audit import record_event
from app.services.projects import move_project

P = PledgeStatus
ALLOWED_TRANSITIONS = {
    P.PENDING: {P.CONFIRMED, P.PAID, P.FAILED, P.ACCEPTED, P.DECLINED, P.REJECTED, P.EXPIRED, P.WITHDRAWN},
    P.ACCEPTED: {P.WITHDRAWN},  # the member can no longer come: the place is free again
    P.DECLINED: set(),
    P.FAILED: {P.PAID},  # the member tried again with another card on the same payment
    P.PAID: {P.REFUNDED},
    P.REFUNDED: set(),
    P.CONFIRMED: set(),
    P.REJECTED: set(),
    P.EXPIRED: set(),
    P.WITHDRAWN: set(),
}


def accept_offer(official, pledge):
    """Give the member one place. The need's row is locked while places are counted, so two
    officials accepting at once can never fill more places than there are."""
    require(can_edit_project, official, pledge.project)
    if pledge.kind != PledgeKind.SKILL:
        raise InvalidInput(_("Only skill offers are accepted; confirm money and goods instead."))
    db.session.refresh(pledge.need, with_for_update=True)
    accepted = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == pledge.need_id, Pledge.status == P.ACCEPTED))
    if accepted >= pledge.need.slots:
        raise Conflict(_("All places of this need are taken."))
    move_pledge(official, pledge, P.ACCEPTED, "pledge.accepted")
    return pledge


def decline_offer(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    move_pledge(official, pledge, P.DECLINED, "pledge.declined", reason=reason)
    return pledge


def get_pledge(pledge_id):
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound()
    return pledge


def move_pledge(actor, pledge, new_status, action, reason=None, reference=None):
    # Two officials at once: the second waits, then sees the pledge already decided.
    db.session.refresh(pledge, with_for_update=True)
    if new_status not in ALLOWED_TRANSITIONS[pledge.status]:
        raise InvalidTransition(_("This pledge has already been decided."))
    if reference:
        pledge.reference = reference.strip()[:120]
    pledge.status = new_status
    pledge.decided_by_id = actor.id if actor is not None else None
    pledge.decided_at = utcnow()
    pledge.decision_reason = reason
    db.session.flush()
    record_event(actor, action, pledge, reason=reason, reference=pledge.reference)


def confirm_pledge(official, pledge, *, reference=""):
    """The money arrived (or the goods were delivered): it now counts toward the need."""
    require(can_edit_project, official, pledge.project)
    if pledge.kind == PledgeKind.SKILL or pledge.method == PledgeMethod.CARD:
        raise InvalidInput(_("This pledge is not confirmed by hand."))
    if pledge.kind == PledgeKind.FUNDS and remaining(pledge.need) < pledge.converted_amount:
        raise Conflict(_("Confirming this would go beyond the need's target. Reject it with a reason, "
                         "or raise the target first."))
    move_pledge(official, pledge, P.CONFIRMED, "pledge.confirmed", reference=reference)
    _mark_funded_when_complete(official, pledge.project)
    return pledge


def reject_pledge(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    move_pledge(official, pledge, P.REJECTED, "pledge.rejected", reason=reason)
    return pledge


def withdraw_pledge(member, pledge):
    require(can_withdraw_pledge, member, pledge)
    if pledge.method == PledgeMethod.CARD:  # Stripe may still take the money: it decides
        raise InvalidTransition(_("A card payment cannot be withdrawn here; ask for a refund."))
    move_pledge(member, pledge, P.WITHDRAWN, "pledge.withdrawn")
    return pledge


CARD_OUTCOMES = {P.PAID: "pledge.paid", P.FAILED: "pledge.failed", P.REFUNDED: "pledge.refunded"}


def settle_card_payment(pledge, new_status, *, event_id):
    """Move a card pledge as Stripe's signed webhook says. Returns False, changing nothing, when
    the event is stale (a late "failed" after "paid", a second "paid"): events may arrive twice,
    late or out of order, and only forward moves count."""
    db.session.refresh(pledge, with_for_update=True)
    if pledge.method != PledgeMethod.CARD or new_status not in ALLOWED_TRANSITIONS[pledge.status]:
        return False
    move_pledge(None, pledge, new_status, CARD_OUTCOMES[new_status], reference=event_id)
    if new_status == P.PAID:
        _mark_funded_when_complete(None, pledge.project)
    elif new_status == P.REFUNDED:
        _reopen_when_short(pledge.project)
    return True


def expire_pending(older_than_days):
    """Pending pledges older than the period expire (run by `flask pledges expire`)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    expired = db.session.scalars(
        db.select(Pledge).where(Pledge.status == P.PENDING, Pledge.created_at < cutoff,
                                Pledge.method != PledgeMethod.CARD)  # card payments: Stripe decides
    ).all()
    for pledge in expired:
        move_pledge(None, pledge, P.EXPIRED, "pledge.expired", reason=f"pending for more than {older_than_days} days")
    return expired


def _mark_funded_when_complete(actor, project):
    """When every money need has its target confirmed, the project is funded."""
    if project.status == ProjectStatus.PUBLISHED and targets_met(project):
        move_project(project, ProjectStatus.FUNDED)
        db.session.flush()
        record_event(actor, "project.funded", project)


def _reopen_when_short(project):
    """A refund that takes a funded project below its targets opens it to money again."""
    if project.status == ProjectStatus.FUNDED and not targets_met(project):
        move_project(project, ProjectStatus.PUBLISHED)
        db.session.flush()
        record_event(None, "project.reopened", project, reason="a refund took it below its targets")
