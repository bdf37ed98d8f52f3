"""Deciding on a pledge: officials accept or decline offers and confirm or reject money and goods,
members withdraw, Stripe's webhook settles card payments, old pending pledges expire. A pledge's
status only moves forward (ALLOWED_TRANSITIONS), and every move is audited."""
from datetime import timedelta

from flask_babel import gettext as _

from app.authz import can_confirm_pledge, can_edit_project, can_withdraw_pledge, is_pledge_owner, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.ledger import accepts_pledges, holds_its_money, remaining, targets_met
from app.models import Pledge, PledgeKind, PledgeMethod, PledgeStatus, ProjectStatus
from app.models._common import lock_for_update, utcnow
from app.outbox import enqueue
from app.services.audit import record_event
from app.services.decisions import decide, required_reason
from app.services.missions.core import enlist
from app.services.notifications import money_param, need_param, notify
from app.services.pledges.making import hold_money, tell_officials

P = PledgeStatus
ALLOWED_TRANSITIONS = {
    P.PENDING: {P.CONFIRMED, P.PAID, P.FAILED, P.ACCEPTED, P.DECLINED, P.REJECTED, P.EXPIRED, P.WITHDRAWN,
                P.REFUND_DUE},
    P.ACCEPTED: {P.WITHDRAWN},  # the member can no longer come: the place is free again
    P.DECLINED: set(),
    P.FAILED: {P.PAID, P.REFUND_DUE},  # the member tried again with another card on the same payment
    P.PAID: {P.REFUNDED},
    P.REFUND_DUE: {P.REFUNDED},  # Stripe took money the need no longer needed: it goes back
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
    lock_for_update(pledge.need)
    accepted = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == pledge.need_id, Pledge.status == P.ACCEPTED))
    if accepted >= pledge.need.slots:
        raise Conflict(_("All places of this need are taken."))
    move_pledge(official, pledge, P.ACCEPTED, "pledge.accepted")
    enlist(pledge)
    tell_member(official, pledge, "offer_accepted")
    return pledge


def decline_offer(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    move_pledge(official, pledge, P.DECLINED, "pledge.declined", reason=required_reason(reason))
    tell_member(official, pledge, "offer_declined", reason=pledge.decision_reason)
    return pledge


def get_pledge(pledge_id):
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound()
    return pledge


def _value(pledge):
    if pledge.kind == PledgeKind.FUNDS:
        return money_param(pledge.amount, pledge.currency)
    return f"{pledge.quantity} {pledge.need.unit or ''}".strip()  # goods: as counted, in the need's unit


def tell_member(actor, pledge, kind, **params):
    """The member hears what became of their pledge, unless they did it themselves."""
    if actor is not None and actor.id == pledge.member_id:
        return
    project = pledge.project
    notify(pledge.member, kind, project=project, pledge_id=pledge.id, need=need_param(pledge.need),
           title=project.told_title, **params)


def move_pledge(actor, pledge, new_status, action, reason=None, reference=None):
    """Lock, check the move is forward, stamp and audit (two officials at once: the second waits,
    then sees the pledge already decided)."""
    decide(actor, pledge, new_status, action,
           allowed_from={status for status, targets in ALLOWED_TRANSITIONS.items() if new_status in targets},
           already_decided=_("This pledge has already been decided."), reason=reason,
           changes={"reference": reference.strip()[:120]} if reference else None, audit_attrs=("reference",))


def confirm_pledge(official, pledge, *, reference=""):
    """The money arrived (or the goods were delivered): it now counts toward the need."""
    require(can_confirm_pledge, official, pledge,
            message=_("Your own pledge is confirmed by another official of your local government or by a "
                      "moderator.") if is_pledge_owner(official, pledge) else None)
    if pledge.kind == PledgeKind.SKILL or pledge.method == PledgeMethod.CARD:
        raise InvalidInput(_("This pledge is not confirmed by hand."))
    # The need first, then the pledge: every writer takes the two locks in this order.
    lock_for_update(pledge.need)
    if pledge.kind == PledgeKind.FUNDS and remaining(pledge.need) < pledge.converted_amount:
        raise Conflict(_("Confirming this would go beyond the need's target. Reject it with a reason, "
                         "or raise the target first."))
    move_pledge(official, pledge, P.CONFIRMED, "pledge.confirmed", reference=reference)
    tell_member(official, pledge, "pledge_confirmed", amount=_value(pledge))
    _mark_funded_when_complete(official, pledge.project)
    return pledge


def reject_pledge(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    move_pledge(official, pledge, P.REJECTED, "pledge.rejected", reason=required_reason(reason))
    tell_member(official, pledge, "pledge_rejected", reason=pledge.decision_reason)
    return pledge


def withdraw_pledge(member, pledge):
    require(can_withdraw_pledge, member, pledge)
    if pledge.method == PledgeMethod.CARD:  # Stripe may still take the money: it decides
        raise InvalidTransition(_("A card payment cannot be withdrawn here; ask for a refund."))
    move_pledge(member, pledge, P.WITHDRAWN, "pledge.withdrawn")
    return pledge


CARD_OUTCOMES = {P.PAID: "pledge.paid", P.FAILED: "pledge.failed", P.REFUNDED: "pledge.refunded",
                 P.REFUND_DUE: "pledge.refund_due"}


def lock_card_pledge(pledge):
    """Lock a card pledge's need, then the pledge: the order every money writer follows."""
    lock_for_update(pledge.need)
    lock_for_update(pledge)
    return pledge


def _still_fits(pledge):
    return pledge.project.accepts_overfunding or (
        accepts_pledges(pledge.need) and remaining(pledge.need, besides=pledge) >= pledge.converted_amount)


def renew_hold(pledge):
    """A card pledge whose hold lapsed holds its money again if the need still takes it."""
    if not _still_fits(pledge):
        return False
    hold_money(pledge)
    db.session.flush()
    return True


def settle_card_payment(pledge, new_status, *, event_id):
    """Move a card pledge as Stripe's signed webhook says. Returns False, changing nothing, when
    the event is stale (a late "failed" after "paid", a second "paid"): events may arrive twice,
    late or out of order, and only forward moves count.

    Money Stripe took counts only if the need still takes it: the pledge held its share while the
    donor paid; if that hold lapsed and the rest was pledged meanwhile, the money goes back
    (REFUND_DUE: the worker asks Stripe and tells the donor). The caller has locked the need and
    then the pledge (``lock_card_pledge``)."""
    if pledge.method != PledgeMethod.CARD or new_status not in ALLOWED_TRANSITIONS[pledge.status]:
        return False
    if new_status == P.PAID and not holds_its_money(pledge) and not _still_fits(pledge):
        new_status = P.REFUND_DUE
    was_due = pledge.status == P.REFUND_DUE
    move_pledge(None, pledge, new_status, CARD_OUTCOMES[new_status], reference=event_id)
    if new_status == P.PAID:  # the card pledge is made now: its officials hear of it, its member is told
        tell_officials(pledge)
        tell_member(None, pledge, "pledge_confirmed", amount=_value(pledge))
        _mark_funded_when_complete(None, pledge.project)
    elif new_status == P.FAILED:
        tell_member(None, pledge, "pledge_expired")
    elif new_status == P.REFUNDED:
        tell_member(None, pledge, "pledge_refunded", amount=_value(pledge))
        if not was_due:  # money that counted is gone
            _reopen_when_short(pledge.project)
    elif new_status == P.REFUND_DUE:
        enqueue("refund", "pledge", pledge.id)
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
        tell_member(None, pledge, "pledge_lapsed", days=older_than_days)
    return expired


def _mark_funded_when_complete(actor, project):
    """When every money need has its target confirmed, the project is funded."""
    if project.status == ProjectStatus.PUBLISHED and targets_met(project):
        project.move_to(ProjectStatus.FUNDED)
        db.session.flush()
        record_event(actor, "project.funded", project)


def _reopen_when_short(project):
    """A refund that takes a funded project below its targets opens it to money again."""
    if project.status == ProjectStatus.FUNDED and not targets_met(project):
        project.move_to(ProjectStatus.PUBLISHED)
        db.session.flush()
        record_event(None, "project.reopened", project, reason="a refund took it below its targets")
