"""Card pledges: the pledge and its PaymentIntent, the confirmation, and Stripe's signed webhooks.

The flow, in two requests so that no money moves before the pledge is committed:

1. ``start_card_pledge``: Stripe.js has turned the card element into a payment method id (card data
   never reaches us). We check the pledge as for an offline one, write it (method card, pending),
   and create an *unconfirmed* PaymentIntent for it: amount in minor units, the pledge id in
   metadata, an idempotency key. The request commits the pledge with the intent's id.
2. ``confirm_card_pledge``: the member's browser asks us to confirm the intent. Stripe charges the
   card, or asks for 3-D Secure, which the page completes with ``stripe.confirmCardPayment``.

Either way the pledge stays pending until ``handle_stripe_event`` receives Stripe's signed
``payment_intent.succeeded`` (paid), ``payment_intent.payment_failed`` (failed) or
``charge.refunded`` (refunded). Each event id is stored once; duplicate, late and out-of-order
deliveries change nothing (``settle_card_payment`` only moves forward).
"""
import json
import logging
import re

import stripe
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.authz import is_authenticated, is_pledge_owner, require, require_visible
from app.errors import Conflict, DomainError, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.mail import absolute_url, send_mail, stable_message_id
from app.models import Pledge, PledgeKind, PledgeMethod, PledgeStatus, StripeEvent
from app.models._common import lock_for_update
from app.money import format_money
from app.payments import stripe_gateway as gateway
from app.payments.stripe_gateway import CardDeclined, CardPaymentUnavailable
from app.services.audit import record_event
from app.services.pledges import (
    check_money_pledge,
    hold_money,
    holds_its_money,
    lock_card_pledge,
    renew_hold,
    settle_card_payment,
)

log = logging.getLogger(__name__)

# What Stripe.js gives us for a card: a PaymentMethod id, or (older Stripe.js builds such as
# localstripe's stand-in) the id of a tokenized Card; the PaymentIntents API accepts both.
PAYMENT_METHOD_ID = re.compile(r"^(pm|card)_[A-Za-z0-9_]{1,120}$")

__all__ = ["BadSignature", "CardDeclined", "EventTooEarly", "CardPaymentUnavailable", "confirm_card_pledge",
           "handle_stripe_event", "start_card_pledge"]


class BadSignature(DomainError):
    status_code = 400
    default_message = _l("The webhook signature is not valid.")


class MoneyNoLongerNeeded(Conflict):
    """The card pledge's hold lapsed and the rest of the need was pledged meanwhile."""
    default_message = _l("This money is no longer needed: while you were paying, others pledged the rest. "
                         "Nothing was charged. Thank you! Other needs are waiting for you.")


class EventTooEarly(Conflict):
    """Answered to an event that overtook the one it follows (a refund before the payment): the
    transaction rolls back, the event id is not kept, and Stripe delivers it again later."""
    default_message = _l("This event follows one that has not arrived yet; deliver it again later.")


# ---------------------------------------------------------------- paying


def _idempotency_key(pledge):
    # The pledge id names the payment; its creation time keeps the key unique should SQLite hand
    # a rolled-back pledge's id to a new one (Stripe replays a key's first answer for 24 hours).
    return f"birge-pledge-{pledge.id}-{pledge.created_at:%Y%m%d%H%M%S%f}"


def start_card_pledge(member, need, *, amount, currency, payment_method_id, anonymous=False):
    """Record a card pledge and create its (unconfirmed) PaymentIntent.

    Returns (pledge, client_secret, intent status). A Stripe error raises a DomainError, so the
    request rolls back and no pledge stays without its intent."""
    require(is_authenticated, member)
    if not PAYMENT_METHOD_ID.match(payment_method_id or ""):
        raise InvalidInput(_("The card details could not be read; please enter them again."))
    # Checked under the need's lock: two donors paying for the last of it at once cannot both hold it.
    lock_for_update(need)
    converted, rate_micro = check_money_pledge(need, amount, currency)

    pledge = Pledge(
        need=need, project=need.project, member=member, kind=PledgeKind.FUNDS, method=PledgeMethod.CARD,
        amount=amount, currency=currency, converted_amount=converted, rate_micro=rate_micro,
        anonymous=bool(anonymous),
    )
    hold_money(pledge)
    db.session.add(pledge)
    db.session.flush()
    intent = gateway.create_payment_intent(
        amount=amount, currency=currency, payment_method=payment_method_id, pledge_id=pledge.id,
        idempotency_key=_idempotency_key(pledge),
    )
    pledge.stripe_payment_intent = intent.id
    db.session.flush()
    record_event(member, "pledge.created", pledge, amount=amount, currency=currency, converted=converted,
                 rate=rate_micro, method=PledgeMethod.CARD.value, payment_intent=intent.id)
    return pledge, intent.client_secret, intent.status


def _own_card_pledge(member, pledge):
    """The member's own card pledge; anyone else's, or none, or one not paid by card, is "not found"."""
    require_visible(is_pledge_owner, member, pledge)
    if pledge.method != PledgeMethod.CARD or not pledge.stripe_payment_intent:
        raise NotFound()
    return pledge


def card_pledge_of(member, pledge_id):
    """The member's own card pledge; anyone else's, or none, is "not found"."""
    return _own_card_pledge(member, db.session.get(Pledge, pledge_id))


def confirm_card_pledge(member, pledge):
    """Ask Stripe to charge the card of the member's pending card pledge.

    Returns (client_secret, intent status): "succeeded" or "processing" (the webhook will tell),
    or "requires_action" (the page completes 3-D Secure with Stripe.js). The pledge's status moves
    only when Stripe's webhook says so; a hold that lapsed is renewed first if the need still takes
    the money, else nothing is charged."""
    _own_card_pledge(member, pledge)
    if pledge.status != PledgeStatus.PENDING:
        raise InvalidTransition(_("This payment has already been processed."))
    lock_card_pledge(pledge)
    if not holds_its_money(pledge) and not renew_hold(pledge):
        # Refused before Stripe is asked to charge: the rest of the need was pledged meanwhile.
        # Should Stripe.js charge it anyway, the webhook sends the money back.
        raise MoneyNoLongerNeeded()
    intent = gateway.retrieve_payment_intent(pledge.stripe_payment_intent)
    if intent.status == "requires_confirmation":
        intent = gateway.confirm_payment_intent(pledge.stripe_payment_intent)
    if intent.status in ("requires_payment_method", "canceled"):
        raise CardDeclined()
    if intent.status == "requires_confirmation":  # Stripe would not confirm it
        raise CardPaymentUnavailable()
    return intent.client_secret, intent.status


# ---------------------------------------------------------------- money that goes back


def refund_card_pledge(pledge_id):
    """The worker's job for a REFUND_DUE pledge: ask Stripe to give the money back (once: the
    refund's idempotency key is the pledge's) and record it; recording it tells the donor (one
    "pledge_refunded" notification, mailed if they chose mail)."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.status != PledgeStatus.REFUND_DUE:
        return False
    refund = gateway.refund_payment_intent(pledge.stripe_payment_intent,
                                           idempotency_key=f"birge-refund-{pledge.id}")
    lock_card_pledge(pledge)
    settle_card_payment(pledge, PledgeStatus.REFUNDED, event_id=refund.id)
    return True


def mail_refund(pledge_id):
    """Tell the donor their money went back, in their language: only for "mail"/"refund" jobs
    queued before refunds became notifications; nothing queues it any more."""
    pledge = db.session.get(Pledge, pledge_id)
    member = pledge.member
    with force_locale(member.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Your payment was refunded")
        body = _(
            "Thank you for your payment of %(amount)s to “%(need)s” (%(project)s).\n\n"
            "While you were paying, other donors pledged the rest of this need, so it no longer needed "
            "your money. The whole amount has been refunded to your card; your bank shows it within a "
            "few days.\n\nOther needs are waiting for you:\n%(link)s",
            amount=format_money(pledge.amount, pledge.currency), need=pledge.need.label,
            project=pledge.project.title, link=absolute_url("projects.detail", project_id=pledge.project_id))
    send_mail(member.email, subject, body, message_id=stable_message_id(f"refund-{pledge.id}"))


# ---------------------------------------------------------------- Stripe's webhooks

SETTLES = {
    "payment_intent.succeeded": PledgeStatus.PAID,
    "payment_intent.payment_failed": PledgeStatus.FAILED,
    "charge.refunded": PledgeStatus.REFUNDED,
}


def _intent_id(value):
    if isinstance(value, dict):  # an expanded object
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _pledge_for(event_type, obj):
    """The pledge an event is about: the one holding the event's PaymentIntent, whose id must also
    be the intent's ``metadata.pledge_id`` (charges may carry no metadata; then the intent decides)."""
    if event_type.startswith("payment_intent."):
        intent_id = _intent_id(obj.get("id"))
    elif event_type.startswith("charge."):
        intent_id = _intent_id(obj.get("payment_intent"))
    else:
        return None
    metadata = obj.get("metadata")
    metadata_id = metadata.get("pledge_id") if isinstance(metadata, dict) else None
    if intent_id is None or (metadata_id is None and event_type.startswith("payment_intent.")):
        return None
    pledge = db.session.scalar(db.select(Pledge).filter_by(stripe_payment_intent=intent_id))
    if pledge is None or (metadata_id is not None and str(metadata_id) != str(pledge.id)):
        return None
    return pledge


def handle_stripe_event(payload, signature_header):
    """Verify and apply one webhook delivery. Returns what happened: "processed", "duplicate",
    "stale" (an old or out-of-order event), "ignored" or "partial_refund"; raises BadSignature, or
    EventTooEarly for a refund whose payment has not been recorded yet (Stripe delivers it again).

    The event id is inserted first, before any change: a second delivery of the same event finds
    it, or, delivered at the same moment, waits on the primary key until the first one commits and
    then fails on it; either way it changes nothing. That insert is this transaction's first
    write, so on a duplicate the whole transaction is rolled back here and nothing is lost."""
    if not current_app.config.get("STRIPE_WEBHOOK_SECRET"):
        raise NotFound()
    try:
        gateway.verify_event(payload, signature_header or "")
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError):
        raise BadSignature() from None
    event_id, event_type = event.get("id"), event.get("type")
    obj = (event.get("data") or {}).get("object")
    if not (isinstance(event_id, str) and 0 < len(event_id) <= 255 and isinstance(event_type, str)
            and isinstance(obj, dict)):
        raise BadSignature(_("The webhook event is malformed."))

    if db.session.get(StripeEvent, event_id) is not None:
        return "duplicate"
    pledge = _pledge_for(event_type, obj) if event_type in SETTLES else None
    if pledge is not None:
        # Before the event row (whose foreign key also locks the pledge): one lock order, no deadlock.
        lock_card_pledge(pledge)
        if db.session.get(StripeEvent, event_id) is not None:
            return "duplicate"
    db.session.add(StripeEvent(id=event_id, type=event_type[:64], pledge_id=pledge.id if pledge else None))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"

    if event_type not in SETTLES:
        return "ignored"
    if pledge is None:
        level = logging.ERROR if event_type == "payment_intent.succeeded" else logging.WARNING
        log.log(level, "Stripe event %s (%s) matches no card pledge; intent %s, metadata %s", event_id,
                event_type, obj.get("id") if event_type.startswith("payment_intent.") else obj.get("payment_intent"),
                obj.get("metadata"))
        return "ignored"
    if obj.get("amount") != pledge.amount or str(obj.get("currency") or "").lower() != pledge.currency.lower():
        log.error("Stripe event %s (%s) for pledge %s: %s %s does not match the pledge's %s %s; ignored",
                  event_id, event_type, pledge.id, obj.get("amount"), obj.get("currency"), pledge.amount,
                  pledge.currency)
        return "ignored"
    if event_type == "charge.refunded":
        if (obj.get("amount_refunded") or 0) < pledge.amount:
            log.warning("Stripe event %s: pledge %s partly refunded (%s of %s); its status stays %s", event_id,
                        pledge.id, obj.get("amount_refunded"), pledge.amount, pledge.status.value)
            return "partial_refund"
        if pledge.status in (PledgeStatus.PENDING, PledgeStatus.FAILED):
            # Refunded, so it was paid: "succeeded" is still on its way. Stripe retries this one.
            log.info("Stripe event %s: refund of pledge %s before its payment was recorded; retry later",
                     event_id, pledge.id)
            raise EventTooEarly()
    if settle_card_payment(pledge, SETTLES[event_type], event_id=event_id):
        return "processed"
    money_lost = event_type == "payment_intent.succeeded" and pledge.status not in (PledgeStatus.PAID,
                                                                                    PledgeStatus.REFUNDED)
    log.log(logging.ERROR if money_lost else logging.INFO,
            "Stripe event %s (%s) for pledge %s is stale; the pledge stays %s", event_id, event_type, pledge.id,
            pledge.status.value)
    return "stale"
