"""Card pledges against localstripe: the PaymentIntent our server creates, localstripe's signed
webhooks that alone make a pledge paid or failed, refunds, and the webhook's defences (signature,
duplicates, late and out-of-order events, 100 deliveries at once).

localstripe sends no ``charge.refunded`` event; the refund tests make the refund in localstripe and
deliver that event themselves, built from localstripe's charge and signed as Stripe signs (they say
so in their names). The concurrency test signs its own event for the same reason Stripe's own
retries would: to deliver one event many times."""
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import stripe

from app.extensions import db
from app.models import AuditEvent, NeedKind, Pledge, PledgeMethod, PledgeStatus, Role, StripeEvent
from app.services import pledges as pledge_service
from tests.factories import make_official, make_project, make_user
from tests.stripe_server import SECRET_KEY, WEBHOOK_SECRET, event_payload, localstripe, sign  # noqa: F401

# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def app_overrides(localstripe):  # noqa: F811
    return localstripe.app_config()


@pytest.fixture
def webhook_url(live_server, localstripe):  # noqa: F811
    url = live_server + "/webhooks/stripe"
    localstripe.register_webhook(url)
    return url


@pytest.fixture
def stripe_client(localstripe):  # noqa: F811
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.url})


@pytest.fixture
def published(app):
    official = make_official()
    project = make_project(official, publish=True, budget=100_000_00)  # funds need: 50 000 som
    return official, project


def funds_need(project):
    return next(n for n in project.needs if n.kind == NeedKind.FUNDS)


def audit_actions(pledge):
    return [e.action for e in db.session.scalars(
        db.select(AuditEvent).filter_by(target_type="pledges", target_id=pledge.id).order_by(AuditEvent.id))]


def progress_text(client, project):
    return client.get(f"/projects/{project.id}").get_data(as_text=True)


def wait_for(condition, timeout=10, what="the webhook"):
    """Poll the database (localstripe delivers webhooks about a second later)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # end the snapshot, forget loaded rows: read what the server committed
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.2)


def pledge_status(pledge_id):
    return db.session.get(Pledge, pledge_id).status


def start(client, need, *, amount="2 500", currency="KGS", payment_method="pm_card_visa", anonymous=False):
    data = {"amount": amount, "currency": currency, "payment_method": payment_method}
    if anonymous:
        data["anonymous"] = "y"
    return client.post(f"/pay/needs/{need.id}/intent", data=data, headers={"Accept": "application/json"})


def pay(client, need, **fields):
    """Start a card pledge and confirm it, as pay.js does; the pledge stays pending for now."""
    started = start(client, need, **fields)
    assert started.status_code == 200, started.get_data(as_text=True)
    confirmed = client.post(started.get_json()["confirm_url"], headers={"Accept": "application/json"})
    return db.session.get(Pledge, started.get_json()["pledge_id"]), confirmed


def deliver(url, payload, signature):
    request = urllib.request.Request(url, data=payload, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _decoded(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _decoded(error.read())


def _decoded(body):
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def stripe_events(event_id=None, pledge=None):
    query = db.select(StripeEvent)
    if event_id:
        query = query.filter_by(id=event_id)
    if pledge:
        query = query.filter_by(pledge_id=pledge.id)
    return db.session.scalars(query).all()


def intent_object(localstripe, pledge, **changes):  # noqa: F811
    obj = localstripe.request("GET", f"/v1/payment_intents/{pledge.stripe_payment_intent}")
    obj.update(changes)
    return obj


def charge_of(localstripe, stripe_client, pledge):  # noqa: F811
    charge = stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent).latest_charge
    charge_id = charge if isinstance(charge, str) else charge.id
    return localstripe.request("GET", f"/v1/charges/{charge_id}")


# ---------------------------------------------------------------- paying


def test_card_pledge_intent_has_pledge_id_and_minor_units_and_localstripes_webhook_makes_it_paid(
        client, login_as, published, webhook_url, localstripe, stripe_client):  # noqa: F811
    _official, project = published
    need = funds_need(project)
    member = login_as(make_user(name="Aigerim Sadykova"))

    started = start(client, need, amount="2 500,50")
    assert started.status_code == 200, started.get_data(as_text=True)
    answer = started.get_json()
    pledge = db.session.get(Pledge, answer["pledge_id"])
    assert (pledge.method, pledge.status, pledge.amount, pledge.currency, pledge.member_id) == (
        PledgeMethod.CARD, PledgeStatus.PENDING, 2_500_50, "KGS", member.id)
    intent = stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent)
    assert intent.amount == 2_500_50 and intent.currency == "kgs"
    assert intent.metadata["pledge_id"] == str(pledge.id)
    assert answer["client_secret"] == intent.client_secret and answer["status"] == "requires_confirmation"
    assert audit_actions(pledge) == ["pledge.created"]

    confirmed = client.post(answer["confirm_url"], headers={"Accept": "application/json"})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "succeeded"
    # Stripe took the money, but only its signed webhook makes the pledge paid:
    assert pledge_status(pledge.id) == PledgeStatus.PENDING
    assert "KGS0 of KGS50,000 confirmed" in progress_text(client, project)
    processing = client.get(answer["processing_url"]).get_data(as_text=True)
    assert "the pledge becomes paid when Stripe confirms it" in processing
    assert "Waiting for Stripe" in processing

    wait_for(lambda: pledge_status(pledge.id) == PledgeStatus.PAID)
    assert "KGS2,500.50 of KGS50,000 confirmed" in progress_text(client, project)
    assert audit_actions(pledge) == ["pledge.created", "pledge.paid"]
    [event] = stripe_events(pledge=pledge)
    assert event.type == "payment_intent.succeeded" and event.id.startswith("evt_")
    pledge = db.session.get(Pledge, pledge.id)
    assert pledge.reference == event.id and pledge.decided_by_id is None
    assert "Paid" in client.get(answer["processing_url"]).get_data(as_text=True)


def test_three_d_secure_card_waits_for_the_authentication(client, login_as, published, webhook_url, localstripe):  # noqa: F811
    _official, project = published
    need = funds_need(project)
    login_as(make_user())
    token = localstripe.request("POST", "/v1/tokens", {"card": {
        "number": "4000002500003155", "exp_month": "12", "exp_year": "2030", "cvc": "123"}})
    pledge, confirmed = pay(client, need, payment_method=token["card"]["id"])
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "requires_action"
    time.sleep(1.5)  # no payment without the authentication
    assert pledge_status(pledge.id) == PledgeStatus.PENDING

    # What Stripe.js's confirmCardPayment does in the member's browser, answered "complete":
    intent_id, secret = pledge.stripe_payment_intent, confirmed.get_json()["client_secret"]
    localstripe.request("POST", f"/v1/payment_intents/{intent_id}/_authenticate?success=true",
                        {"client_secret": secret})
    wait_for(lambda: pledge_status(pledge.id) == PledgeStatus.PAID)


def test_dollars_are_charged_in_cents_and_counted_in_som(client, login_as, published, stripe_client):
    _official, project = published
    pledge_service.set_rate(make_user(role=Role.ADMIN), "USD", Decimal("87.45"))
    db.session.commit()
    login_as(make_user())
    started = start(client, funds_need(project), amount="20", currency="USD", anonymous=True)
    assert started.status_code == 200, started.get_data(as_text=True)
    pledge = db.session.get(Pledge, started.get_json()["pledge_id"])
    assert (pledge.amount, pledge.currency, pledge.converted_amount, pledge.anonymous) == (20_00, "USD", 1_749_00, True)
    intent = stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent)
    assert (intent.amount, intent.currency) == (20_00, "usd")


def test_declined_card_makes_the_pledge_failed_and_nothing_counts(client, login_as, published, webhook_url):
    _official, project = published
    login_as(make_user())
    pledge, confirmed = pay(client, funds_need(project), payment_method="pm_card_chargeCustomerFail")
    assert confirmed.status_code == 422
    assert confirmed.get_json() == {"error": "Your card was declined."}
    wait_for(lambda: pledge_status(pledge.id) == PledgeStatus.FAILED)
    assert "KGS0 of KGS50,000 confirmed" in progress_text(client, project)
    assert audit_actions(pledge) == ["pledge.created", "pledge.failed"]
    assert "The payment did not go through" in client.get(
        f"/pay/pledges/{pledge.id}/processing").get_data(as_text=True)
    # A second try on a decided pledge is refused; the member starts a new one.
    again = client.post(f"/pay/pledges/{pledge.id}/confirm", headers={"Accept": "application/json"})
    assert again.status_code == 409


def test_card_pledge_checks_like_an_offline_one_and_leaves_nothing_behind(client, login_as, published, localstripe):  # noqa: F811
    _official, project = published
    need = funds_need(project)
    login_as(make_user())
    too_much = start(client, need, amount="60000")
    assert too_much.status_code == 422
    assert too_much.get_json() == {"error": "Only KGS50,000 is still needed here."}
    assert start(client, need, amount="").status_code == 422
    assert start(client, need, payment_method="").status_code == 422
    assert start(client, need, payment_method="tok_visa").status_code == 422  # only payment method ids
    unknown = start(client, need, payment_method="pm_unknown")  # Stripe has no such payment method
    assert unknown.status_code == 422
    assert unknown.get_json() == {"error": "The card details could not be read; please enter them again."}
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0  # the flushed pledge rolled back
    skill_need = next(n for n in project.needs if n.kind == NeedKind.SKILL)
    assert client.get(f"/pay/needs/{skill_need.id}").status_code == 404


@pytest.mark.parametrize("app_overrides", [{
    "STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": "pk_test_x", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "STRIPE_API_BASE": "http://127.0.0.1:9", "STRIPE_JS_URL": "http://127.0.0.1:9/js.stripe.com/v3/"}])
def test_stripe_unreachable_refuses_clearly_and_writes_nothing(client, login_as, published):
    _official, project = published
    login_as(make_user())
    response = start(client, funds_need(project))
    assert response.status_code == 503
    assert response.get_json() == {
        "error": "Card payment is not available right now; please try again later or pay by transfer."}
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="pledge.created")) == 0


def test_only_the_member_sees_or_confirms_their_card_pledge(client, login_as, published):
    _official, project = published
    login_as(make_user())
    started = start(client, funds_need(project)).get_json()
    login_as(make_user())
    assert client.get(started["processing_url"]).status_code == 404
    assert client.post(started["confirm_url"], headers={"Accept": "application/json"}).status_code == 404
    client.post("/auth/logout")
    assert client.get(started["processing_url"]).status_code == 302  # to the login page


def test_card_page_loads_stripe_js_from_config_and_csp_allows_it(client, login_as, published, localstripe):  # noqa: F811
    _official, project = published
    need = funds_need(project)
    login_as(make_user())
    offline = client.get(f"/pledges/needs/{need.id}").get_data(as_text=True)
    assert "Pay by card instead" in offline and f"/pay/needs/{need.id}" in offline
    response = client.get(f"/pay/needs/{need.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<script src="{localstripe.js_url}"></script>' in page
    assert 'data-publishable-key="pk_test_' in page and "sk_test" not in page
    assert "<script>" not in page  # no inline script
    csp = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.url};" in csp
    assert f"connect-src 'self' {localstripe.url}" in csp and f"frame-src {localstripe.url}" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("app_overrides", [
    {},
    {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": "pk_test_x"},  # no webhook secret: never paid
], ids=["no-keys", "no-webhook-secret"])
def test_without_stripe_keys_card_payment_is_hidden(client, login_as, published):
    _official, project = published
    need = funds_need(project)
    login_as(make_user())
    page = client.get(f"/pledges/needs/{need.id}")
    assert page.status_code == 200 and "Pay by card" not in page.get_data(as_text=True)
    assert client.get(f"/pay/needs/{need.id}").status_code == 404
    assert client.post(f"/pay/needs/{need.id}/intent", data={"amount": "10"}).status_code == 404
    payload = event_payload("evt_no_keys", "payment_intent.succeeded", {"id": "pi_x", "metadata": {}})
    assert client.post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": sign(payload)}).status_code == 404
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "connect-src" not in csp and "frame-src" not in csp


# ---------------------------------------------------------------- refunds


def test_refund_made_in_localstripe_lowers_progress_charge_refunded_event_signed_by_the_test(
        client, login_as, published, webhook_url, localstripe, stripe_client):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge, confirmed = pay(client, funds_need(project))
    assert confirmed.status_code == 200
    wait_for(lambda: pledge_status(pledge.id) == PledgeStatus.PAID)
    assert "KGS2,500 of KGS50,000 confirmed" in progress_text(client, project)

    # A partial refund is recorded, and changes no status.
    stripe_client.v1.refunds.create(params={"payment_intent": pledge.stripe_payment_intent, "amount": 500_00})
    charge = charge_of(localstripe, stripe_client, pledge)
    assert (charge["amount_refunded"], charge["payment_intent"]) == (500_00, pledge.stripe_payment_intent)
    payload = event_payload("evt_test_partial_refund", "charge.refunded", charge)
    assert deliver(webhook_url, payload, sign(payload)) == (200, {"received": True, "outcome": "partial_refund"})
    assert pledge_status(pledge.id) == PledgeStatus.PAID and len(stripe_events("evt_test_partial_refund")) == 1

    stripe_client.v1.refunds.create(params={"payment_intent": pledge.stripe_payment_intent, "amount": 2_000_00})
    charge = charge_of(localstripe, stripe_client, pledge)
    assert charge["refunded"] is True
    payload = event_payload("evt_test_full_refund", "charge.refunded", charge)
    assert deliver(webhook_url, payload, sign(payload)) == (200, {"received": True, "outcome": "processed"})
    db.session.rollback()
    assert pledge_status(pledge.id) == PledgeStatus.REFUNDED
    assert "KGS0 of KGS50,000 confirmed" in progress_text(client, project)
    assert audit_actions(pledge) == ["pledge.created", "pledge.paid", "pledge.refunded"]
    # A late "succeeded" (or its redelivery) cannot make a refunded pledge count again.
    late = event_payload("evt_test_late_success", "payment_intent.succeeded",
                         intent_object(localstripe, pledge, status="succeeded"))
    assert deliver(webhook_url, late, sign(late)) == (200, {"received": True, "outcome": "stale"})
    assert pledge_status(pledge.id) == PledgeStatus.REFUNDED


def test_refund_event_before_the_payment_is_refused_until_it_can_apply_signed_by_the_test(
        client, login_as, published, live_server, localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge = db.session.get(Pledge, start(client, funds_need(project)).get_json()["pledge_id"])
    url = live_server + "/webhooks/stripe"
    refunded = event_payload("evt_test_early_refund", "charge.refunded", {
        "id": "ch_test", "object": "charge", "amount": 2_500_00, "amount_refunded": 2_500_00, "refunded": True,
        "currency": "kgs", "payment_intent": pledge.stripe_payment_intent, "metadata": {}})
    status, _body = deliver(url, refunded, sign(refunded))
    assert status == 409  # Stripe delivers it again later
    db.session.rollback()
    assert stripe_events("evt_test_early_refund") == [] and pledge_status(pledge.id) == PledgeStatus.PENDING

    succeeded = event_payload("evt_test_success", "payment_intent.succeeded",
                              intent_object(localstripe, pledge, status="succeeded"))
    assert deliver(url, succeeded, sign(succeeded))[0] == 200
    assert deliver(url, refunded, sign(refunded)) == (200, {"received": True, "outcome": "processed"})
    db.session.rollback()
    assert pledge_status(pledge.id) == PledgeStatus.REFUNDED


# ---------------------------------------------------------------- the webhook's defences


def test_bad_signature_is_refused_and_changes_nothing(client, login_as, published, live_server, localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge = db.session.get(Pledge, start(client, funds_need(project)).get_json()["pledge_id"])
    url = live_server + "/webhooks/stripe"
    payload = event_payload("evt_test_forged", "payment_intent.succeeded",
                            intent_object(localstripe, pledge, status="succeeded"))
    tampered = payload.replace(b'"status": "succeeded"', b'"status": "succeeded" ')
    for signature in (sign(payload, secret="whsec_someone_else"), "", "t=1,v1=00",
                      sign(payload, timestamp=int(time.time()) - 3600), sign(tampered)):
        status, body = deliver(url, payload, signature)
        assert status == 400 and body == {"error": "The webhook signature is not valid."}
    assert deliver(url, b"not json", sign(b"not json"))[0] == 400
    db.session.rollback()
    assert stripe_events() == [] and pledge_status(pledge.id) == PledgeStatus.PENDING
    assert audit_actions(pledge) == ["pledge.created"]


def test_duplicate_delivery_of_localstripes_event_changes_nothing_more(
        client, login_as, published, webhook_url, localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge, _confirmed = pay(client, funds_need(project))
    wait_for(lambda: pledge_status(pledge.id) == PledgeStatus.PAID)
    [original] = stripe_events(pledge=pledge)
    events = localstripe.request("GET", "/v1/events?type=payment_intent.succeeded")["data"]
    [event] = [e for e in events if e["id"] == original.id]
    payload = json.dumps(event).encode()
    assert deliver(webhook_url, payload, sign(payload)) == (200, {"received": True, "outcome": "duplicate"})
    db.session.rollback()
    assert len(stripe_events(original.id)) == 1
    assert audit_actions(pledge) == ["pledge.created", "pledge.paid"]

    # A late "payment failed" (say, of an earlier attempt) after "succeeded" changes nothing.
    failed = event_payload("evt_test_late_failure", "payment_intent.payment_failed",
                           intent_object(localstripe, pledge, status="requires_payment_method"))
    assert deliver(webhook_url, failed, sign(failed)) == (200, {"received": True, "outcome": "stale"})
    db.session.rollback()
    assert pledge_status(pledge.id) == PledgeStatus.PAID
    assert audit_actions(pledge) == ["pledge.created", "pledge.paid"]
    assert "KGS2,500 of KGS50,000 confirmed" in progress_text(client, project)


def test_events_that_do_not_match_the_pledge_are_recorded_and_ignored(client, login_as, published, live_server,
                                                                     localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge = db.session.get(Pledge, start(client, funds_need(project)).get_json()["pledge_id"])
    url = live_server + "/webhooks/stripe"
    cases = {
        "evt_test_other_amount": intent_object(localstripe, pledge, amount=1),
        "evt_test_other_currency": intent_object(localstripe, pledge, currency="usd"),
        "evt_test_other_pledge": intent_object(localstripe, pledge, metadata={"pledge_id": str(pledge.id + 1)}),
        "evt_test_no_metadata": intent_object(localstripe, pledge, metadata={}),
        "evt_test_unknown_intent": intent_object(localstripe, pledge, id="pi_unknown"),
    }
    for event_id, obj in cases.items():
        payload = event_payload(event_id, "payment_intent.succeeded", obj)
        assert deliver(url, payload, sign(payload)) == (200, {"received": True, "outcome": "ignored"}), event_id
    other = event_payload("evt_test_other_type", "customer.created", {"id": "cus_1"})
    assert deliver(url, other, sign(other)) == (200, {"received": True, "outcome": "ignored"})
    db.session.rollback()
    assert pledge_status(pledge.id) == PledgeStatus.PENDING
    assert len(stripe_events()) == len(cases) + 1


def test_one_hundred_concurrent_deliveries_pay_the_pledge_once_event_signed_by_the_test(
        client, login_as, published, live_server, localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge = db.session.get(Pledge, start(client, funds_need(project)).get_json()["pledge_id"])
    payload = event_payload("evt_test_concurrent", "payment_intent.succeeded",
                            intent_object(localstripe, pledge, status="succeeded"))
    signature = sign(payload)
    url = live_server + "/webhooks/stripe"
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda _: deliver(url, payload, signature), range(100)))
    assert [status for status, _body in answers] == [200] * 100
    outcomes = sorted(body["outcome"] for _status, body in answers)
    assert outcomes == ["duplicate"] * 99 + ["processed"]
    db.session.rollback()
    assert len(stripe_events("evt_test_concurrent")) == 1
    assert pledge_status(pledge.id) == PledgeStatus.PAID
    assert audit_actions(pledge) == ["pledge.created", "pledge.paid"]
    assert "KGS2,500 of KGS50,000 confirmed" in progress_text(client, project)
