"""Paying a pledge by card. The page talks to Stripe.js and to these JSON endpoints; a pledge is
shown as paid only after Stripe's signed webhook said so (see app.payments)."""
from flask import Blueprint, abort, jsonify, render_template, url_for
from flask_login import current_user, login_required

from app.blueprints.forms import attempt, form_error_text
from app.blueprints.payments.forms import CardPledgeForm
from app.models import NeedKind
from app.payments import card_enabled, confirm_card_pledge, start_card_pledge
from app.payments.card_pledges import card_pledge_of
from app.services import pledges as pledge_service

bp = Blueprint("payments", __name__)


@bp.before_request
def only_with_stripe_keys():
    if not card_enabled():
        abort(404)


def _funds_need(need_id):
    need = pledge_service.get_public_need(need_id)
    if need.kind != NeedKind.FUNDS:
        abort(404)
    return need


def _json_error(message, status):
    return jsonify(error=str(message)), status


@bp.get("/needs/<id:need_id>")
@login_required
def card(need_id):
    need = _funds_need(need_id)
    form = CardPledgeForm(formdata=None)
    form.currency.data = need.currency
    return render_template("payments/pay.html", form=form, need=need, left=pledge_service.remaining(need))


@bp.post("/needs/<id:need_id>/intent")
@login_required
def intent(need_id):
    """Record the card pledge and create its PaymentIntent; the page then asks to confirm it."""
    need = _funds_need(need_id)
    form = CardPledgeForm()
    if not form.validate():
        return _json_error(form_error_text(form), 422)
    started = attempt(lambda: start_card_pledge(
        current_user, need, amount=form.amount.data, currency=form.currency.data,
        payment_method_id=form.payment_method.data, anonymous=form.anonymous.data))
    if not started:
        return _json_error(started.error.message, started.status)
    pledge, client_secret, status = started.value
    return jsonify(pledge_id=pledge.id, client_secret=client_secret, status=status,
                   confirm_url=url_for("payments.confirm", pledge_id=pledge.id),
                   processing_url=url_for("payments.processing", pledge_id=pledge.id))


@bp.post("/pledges/<id:pledge_id>/confirm")
@login_required
def confirm(pledge_id):
    """Charge the card (or start 3-D Secure, which the page completes with Stripe.js)."""
    confirmed = attempt(lambda: confirm_card_pledge(current_user, card_pledge_of(current_user, pledge_id)))
    if not confirmed:
        return _json_error(confirmed.error.message, confirmed.status)
    client_secret, status = confirmed.value
    return jsonify(pledge_id=pledge_id, client_secret=client_secret, status=status,
                   processing_url=url_for("payments.processing", pledge_id=pledge_id))


@bp.get("/pledges/<id:pledge_id>/processing")
@login_required
def processing(pledge_id):
    return render_template("payments/processing.html", pledge=card_pledge_of(current_user, pledge_id))
