"""Paying a pledge by card in a real browser. The page loads localstripe's Stripe.js stand-in (the
Stripe.js address is configuration), whose card element is plain inputs and whose 3-D Secure is a
small modal; localstripe then delivers the signed webhook that alone makes the pledge paid."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import make_official, make_project, make_user
from tests.stripe_server import localstripe  # noqa: F401  (the session's localstripe server)


@pytest.fixture
def app_overrides(localstripe):  # noqa: F811
    return {"WTF_CSRF_ENABLED": True, **localstripe.app_config()}


@pytest.fixture
def stripe_webhook(live_server, localstripe):  # noqa: F811
    localstripe.register_webhook(live_server + "/webhooks/stripe")



def fill_card(page, number):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("72000")


@pytest.mark.parametrize("card_number, three_d_secure", [
    ("4242424242424242", False),
    ("4000002500003155", True),  # the bank asks for 3-D Secure: confirmCardPayment shows it
], ids=["card", "3ds"])
def test_member_pays_by_card_and_the_webhook_makes_it_count(live_server, stripe_webhook, new_page, screenshot,
                                                            card_number, three_d_secure):
    project = make_project(make_official(), publish=True, budget=100_000_00)  # funds need: 50 000 som
    member = make_user(name="Nurlan Abdykadyrov")

    page = new_page()
    log_in(page, live_server, member)
    page.goto(f"{live_server}/projects/{project.id}")
    expect(page.get_by_text("KGS0 of KGS50,000 confirmed")).to_be_visible()
    page.get_by_role("link", name="Give money").click()
    page.get_by_role("link", name="Pay by card instead").click()
    page.get_by_label("Amount").fill("2500")
    fill_card(page, card_number)
    screenshot(page, "1-card-form")
    page.get_by_role("button", name="Pay by card").click()
    if three_d_secure:
        page.get_by_role("button", name="Complete authentication").click()

    expect(page.get_by_text("the pledge becomes paid when Stripe confirms it")).to_be_visible()
    # The page refreshes itself until localstripe's signed webhook has reached Birge.
    expect(page.locator("#pledge-status")).to_have_text("Paid", timeout=20000)
    screenshot(page, "2-paid")

    page.locator("main").get_by_role("link", name="My contributions").click()
    expect(page.locator("table .pledge-paid")).to_have_text("Paid")
    expect(page.locator("table")).to_contain_text("KGS2,500")
    page.goto(f"{live_server}/projects/{project.id}")
    expect(page.get_by_text("KGS2,500 of KGS50,000 confirmed")).to_be_visible()
    screenshot(page, "3-project-counts-it")


def test_declined_card_is_said_on_the_page_and_nothing_counts(live_server, stripe_webhook, new_page, screenshot):
    project = make_project(make_official(), publish=True, budget=100_000_00)
    member = make_user()

    page = new_page(phone=True)
    log_in(page, live_server, member)
    page.goto(f"{live_server}/pay/needs/{project.needs[0].id}")
    page.get_by_label("Amount").fill("1000")
    fill_card(page, "4000000000000341")  # attaches, then the charge is declined
    page.get_by_role("button", name="Pay by card").click()
    expect(page.locator("#card-errors")).to_have_text("Your card was declined.")
    screenshot(page, "declined")
    # "My contributions" shows the pledge failed once localstripe's webhook arrived (reload to see it).
    page.goto(f"{live_server}/pledges/mine")
    for _ in range(40):
        if page.locator("table .pledge-failed").count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.locator("table .pledge-failed")).to_have_count(1)
    page.goto(f"{live_server}/projects/{project.id}")
    expect(page.get_by_text("KGS0 of KGS50,000 confirmed")).to_be_visible()
