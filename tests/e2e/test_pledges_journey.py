"""The pledges journey in a real browser, as the issue's "done when" tells it: a member fills a
profile (a surgeon from At-Bashy living in Moscow) and uploads a licence; a moderator verifies it;
the member offers a surgery-week place and the official accepts; the member pays 5,000 KGS by card
(localstripe) and records a 100 USD bank transfer; the official confirms the transfer; the project
page's progress and ledger show both; the receipt prints."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from app.models import Municipality, Role, Skill
from app.services import pledges, projects
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import make_lsg, make_official, make_project, make_user
from tests.stripe_server import localstripe  # noqa: F401



@pytest.fixture
def app_overrides(localstripe):  # noqa: F811
    return {"WTF_CSRF_ENABLED": True, **localstripe.app_config()}


def licence_scan():
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (235, 235, 220)).save(buffer, "JPEG")
    return buffer.getvalue()



def surgery_week(official):
    project = make_project(official, title="Surgery week in At-Bashy", budget=1_000_000_00)
    surgeon = db.session.scalar(db.select(Skill).filter_by(code="surgeon"))
    start = project.starts_on + timedelta(days=30)
    projects.add_need(official, project, "skill", skill=surgeon, slots=3, starts_on=start,
                      ends_on=start + timedelta(days=6), on_site=True, verified_required=True)
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="Ministry letter attached")
    pledges.set_rate(make_user(role=Role.ADMIN), "USD", Decimal("87.45"))
    db.session.commit()
    return project


def test_surgeon_from_at_bashy_gives_time_card_money_and_a_transfer(live_server, localstripe, new_page,  # noqa: F811
                                                                     screenshot):
    localstripe.register_webhook(live_server + "/webhooks/stripe")
    official = make_official(make_lsg("KG-N-ATB-01", "At-Bashy ayil okmotu"))
    project = surgery_week(official)
    moderator = make_user(role=Role.MODERATOR, email="moderator@example.kg")
    member = make_user(name="Dr Aibek Jumabekov", email="aibek@example.kg")

    me = new_page(phone=True)
    log_in(me, live_server, member)
    me.goto(live_server + "/members/me")
    me.locator("#country").select_option("RU")
    me.locator("#city").fill("Moscow")
    at_bashy = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-01"))
    me.locator("#home_municipality").select_option(str(at_bashy.id))
    me.get_by_label("Who may see your profile").select_option("public")
    me.get_by_role("button", name="Save my profile").click()
    expect(me.locator(".flash-success")).to_be_visible()
    me.locator("#skill-skill").select_option(label="Surgeon")
    me.get_by_role("button", name="Add skill").click()
    me.locator("input[type=file]").first.set_input_files(
        {"name": "licence.jpg", "mimeType": "image/jpeg", "buffer": licence_scan()})
    me.get_by_role("button", name="Send for checking").click()
    expect(me.locator(".flash-success")).to_be_visible()
    screenshot(me, "1-profile")

    desk = new_page()
    log_in(desk, live_server, moderator)
    desk.goto(live_server + "/moderation/credentials")
    expect(desk.locator("main table")).to_contain_text("Dr Aibek Jumabekov")
    desk.get_by_role("link", name="Review", exact=True).click()
    desk.locator("#reason").fill("Licence checked in the registry")
    desk.get_by_role("button", name="Verify").click()
    expect(desk.get_by_text("Decision saved.")).to_be_visible()

    me.goto(f"{live_server}/projects/{project.id}")
    surgeons = me.locator(".need", has=me.get_by_role("heading", name="Surgeon"))
    surgeons.get_by_role("link", name="Offer my time").click()
    me.get_by_role("button", name="Send my offer").click()
    expect(me.get_by_text("Your offer is sent")).to_be_visible()

    office = new_page()
    log_in(office, live_server, official)
    office.goto(f"{live_server}/pledges/projects/{project.id}")
    office.get_by_role("button", name="Accept: give them a place").click()
    expect(office.get_by_text("Accepted: the place is theirs.")).to_be_visible()

    me.goto(f"{live_server}/projects/{project.id}")
    me.get_by_role("link", name="Give money").click()
    me.get_by_role("link", name="Pay by card instead").click()
    me.get_by_label("Amount").fill("5000")
    card = me.locator("#card-element")
    for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"),
                               ("cvc", "123"), ("postal_code", "72000")):
        card.locator(f"input[placeholder={placeholder}]").fill(value)
    me.get_by_role("button", name="Pay by card").click()
    expect(me.locator("#pledge-status")).to_have_text("Paid", timeout=20000)

    me.goto(f"{live_server}/projects/{project.id}")
    me.get_by_role("link", name="Give money").click()
    me.get_by_label("Amount").fill("100")
    me.get_by_label("Currency").select_option("USD")
    me.get_by_label("How you pay").select_option("bank_transfer")
    me.get_by_label("Payment reference", exact=False).fill("Sberbank 7712")
    me.get_by_role("button", name="Record my pledge").click()
    expect(me.get_by_text("Your pledge is recorded.")).to_be_visible()

    office.goto(f"{live_server}/pledges/projects/{project.id}")
    office.get_by_role("button", name="Confirm: it arrived").click()
    expect(office.get_by_text("Confirmed: it now counts on the project page.")).to_be_visible()

    visitor = new_page(phone=True)
    visitor.goto(f"{live_server}/projects/{project.id}")
    # 5 000 som by card + 100 USD at 87.45 = 13 745 som confirmed; 1 of 3 surgeons' places taken.
    expect(visitor.get_by_text("KGS13,745 of KGS500,000 confirmed")).to_be_visible()
    expect(visitor.get_by_text("1 of 3 places filled")).to_be_visible()
    ledger = visitor.locator("table.ledger")
    expect(ledger).to_contain_text("KGS5,000")
    expect(ledger).to_contain_text("$100 (KGS8,745)")
    expect(ledger).to_contain_text("Paid")
    expect(ledger).to_contain_text("Confirmed")
    screenshot(visitor, "2-project-page")

    me.goto(live_server + "/pledges/mine")
    me.get_by_role("link", name="Pledge receipt").first.click()
    expect(me.get_by_role("heading", name="Pledge receipt", exact=False)).to_be_visible()
    me.emulate_media(media="print")
    expect(me.locator(".site-header")).to_be_hidden()
    screenshot(me, "3-receipt-print")
    me.pdf(path=str(ARTIFACTS / "pledges-journey-receipt.pdf"))  # the receipt as it prints
