"""Every decision and change a person is concerned by tells them: exactly one notification each,
never to whoever acted, written in the reader's language, and one mail through the worker to the
real SMTP server (tests/mailbox.py) when that person hears of this kind by mail.

Card pledges go through localstripe; their webhooks are built from localstripe's objects and
signed by the test, as Stripe signs them (localstripe sends no ``charge.refunded``)."""
import re
from datetime import date, timedelta

import pytest
import stripe
from flask_babel import force_locale

from app.extensions import db
from app.models import Channel, NeedKind, Notification, Pledge, PledgeStatus, Role, Skill
from app.models._common import utcnow
from app.services import memberships, notifications, profiles
from app.services import pledges as pledge_service
from app.services import projects as project_service
from app.worker import drain
from tests.factories import make_lsg, make_membership, make_official, make_pending_credential, make_project, make_user
from tests.stripe_server import SECRET_KEY, event_payload, localstripe, sign  # noqa: F401

PUBLIC_URL = "https://birge.example/"


@pytest.fixture
def app_overrides(localstripe, mailbox):  # noqa: F811
    return {**localstripe.app_config(), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port,
            "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def stripe_client(localstripe):  # noqa: F811
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.url})


@pytest.fixture
def town(app):
    """An LSG with two officials (one reads Kyrgyz, one Russian), a published project with a
    money need, a skill need (named by its skill only) and a goods need, and a moderator."""
    lsg = make_lsg()
    first = make_official(lsg, locale="ky", name="Asel Official")
    second = make_official(lsg, locale="ru", name="Bakyt Official")
    project = make_project(first, lsg, budget=100_000_00)
    project_service.add_need(first, project, "in_kind", item="Cement", quantity=40, unit="bags")
    project_service.submit_project(first, project)
    moderator = make_user(role=Role.MODERATOR)
    project_service.publish_project(moderator, project, reason="Documents checked")
    db.session.commit()
    needs = {need.kind: need for need in project.needs}
    return type("Town", (), dict(lsg=lsg, officials=(first, second), project=project, moderator=moderator,
                                  money=needs[NeedKind.FUNDS], skill=needs[NeedKind.SKILL],
                                  goods=needs[NeedKind.IN_KIND]))


# ---------------------------------------------------------------- what was told, to whom, in what words


def settled(mailbox):
    """Send what the setup queued and forget it: the notifications after the returned id are the test's."""
    drain()
    mailbox.reset()
    return db.session.scalar(db.select(db.func.max(Notification.id))) or 0


def _words(notification, language):
    with force_locale(language):
        return notifications.text_of(notification)


def _one_line(text):
    return str(text)  # every space kept: app/mail.py folds non-ASCII subjects without losing one


def assert_told(since, mailbox, expected, *, contains=()):
    """``expected``: {user: kind}. Exactly these people got exactly one notification each since
    ``since`` (nobody else, nothing else), in their language, and after the worker ran, exactly
    those who hear this kind by mail got one mail each, in their language."""
    db.session.expire_all()
    written = db.session.scalars(db.select(Notification).where(Notification.id > since)
                                 .order_by(Notification.id)).all()
    assert sorted((n.user_id, n.kind) for n in written) == sorted((u.id, kind) for u, kind in expected.items())
    by_user = {n.user_id: n for n in written}
    for user in expected:
        notification = by_user[user.id]
        text = _words(notification, user.locale)
        assert text != _words(notification, "en") and re.search("[а-яөүң]", text.lower()), text
        for fragment in contains:
            assert fragment in text, (fragment, text)
    drain()
    mailed = {u for u in expected if by_user[u.id].channel == Channel.MAIL}
    got = sorted((m["To"], _one_line(m["Subject"])) for m in mailbox.messages)
    want = []
    for user in mailed:
        text = _words(by_user[user.id], user.locale)
        want.append((user.email, _one_line(text if len(text) <= 120 else text[:117] + "…")))
    assert got == sorted(want)
    mailbox.reset()
    return by_user


def app_only(user, kind):
    notifications.set_preference(user, kind, Channel.APP)
    db.session.commit()


# ---------------------------------------------------------------- memberships and credentials


def test_a_decided_membership_request_tells_the_applicant(app, mailbox):
    lsg = make_lsg()
    moderator = make_user(role=Role.MODERATOR, locale="ru")
    applicant, declined = make_user(locale="ru"), make_user(locale="ky")
    app_only(declined, "membership_rejected")
    first, second = make_membership(applicant, lsg), make_membership(declined, lsg)
    since = settled(mailbox)

    memberships.approve_membership(moderator, first, reason="Checked by phone")
    db.session.commit()
    assert_told(since, mailbox, {applicant: "membership_approved"}, contains=("At-Bashy ayil okmotu",))

    since = settled(mailbox)
    memberships.reject_membership(moderator, second, reason="Nobody at the ayil okmotu knows you")
    db.session.commit()
    told = assert_told(since, mailbox, {declined: "membership_rejected"},
                       contains=("Nobody at the ayil okmotu knows you",))
    assert told[declined.id].channel == Channel.APP  # in the app only: no mail (checked above)


def test_a_decided_credential_tells_its_member(app, mailbox):
    moderator = make_user(role=Role.MODERATOR)
    surgeon, nurse = make_user(locale="ru"), make_user(locale="ky")
    verified = make_pending_credential(surgeon, skill="surgeon")
    rejected = make_pending_credential(nurse, skill="surgeon")
    since = settled(mailbox)

    profiles.verify_credential(moderator, verified, reason="Licence number checked")
    db.session.commit()
    skill = db.session.scalar(db.select(Skill).filter_by(code="surgeon"))
    assert_told(since, mailbox, {surgeon: "credential_verified"}, contains=(skill.name_ru,))

    since = settled(mailbox)
    profiles.reject_credential(moderator, rejected, reason="The scan cannot be read")
    db.session.commit()
    assert_told(since, mailbox, {nurse: "credential_rejected"}, contains=(skill.name_ky, "The scan cannot be read"))


# ---------------------------------------------------------------- projects decided by moderators


def test_every_decision_on_a_project_tells_its_lsgs_officials_with_the_reason(app, mailbox):
    lsg = make_lsg()
    first, second = make_official(lsg, locale="ky"), make_official(lsg, locale="ru")
    app_only(second, "project_published")
    moderator = make_user(role=Role.MODERATOR, locale="ru")
    project = make_project(first, lsg, submit=True)
    officials = (first, second)

    since = settled(mailbox)
    project_service.request_changes(moderator, project, reason="Add the bridge's drawings")
    db.session.commit()
    assert_told(since, mailbox, {o: "project_changes_requested" for o in officials},
                contains=("Bridge over the Naryn river", "Add the bridge's drawings"))

    project_service.submit_project(first, project)
    db.session.commit()
    since = settled(mailbox)
    project_service.publish_project(moderator, project, reason="Drawings added")
    db.session.commit()
    told = assert_told(since, mailbox, {o: "project_published" for o in officials},
                       contains=("Bridge over the Naryn river",))
    assert told[second.id].channel == Channel.APP

    since = settled(mailbox)
    project_service.unpublish_project(moderator, project, reason="The budget doubles the estimate")
    db.session.commit()
    assert_told(since, mailbox, {o: "project_unpublished" for o in officials},
                contains=("The budget doubles the estimate",))

    other = make_project(first, lsg, title="School roof", submit=True)
    since = settled(mailbox)
    project_service.reject_project(moderator, other, reason="The school is not in this ayil aimak")
    db.session.commit()
    assert_told(since, mailbox, {o: "project_rejected" for o in officials},
                contains=("School roof", "The school is not in this ayil aimak"))


def test_a_published_revision_tells_the_officials_once(app, mailbox, town):
    first, second = town.officials
    project_service.add_need(first, town.project, "in_kind", item="Paint", quantity=5, unit="cans")
    project_service.submit_project(first, town.project)
    db.session.commit()
    since = settled(mailbox)
    project_service.publish_project(town.moderator, town.project, reason="Fine")
    db.session.commit()
    assert_told(since, mailbox, {first: "project_published", second: "project_published"})


# ---------------------------------------------------------------- new pledges, to the officials


def test_new_pledges_tell_the_officials_and_never_the_member_who_pledged(app, mailbox, town):
    first, second = town.officials
    member = make_user(name="Aigerim Sadykova", locale="ru")
    since = settled(mailbox)

    pledge_service.pledge_money(member, town.money, amount=2_500_00, currency="KGS", method="bank_transfer")
    db.session.commit()
    assert_told(since, mailbox, {first: "pledge_received", second: "pledge_received"},
                contains=("Aigerim Sadykova", "Bridge over the Naryn river"))

    since = settled(mailbox)
    pledge_service.pledge_goods(member, town.goods, quantity=10)
    db.session.commit()
    assert_told(since, mailbox, {first: "goods_pledge_received", second: "goods_pledge_received"},
                contains=("Aigerim Sadykova", "Cement"))

    since = settled(mailbox)
    pledge_service.offer_skill(member, town.skill, starts_on=date(2027, 5, 10), ends_on=date(2027, 5, 12))
    db.session.commit()
    told = assert_told(since, mailbox, {first: "offer_received", second: "offer_received"})
    assert town.skill.skill.name_ky in _words(told[first.id], "ky")  # the need goes by its skill's name
    assert town.skill.skill.name_ru in _words(told[second.id], "ru")

    # An official who pledges is not told of their own pledge; the other official is.
    since = settled(mailbox)
    pledge_service.pledge_money(first, town.money, amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    assert_told(since, mailbox, {second: "pledge_received"}, contains=("Asel Official",))


# ---------------------------------------------------------------- pledges decided, to the member


def test_decisions_on_a_pledge_tell_its_member_and_not_the_official(app, mailbox, town):
    first, _second = town.officials
    member = make_user(locale="ru")
    money = pledge_service.pledge_money(member, town.money, amount=2_500_00, currency="KGS", method="cash")
    goods = pledge_service.pledge_goods(member, town.goods, quantity=10)
    refused = pledge_service.pledge_money(member, town.money, amount=100_00, currency="KGS", method="cash")
    db.session.commit()

    since = settled(mailbox)
    pledge_service.confirm_pledge(first, money, reference="Receipt 17")
    db.session.commit()
    assert_told(since, mailbox, {member: "pledge_confirmed"}, contains=("2\xa0500\xa0сом", "Bridge over the Naryn river"))

    since = settled(mailbox)
    pledge_service.confirm_pledge(first, goods)
    db.session.commit()
    assert_told(since, mailbox, {member: "pledge_confirmed"}, contains=("10 bags",))

    since = settled(mailbox)
    pledge_service.reject_pledge(first, refused, reason="No such payment reached the office")
    db.session.commit()
    assert_told(since, mailbox, {member: "pledge_rejected"}, contains=("No such payment reached the office",))


def test_a_pending_pledge_that_expires_tells_its_member(app, mailbox, town, clock):
    member = make_user(locale="ky")
    pledge = pledge_service.pledge_money(member, town.money, amount=2_500_00, currency="KGS", method="cash")
    db.session.commit()
    clock.advance(days=31)
    since = settled(mailbox)
    assert pledge_service.expire_pending(30) == [pledge]
    db.session.commit()
    assert_told(since, mailbox, {member: "pledge_lapsed"}, contains=("30",))
    pledge_service.expire_pending(30)  # run again: nothing more
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.id > since)) == 1


def test_decisions_on_an_offer_tell_its_member(app, mailbox, town):
    first, _second = town.officials
    coming, declined = make_user(locale="ru"), make_user(locale="ky")
    app_only(declined, "offer_declined")
    offer = pledge_service.offer_skill(coming, town.skill, starts_on=date(2027, 5, 10), ends_on=date(2027, 5, 12))
    other = pledge_service.offer_skill(declined, town.skill, starts_on=date(2027, 5, 10), ends_on=date(2027, 5, 11))
    db.session.commit()

    since = settled(mailbox)
    pledge_service.accept_offer(first, offer)
    db.session.commit()
    told = assert_told(since, mailbox, {coming: "offer_accepted"}, contains=(town.skill.skill.name_ru,))
    assert notifications.absolute_link_of(told[coming.id]) == f"{PUBLIC_URL}pledges/{offer.id}/receipt"

    since = settled(mailbox)
    pledge_service.decline_offer(first, other, reason="We need someone for the whole week")
    db.session.commit()
    told = assert_told(since, mailbox, {declined: "offer_declined"}, contains=("We need someone for the whole week",))
    assert notifications.absolute_link_of(told[declined.id]) == f"{PUBLIC_URL}pledges/mine"  # a declined offer has no receipt


def test_closing_a_need_tells_the_members_whose_pledges_wait_once_each(app, mailbox, town):
    first, second = town.officials
    waiting, twice, confirmed = make_user(locale="ru"), make_user(locale="ky"), make_user(locale="ru")
    pledge_service.pledge_goods(waiting, town.goods, quantity=5)
    pledge_service.pledge_goods(twice, town.goods, quantity=5)
    pledge_service.pledge_goods(twice, town.goods, quantity=3)
    pledge_service.pledge_goods(first, town.goods, quantity=1)  # the official who closes it
    pledge_service.pledge_goods(second, town.goods, quantity=1)
    done = pledge_service.pledge_goods(confirmed, town.goods, quantity=2)
    pledge_service.confirm_pledge(first, done)
    db.session.commit()

    since = settled(mailbox)
    project_service.close_need(first, town.project, town.goods.id, reason="A sponsor gave all the cement")
    db.session.commit()
    assert_told(since, mailbox, {waiting: "need_closed", twice: "need_closed", second: "need_closed"},
                contains=("Cement", "A sponsor gave all the cement"))


# ---------------------------------------------------------------- card pledges


def _intent_id(client, need, *, payment_method="pm_card_visa", amount="2 500"):
    started = client.post(f"/pay/needs/{need.id}/intent", headers={"Accept": "application/json"},
                          data={"amount": amount, "currency": "KGS", "payment_method": payment_method})
    assert started.status_code == 200, started.get_data(as_text=True)
    return started.get_json()


def _deliver(client, event_id, event_type, obj):
    payload = event_payload(event_id, event_type, obj)
    answer = client.post("/webhooks/stripe", data=payload,
                         headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["outcome"]


def test_a_card_pledge_tells_the_officials_once_paid_and_its_member_when_refunded(
        app, client, login_as, mailbox, town, localstripe, stripe_client):  # noqa: F811
    first, second = town.officials
    member = login_as(make_user(name="Card Donor", locale="ru"))
    since = settled(mailbox)
    answer = _intent_id(client, town.money)
    assert client.post(answer["confirm_url"], headers={"Accept": "application/json"}).status_code == 200
    # The intent is made and even charged: nobody is told until Stripe's webhook says it is paid.
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.id > since)) == 0

    pledge = db.session.get(Pledge, answer["pledge_id"])
    intent = localstripe.request("GET", f"/v1/payment_intents/{pledge.stripe_payment_intent}")
    assert _deliver(client, "evt_test_events_paid", "payment_intent.succeeded", intent) == "processed"
    assert _deliver(client, "evt_test_events_paid", "payment_intent.succeeded", intent) == "duplicate"
    assert _deliver(client, "evt_test_events_paid_again", "payment_intent.succeeded", intent) == "stale"
    assert_told(since, mailbox, {first: "pledge_received", second: "pledge_received", member: "pledge_confirmed"},
                contains=("2\xa0500",))

    since = settled(mailbox)
    stripe_client.v1.refunds.create(params={"payment_intent": pledge.stripe_payment_intent})
    charge = stripe_client.v1.payment_intents.retrieve(pledge.stripe_payment_intent).latest_charge
    charge = localstripe.request("GET", f"/v1/charges/{charge if isinstance(charge, str) else charge.id}")
    assert charge["refunded"] is True
    assert _deliver(client, "evt_test_events_refund", "charge.refunded", charge) == "processed"
    assert_told(since, mailbox, {member: "pledge_refunded"}, contains=("2\xa0500",))


def test_a_failed_card_payment_tells_its_member_only(app, client, login_as, mailbox, town, localstripe):  # noqa: F811
    member = login_as(make_user(locale="ky"))
    since = settled(mailbox)
    answer = _intent_id(client, town.money, payment_method="pm_card_chargeCustomerFail")
    assert client.post(answer["confirm_url"], headers={"Accept": "application/json"}).status_code == 422
    pledge = db.session.get(Pledge, answer["pledge_id"])
    intent = localstripe.request("GET", f"/v1/payment_intents/{pledge.stripe_payment_intent}")
    assert _deliver(client, "evt_test_events_failed", "payment_intent.payment_failed", intent) == "processed"
    told = assert_told(since, mailbox, {member: "pledge_expired"})
    assert notifications.absolute_link_of(told[member.id]) == f"{PUBLIC_URL}pledges/mine"


def test_money_stripe_took_beyond_the_target_is_refunded_with_one_notification_and_one_mail(
        app, client, login_as, mailbox, town, localstripe, stripe_client):  # noqa: F811
    first, _second = town.officials
    donor = login_as(make_user(locale="ru"))
    answer = _intent_id(client, town.money, amount="100")
    pledge = db.session.get(Pledge, answer["pledge_id"])
    pledge.held_until = utcnow() - timedelta(minutes=1)  # the donor took too long to pay
    db.session.commit()
    rest = pledge_service.pledge_money(make_user(), town.money, amount=pledge_service.remaining(town.money),
                                       currency="KGS", method="bank_transfer")
    pledge_service.confirm_pledge(first, rest)
    db.session.commit()
    stripe_client.v1.payment_intents.confirm(pledge.stripe_payment_intent)  # Stripe.js charges anyway

    since = settled(mailbox)
    intent = localstripe.request("GET", f"/v1/payment_intents/{pledge.stripe_payment_intent}")
    assert _deliver(client, "evt_test_events_late", "payment_intent.succeeded", intent) == "processed"
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.REFUND_DUE
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.id > since)) == 0
    drain()  # the worker refunds it: the donor is told once, by one mail (not a second refund mail);
    # the officials hear of no pledge, since this money never counted.
    assert_told(since, mailbox, {donor: "pledge_refunded"})
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.REFUNDED
    drain()
    assert mailbox.messages == []
