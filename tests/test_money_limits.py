"""Money never beyond what was asked, pledges never lost: a card payment for money that is no
longer needed is refused before Stripe charges, or refunded automatically when Stripe took it
anyway; a need that holds pledges is never deleted; a missing exchange rate never breaks
publishing; concurrent webhook events for one pledge never deadlock."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.errors import Conflict
from app.extensions import db
from app.models import AuditEvent, Need, NeedKind, Pledge, PledgeStatus, Role
from app.models._common import utcnow
from app.services import pledges as pledge_service
from app.services import projects as project_service
from tests.factories import make_official, make_project, make_user
from tests.stripe_server import event_payload, localstripe, sign  # noqa: F401
from tests.test_payments import (  # noqa: F401  (fixtures shared with the card payment tests)
    deliver,
    funds_need,
    intent_object,
    published,
    start,
    stripe_client,
    wait_for,
    webhook_url,
)


@pytest.fixture
def app_overrides(localstripe, mailbox):  # noqa: F811
    return {**localstripe.app_config(), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port}


def counted(need):
    db.session.rollback()
    return db.session.scalar(db.select(db.func.coalesce(db.func.sum(Pledge.converted_amount), 0)).where(
        Pledge.need_id == need.id, Pledge.status.in_((PledgeStatus.CONFIRMED, PledgeStatus.PAID))))


def fill_the_rest_offline(official, need):
    left = pledge_service.remaining(need)
    pledge = pledge_service.pledge_money(make_user(), need, amount=left, currency=need.currency,
                                         method="bank_transfer")
    pledge_service.confirm_pledge(make_official(official.memberships[0].lsg), pledge, reference="TR-9")
    db.session.commit()


def lapse_the_hold(pledge_id):
    """The donor took longer than CARD_HOLD_MINUTES to pay."""
    pledge = db.session.get(Pledge, pledge_id)
    assert pledge_service.holds_its_money(pledge)
    pledge.held_until = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_a_card_pledge_holds_its_money_while_the_donor_pays(client, login_as, published):
    official, project = published
    need = funds_need(project)
    earlier_transfer = pledge_service.pledge_money(make_user(), need, amount=100, currency="KGS", method="cash")
    db.session.commit()
    login_as(make_user())
    started = start(client, need, amount="50 000")
    assert started.status_code == 200, started.get_data(as_text=True)
    # Nobody else can pledge the same money meanwhile, by card or offline, nor have it confirmed.
    login_as(make_user())
    second = start(client, need, amount="1")
    assert second.status_code == 409 and "still needed" in second.get_json()["error"]
    with pytest.raises(Conflict):
        pledge_service.pledge_money(make_user(), need, amount=100, currency="KGS", method="cash")
    with pytest.raises(Conflict):
        pledge_service.confirm_pledge(official, earlier_transfer)


def test_an_older_card_pledge_on_a_funded_project_is_refused_before_stripe_charges(
        client, login_as, published, app, stripe_client):
    official, project = published
    need = funds_need(project)
    login_as(make_user())
    answer = start(client, need, amount="100").get_json()
    lapse_the_hold(answer["pledge_id"])
    fill_the_rest_offline(official, need)

    confirmed = client.post(answer["confirm_url"], headers={"Accept": "application/json"})

    assert confirmed.status_code == 409
    assert "no longer" in confirmed.get_json()["error"]
    pledge = db.session.get(Pledge, answer["pledge_id"])
    assert pledge.status == PledgeStatus.PENDING and not pledge_service.holds_its_money(pledge)
    assert stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent).status != "succeeded"
    assert counted(need) == need.target_amount


def test_money_stripe_took_beyond_the_target_is_refunded_and_the_donor_told(
        client, login_as, published, app, webhook_url, stripe_client, mailbox, runner, localstripe):  # noqa: F811
    official, project = published
    need = funds_need(project)
    donor = login_as(make_user(name="Late Donor"))
    answer = start(client, need, amount="100").get_json()
    lapse_the_hold(answer["pledge_id"])
    fill_the_rest_offline(official, need)
    pledge = db.session.get(Pledge, answer["pledge_id"])
    # The donor's browser confirms with Stripe.js directly, as it may: Stripe charges the card.
    stripe_client.v1.payment_intents.confirm(pledge.stripe_payment_intent)

    wait_for(lambda: db.session.get(Pledge, pledge.id).status != PledgeStatus.PENDING)
    pledge = db.session.get(Pledge, pledge.id)
    assert pledge.status == PledgeStatus.REFUND_DUE
    assert counted(need) == need.target_amount
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).filter_by(
        target_type="pledges", target_id=pledge.id).order_by(AuditEvent.id))]
    assert actions == ["pledge.created", "pledge.refund_due"]

    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    db.session.rollback()
    charge = stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent).latest_charge
    charge_id = charge if isinstance(charge, str) else charge.id
    assert localstripe.request("GET", f"/v1/charges/{charge_id}")["refunded"] is True
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.REFUNDED
    mails = [m for m in mailbox.messages if donor.email in m["To"]]
    assert len(mails) == 1 and "refund" in mails[0].get_content().lower()
    # The worker running again refunds nothing twice and mails nothing twice.
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert len([m for m in mailbox.messages if donor.email in m["To"]]) == 1


def test_distinct_concurrent_success_events_for_one_pledge_never_fail(client, login_as, published, live_server,
                                                                      localstripe):  # noqa: F811
    _official, project = published
    login_as(make_user())
    pledge = db.session.get(Pledge, start(client, funds_need(project)).get_json()["pledge_id"])
    obj = intent_object(localstripe, pledge, status="succeeded")
    url = live_server + "/webhooks/stripe"
    payloads = [event_payload(f"evt_test_distinct_{n}", "payment_intent.succeeded", obj) for n in range(40)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda p: deliver(url, p, sign(p)), payloads))
    assert [status for status, _body in answers] == [200] * 40, answers
    assert sorted(body["outcome"] for _s, body in answers) == ["processed"] + ["stale"] * 39
    db.session.rollback()
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.PAID


# ---------------------------------------------------------------- a need that holds pledges


def test_a_need_that_holds_pledges_is_never_deleted_and_its_pledges_stay_readable(client, login_as, app):
    official = make_official()
    project = make_project(official, publish=True)
    need = funds_need(project)
    member = make_user()
    confirmed = pledge_service.pledge_money(member, need, amount=1_000_00, currency="KGS", method="cash")
    pledge_service.confirm_pledge(make_official(official.memberships[0].lsg), confirmed, reference="R1")
    pending = pledge_service.pledge_money(member, need, amount=2_000_00, currency="KGS", method="bank_transfer")
    db.session.commit()

    login_as(official)
    response = client.post(f"/projects/{project.id}/needs/{need.id}/delete")
    assert response.status_code in (302, 409)
    db.session.rollback()
    assert db.session.get(Need, need.id) is not None
    assert {p.id for p in db.session.scalars(db.select(Pledge).filter_by(need_id=need.id))} == {
        confirmed.id, pending.id}
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert "holds pledges" in page

    login_as(member)
    for path in (f"/projects/{project.id}", "/pledges/mine", f"/pledges/{confirmed.id}/receipt",
                 "/pledges/statement"):
        assert client.get(path).status_code == 200, path


def test_the_database_refuses_a_pledge_without_its_need(app):
    official = make_official()
    project = make_project(official, publish=True)
    need = funds_need(project)
    pledge_service.pledge_money(make_user(), need, amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    with pytest.raises(Exception) as caught:
        db.session.execute(db.delete(Need).where(Need.id == need.id))
        db.session.flush()
    db.session.rollback()
    assert "foreign key" in str(caught.value).lower()
    assert db.session.get(Need, need.id) is not None


def test_a_closed_need_takes_no_new_pledges_and_keeps_its_old_ones(client, login_as, app):
    official = make_official()
    project = make_project(official, publish=True)
    need = funds_need(project)
    pledge = pledge_service.pledge_money(make_user(), need, amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()

    project_service.close_need(official, project, need.id, reason="The programme paid for the steel")
    db.session.commit()

    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={"amount": "100", "currency": "KGS",
                                                               "method": "cash"})
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.PENDING
    assert client.get(f"/projects/{project.id}").status_code == 200


# ---------------------------------------------------------------- a currency without a rate


def test_a_need_in_a_currency_without_a_rate_never_breaks_publishing(client, login_as, app):
    official = make_official()
    project = make_project(official)
    project_service.add_need(official, project, "funds", title="Anaesthesia machine", target_amount=5_000_00,
                             currency="USD")
    db.session.commit()
    login_as(official)
    assert "no exchange rate for USD yet" in client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    project_service.submit_project(official, project)
    db.session.commit()

    moderator = login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/projects/{project.id}", data={"decision": "publish",
                                                                        "reason": "Documents checked"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert moderator
    assert client.get(f"/projects/{project.id}").status_code == 200
    runner = app.test_cli_runner()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0  # Elasticsearch: indexed by the worker
    found = client.get("/search/?q=Bridge").get_data(as_text=True)
    assert f"/projects/{project.id}" in found
