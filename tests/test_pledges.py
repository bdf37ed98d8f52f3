"""Offline money and goods pledges: recorded by members, confirmed by the LSG, counted once."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import AuditEvent, NeedKind, Pledge, PledgeStatus, ProjectStatus, Role
from app.models._common import utcnow
from app.services import pledges as service
from app.services import projects
from tests.factories import make_official, make_project, make_user


def funds_need(project):
    return next(n for n in project.needs if n.kind == NeedKind.FUNDS)


def pledge_events(pledge):
    return [e.action for e in db.session.scalars(
        db.select(AuditEvent).filter_by(target_type="pledges", target_id=pledge.id).order_by(AuditEvent.id))]


def set_usd_rate(rate="87.45"):
    service.set_rate(make_user(role=Role.ADMIN), "USD", Decimal(rate))
    db.session.commit()


@pytest.fixture
def published(app):
    official = make_official()
    project = make_project(official, publish=True, budget=100_000_00)  # funds need: 50 000 som
    return official, project


def test_offline_transfer_counts_only_once_confirmed(client, login_as, published):
    official, project = published
    need = funds_need(project)
    member = login_as(make_user(name="Aibek Jumabekov"))
    response = client.post(f"/pledges/needs/{need.id}", data={
        "amount": "5 000", "currency": "KGS", "method": "bank_transfer", "reference": "KICB 123456"})
    assert response.status_code == 302
    pledge = db.session.scalar(db.select(Pledge))
    assert (pledge.status, pledge.amount, pledge.converted_amount) == (PledgeStatus.PENDING, 5_000_00, 5_000_00)

    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Aibek Jumabekov" in page and "Waiting for confirmation" in page
    assert "0\u00a0сом of" not in page and "KGS0 of KGS50,000 confirmed" in page

    login_as(official)
    assert "1 pledge to confirm" in client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    response = client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "statement 2026-11-23"})
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "KGS5,000 of KGS50,000 confirmed" in page
    assert pledge_events(pledge) == ["pledge.created", "pledge.confirmed"]
    db.session.refresh(pledge)
    assert pledge.decided_by_id == official.id and pledge.reference == "statement 2026-11-23"

    login_as(member)
    receipt = client.get(f"/pledges/{pledge.id}/receipt").get_data(as_text=True)
    assert "Pledge receipt" in receipt and "KGS5,000" in receipt and "statement 2026-11-23" in receipt


def test_dollars_are_converted_at_the_admins_rate_and_the_rate_is_kept(client, login_as, published):
    _official, project = published
    need = funds_need(project)
    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={"amount": "100", "currency": "USD",
                                                              "method": "bank_transfer"})
    assert response.status_code == 422
    assert "no exchange rate for USD" in response.get_data(as_text=True)

    set_usd_rate("87.45")
    assert client.post(f"/pledges/needs/{need.id}", data={"amount": "100", "currency": "USD",
                                                          "method": "bank_transfer"}).status_code == 302
    pledge = db.session.scalar(db.select(Pledge))
    assert (pledge.amount, pledge.currency, pledge.converted_amount, pledge.rate_micro) == (
        100_00, "USD", 8_745_00, 87_450_000)
    set_usd_rate("90")  # a later rate change does not change a recorded pledge
    db.session.refresh(pledge)
    assert pledge.converted_amount == 8_745_00


def test_more_than_is_needed_is_refused_and_a_complete_project_is_funded(client, login_as, published):
    official, project = published
    need = funds_need(project)
    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={"amount": "60000", "currency": "KGS", "method": "cash"})
    assert response.status_code == 422 and "Only KGS50,000 is still needed here." in response.get_data(as_text=True)
    assert client.post(f"/pledges/needs/{need.id}", data={"amount": "50000", "currency": "KGS", "method": "cash"}).status_code == 302
    pledge = db.session.scalar(db.select(Pledge))
    service.confirm_pledge(official, pledge)
    db.session.commit()
    db.session.refresh(project)
    assert project.status == ProjectStatus.FUNDED
    response = client.post(f"/pledges/needs/{need.id}", data={"amount": "10", "currency": "KGS", "method": "cash"})
    assert response.status_code == 409 and "fully funded" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 1
    engineer = next(n for n in project.needs if n.kind == NeedKind.SKILL)
    assert service.accepts_pledges(engineer)  # a funded project still needs people
    assert "Give money" not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "project.funded" in [e.action for e in db.session.scalars(db.select(AuditEvent))]


def test_confirmed_money_fills_the_diaspora_share_and_releases_a_conditional_match(client, published):
    official, project = published
    projects.remove_share(official, project, project.shares[0].id)  # replace the LSG share by a match
    projects.add_share(official, project, source="programme", planned=25_000_00, conditional=True,
                       condition="when the diaspora share is complete")
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    db.session.commit()
    need = funds_need(project)
    member = make_user()
    pledge = service.pledge_money(member, need, amount=50_000_00, currency="KGS", method="bank_transfer")
    service.confirm_pledge(official, pledge)
    db.session.commit()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    plan = page.split('id="plan-heading"')[1].split("</table>")[0]
    assert "KGS50,000" in plan and "Released" in plan
    pledge2_need_shortfall = 75_000_00 - 50_000_00  # the diaspora share is 75 000: not yet complete
    assert pledge2_need_shortfall > 0


def test_reject_needs_a_reason_and_the_member_sees_it(client, login_as, published):
    official, project = published
    member = make_user()
    pledge = service.pledge_money(member, funds_need(project), amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    login_as(official)
    assert client.post(f"/pledges/{pledge.id}/reject", data={"reason": ""}).status_code == 422
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.PENDING
    assert client.post(f"/pledges/{pledge.id}/reject", data={"reason": "Nothing arrived on the account"}).status_code == 302
    assert client.post(f"/pledges/{pledge.id}/confirm", data={}).status_code == 409  # only forward
    login_as(member)
    mine = client.get("/pledges/mine").get_data(as_text=True)
    assert "Rejected" in mine and "Nothing arrived on the account" in mine
    assert client.get(f"/pledges/{pledge.id}/receipt").status_code == 409


@pytest.mark.parametrize("who", ["visitor", "member", "pledger", "other_official", "moderator"])
def test_only_the_projects_officials_confirm_or_reject(client, login_as, published, who):
    _official, project = published
    pledger = make_user()
    pledge = service.pledge_money(pledger, funds_need(project), amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    users = {"member": make_user, "pledger": lambda: pledger, "other_official": make_official,
             "moderator": lambda: make_user(role=Role.MODERATOR)}
    if who in users:
        login_as(users[who]())
    responses = [client.post(f"/pledges/{pledge.id}/confirm", data={}),
                 client.post(f"/pledges/{pledge.id}/reject", data={"reason": "x"}),
                 client.get(f"/pledges/projects/{project.id}")]
    expected = 302 if who == "visitor" else 403
    assert [r.status_code for r in responses] == [expected] * 3
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.PENDING and pledge_events(pledge) == ["pledge.created"]


def test_member_withdraws_a_pending_pledge_but_not_someone_elses(client, login_as, published):
    _official, project = published
    owner = make_user()
    pledge = service.pledge_money(owner, funds_need(project), amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    login_as(make_user())
    assert client.post(f"/pledges/{pledge.id}/withdraw").status_code == 403
    login_as(owner)
    assert client.post(f"/pledges/{pledge.id}/withdraw").status_code == 302
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.WITHDRAWN


def test_goods_count_once_delivered(client, login_as):
    official = make_official()
    project = make_project(official, complete=True)
    projects.add_need(official, project, "in_kind", item="Cement M400", quantity=300, unit="bags")
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    db.session.commit()
    need = next(n for n in project.needs if n.kind == NeedKind.IN_KIND)
    login_as(make_user())
    assert client.post(f"/pledges/needs/{need.id}", data={"quantity": "301"}).status_code == 422
    assert client.post(f"/pledges/needs/{need.id}", data={"quantity": "40", "note": "By truck from Bishkek",
                                                          "anonymous": "y"}).status_code == 302
    pledge = db.session.scalar(db.select(Pledge))
    login_as(official)
    client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "Delivery note 7"})
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "40 of 300 bags pledged" in page and "anonymous" in page


def test_old_pending_pledges_expire_by_command(runner, published):
    _official, project = published
    need = funds_need(project)
    old = service.pledge_money(make_user(), need, amount=1_000_00, currency="KGS", method="cash")
    recent = service.pledge_money(make_user(), need, amount=2_000_00, currency="KGS", method="cash")
    old.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    result = runner.invoke(args=["pledges", "expire"])
    assert result.exit_code == 0 and "1 pending pledge(s) older than 30 days expired." in result.output
    db.session.refresh(old)
    db.session.refresh(recent)
    assert (old.status, recent.status) == (PledgeStatus.EXPIRED, PledgeStatus.PENDING)
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="pledge.expired"))
    assert event.actor_id is None and event.target_id == old.id


def test_pledges_only_on_public_projects(client, login_as):
    project = make_project(make_official(), submit=True)
    login_as(make_user())
    need = funds_need(project)
    assert client.post(f"/pledges/needs/{need.id}", data={"amount": "10", "currency": "KGS", "method": "cash"}).status_code == 404


def test_admin_sets_rates_others_cannot(client, login_as):
    login_as(make_user(role=Role.MODERATOR))
    assert client.post("/admin/rates", data={"currency": "USD", "rate": "87.45"}).status_code == 403
    login_as(make_user(role=Role.ADMIN))
    assert client.post("/admin/rates", data={"currency": "USD", "rate": "-1"}).status_code == 422
    assert client.post("/admin/rates", data={"currency": "USD", "rate": "87.45"}).status_code == 302
    assert "1 USD = 87.45 KGS" in client.get("/admin/rates").get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="rate.set")).data["rate"] == 87_450_000


def test_yearly_statements_for_the_member_and_the_lsg(client, login_as, published):
    official, project = published
    member = make_user()
    need = funds_need(project)
    for amount in (1_000_00, 2_500_00):
        pledge = service.pledge_money(member, need, amount=amount, currency="KGS", method="cash")
        service.confirm_pledge(official, pledge)
    service.pledge_money(member, need, amount=9_00, currency="KGS", method="cash")  # still pending
    db.session.commit()
    year = utcnow().year
    login_as(member)
    page = client.get(f"/pledges/statement?year={year}").get_data(as_text=True)
    assert "KGS3,500" in page and "KGS9" not in page
    assert "No confirmed contribution" in client.get(f"/pledges/statement?year={year - 1}").get_data(as_text=True)
    assert client.get(f"/pledges/lsgs/{project.lsg_id}/statement").status_code == 403
    login_as(official)
    lsg_page = client.get(f"/pledges/lsgs/{project.lsg_id}/statement?year={year}").get_data(as_text=True)
    assert project.title in lsg_page and "KGS3,500" in lsg_page


def test_officials_of_an_lsg_a_member_pledged_to_see_a_pledged_lsgs_profile(client, login_as, published):
    from tests.factories import make_profile

    official, project = published
    member = make_user(name="Asel Pledger")
    make_profile(member, visibility="pledged_lsgs", contact_phone="+7 900 000 00 00", contact_officials_ok=True)
    login_as(official)
    assert client.get(f"/members/{member.id}").status_code == 404  # no pledge yet
    service.pledge_money(member, funds_need(project), amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    page = client.get(f"/members/{member.id}")
    assert page.status_code == 200 and "+7 900 000 00 00" in page.get_data(as_text=True)
    login_as(make_official())  # an official of another LSG
    assert client.get(f"/members/{member.id}").status_code == 404


def test_officials_may_opt_in_to_money_beyond_the_target(client, login_as, published):
    official, project = published
    need = funds_need(project)
    login_as(make_user())
    too_much = {"amount": "60000", "currency": "KGS", "method": "cash"}
    assert client.post(f"/pledges/needs/{need.id}", data=too_much).status_code == 422
    login_as(official)
    assert client.post(f"/projects/{project.id}/overfunding", data={"allowed": "1"}).status_code == 302
    db.session.refresh(project)
    assert project.accepts_overfunding and project.status == ProjectStatus.PUBLISHED  # no review needed
    login_as(make_user())
    assert client.post(f"/pledges/needs/{need.id}", data=too_much).status_code == 302
    pledge = db.session.scalar(db.select(Pledge))
    service.confirm_pledge(official, pledge)
    db.session.commit()
    db.session.refresh(project)
    assert project.status == ProjectStatus.FUNDED
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Give money" in page and "Counted so far: <strong>KGS60,000</strong>" in page
    assert "project.overfunding_allowed" in [e.action for e in db.session.scalars(db.select(AuditEvent))]


def test_outsiders_cannot_allow_overfunding(client, login_as, published):
    _official, project = published
    login_as(make_official())
    assert client.post(f"/projects/{project.id}/overfunding", data={"allowed": "1"}).status_code == 403
    db.session.refresh(project)
    assert not project.accepts_overfunding


def test_a_refund_below_the_target_reopens_a_funded_project(published):
    """Regression: a full refund lowered the progress but left the project "funded"."""
    from app.models import Pledge as PledgeModel
    from app.models import PledgeKind, PledgeMethod

    _official, project = published
    need = funds_need(project)
    card = PledgeModel(need=need, project=project, member=make_user(), kind=PledgeKind.FUNDS,
                       method=PledgeMethod.CARD, amount=need.target_amount, currency="KGS",
                       converted_amount=need.target_amount, rate_micro=1_000_000, stripe_payment_intent="pi_test_1")
    db.session.add(card)
    db.session.flush()
    assert service.settle_card_payment(card, PledgeStatus.PAID, event_id="evt_1")
    assert project.status == ProjectStatus.FUNDED
    assert service.settle_card_payment(card, PledgeStatus.REFUNDED, event_id="evt_2")
    assert project.status == ProjectStatus.PUBLISHED
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).filter_by(target_type="projects"))]
    assert actions[-2:] == ["project.funded", "project.reopened"]


def test_a_pledge_decided_already_is_told_on_the_page_not_an_error_page(client, login_as, published):
    """Two officials answer the same pledge: the second one sees why on the list they were on."""
    official, project = published
    member = make_user()
    pledge = service.pledge_money(member, funds_need(project), amount=1_000_00, currency="KGS", method="cash")
    db.session.commit()
    login_as(official)
    assert client.post(f"/pledges/{pledge.id}/confirm", data={}).status_code == 302
    again = client.post(f"/pledges/{pledge.id}/reject", data={"reason": "Nothing arrived"})
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "This pledge has already been decided." in page and "<h1>Pledges to confirm</h1>" in page
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.CONFIRMED
