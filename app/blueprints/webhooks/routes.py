"""Signed notifications from payment providers. Not a form: exempt from CSRF, proven by signature."""
from flask import Blueprint, jsonify, request
from flask_babel import force_locale

from app.extensions import csrf
from app.payments import BadSignature, handle_stripe_event

bp = Blueprint("webhooks", __name__)


@bp.post("/stripe")
@csrf.exempt
def stripe():
    """Stripe's webhook: 200 for every event we verified (also duplicates and ones we do not use,
    so Stripe stops retrying), 400 for a bad signature; 409 for a refund that overtook its payment
    and 500 for our own failures, which roll back and which Stripe delivers again."""
    try:
        outcome = handle_stripe_event(request.get_data(), request.headers.get("Stripe-Signature"))
    except BadSignature as error:
        with force_locale("en"):  # read by Stripe's dashboard and our operators, not a member
            return jsonify(error=str(error.message)), 400
    return jsonify(received=True, outcome=outcome)
