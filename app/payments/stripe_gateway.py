"""The one place that talks to Stripe's API: a configured client, and Stripe's errors in our words."""
import json
import logging
import time

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import Conflict, DomainError, InvalidInput

log = logging.getLogger(__name__)

# A web request should not hang for Stripe's default 80 seconds.
TIMEOUT_SECONDS = 20
NETWORK_RETRIES = 2  # POSTs are retried with the same idempotency key, so never twice charged


class CardPaymentUnavailable(DomainError):
    status_code = 503
    default_message = _l("Card payment is not available right now; please try again later or pay by transfer.")


class CardDeclined(InvalidInput):
    default_message = _l("Your card was declined.")


def client():
    """A StripeClient for the configured key and API base (localstripe in tests), kept per app."""
    config = current_app.config
    key = (config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE") or "https://api.stripe.com")
    cache = current_app.extensions.setdefault("birge_stripe_clients", {})
    if key not in cache:
        cache[key] = stripe.StripeClient(
            key[0], base_addresses={"api": key[1].rstrip("/")}, max_network_retries=NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
        )
    return cache[key]


def translate_error(error):
    """A Stripe exception as the DomainError the member sees; the details go to the log."""
    if isinstance(error, stripe.CardError):
        log.info("Stripe declined a card: %s (%s)", error.user_message, error.code)
        return CardDeclined()
    if isinstance(error, stripe.InvalidRequestError) and error.code == "amount_too_small":
        return InvalidInput(_l("This amount is too small for a card payment; enter more or pay by transfer."),
                            field="amount")
    if isinstance(error, stripe.IdempotencyError):
        return Conflict()
    log.error("Stripe request failed: %r", error)
    return CardPaymentUnavailable()


def create_payment_intent(*, amount, currency, payment_method, pledge_id, idempotency_key):
    """An unconfirmed PaymentIntent for the pledge: no money moves until confirm_payment_intent."""
    try:
        return client().v1.payment_intents.create(
            params={
                "amount": amount,  # already in minor units, as Stripe wants it
                "currency": currency.lower(),
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "metadata": {"pledge_id": str(pledge_id)},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.InvalidRequestError as error:
        if error.http_status == 404 or error.param == "payment_method":  # no such payment method
            log.info("Stripe refused the payment method: %r", error)
            raise InvalidInput(_l("The card details could not be read; please enter them again.")) from error
        raise translate_error(error) from error
    except stripe.StripeError as error:
        raise translate_error(error) from error


def retrieve_payment_intent(intent_id):
    try:
        return client().v1.payment_intents.retrieve(intent_id)
    except stripe.StripeError as error:
        raise translate_error(error) from error


def confirm_payment_intent(intent_id):
    try:
        return client().v1.payment_intents.confirm(intent_id)
    except stripe.InvalidRequestError as error:
        # Confirmed meanwhile (a second click): what Stripe says now is the answer.
        log.info("Stripe did not confirm %s: %r", intent_id, error)
        return retrieve_payment_intent(intent_id)
    except stripe.StripeError as error:
        raise translate_error(error) from error


def refund_payment_intent(intent_id, *, idempotency_key):
    """Give back all the money of a PaymentIntent; the key makes a retried refund a single one."""
    try:
        return client().v1.refunds.create(params={"payment_intent": intent_id},
                                          options={"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        raise translate_error(error) from error


# How far a signature's timestamp may be from our clock, either way (Stripe's default).
WEBHOOK_TOLERANCE_SECONDS = 300


def verify_event(payload, signature_header):
    """The event (a dict), when the Stripe-Signature header proves it came from Stripe within the
    tolerance; else ValueError or stripe.SignatureVerificationError.

    Stripe's library refuses only timestamps too far in the past; one in the future (a replay
    prepared ahead, or a wrong clock) is refused here too. The header must carry one timestamp:
    the library reads the first, and a second one must not be able to hide it."""
    header = signature_header or ""
    stamps = [item[2:] for item in header.split(",") if item.startswith("t=")]
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise stripe.SignatureVerificationError("One timestamp expected", header, payload)
    if abs(time.time() - int(stamps[0])) > WEBHOOK_TOLERANCE_SECONDS:
        raise stripe.SignatureVerificationError("Timestamp outside the tolerance", header, payload)
    stripe.WebhookSignature.verify_header(payload, header, current_app.config["STRIPE_WEBHOOK_SECRET"],
                                          WEBHOOK_TOLERANCE_SECONDS)
    event = json.loads(payload)
    if not isinstance(event, dict):  # signed, but a JSON array, string or number: not an event
        raise ValueError("The event is not a JSON object.")
    return event
