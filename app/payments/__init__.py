"""Card payments with Stripe: PaymentIntents confirmed in the browser, settled by signed webhooks.

Card data never reaches Birge: Stripe.js turns the card element into a payment method and only
its id comes to us. A card pledge becomes *paid* only when Stripe's signed webhook says so; the
browser's redirect after paying is never taken as proof.
"""
from flask import current_app


def card_enabled():
    """Card payment is offered only when Stripe's keys are configured, and the webhook's signing
    secret too: without it no payment could ever be recorded as paid."""
    config = current_app.config
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY")
                and config.get("STRIPE_WEBHOOK_SECRET"))


from app.payments.card_pledges import (  # noqa: E402
    BadSignature,
    CardDeclined,
    CardPaymentUnavailable,
    confirm_card_pledge,
    handle_stripe_event,
    start_card_pledge,
)

__all__ = [
    "BadSignature",
    "CardDeclined",
    "CardPaymentUnavailable",
    "card_enabled",
    "confirm_card_pledge",
    "handle_stripe_event",
    "start_card_pledge",
]
