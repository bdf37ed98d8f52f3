"""The search journey in a real browser, as the issue's "done when" tells it: a member from Naryn
region searches "хирург", narrows by region and sector, sees the surgery week first with the
reasons it suits them, saves the search, and gets one email when a new matching project is
published (the worker sends it through a real SMTP server)."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.search_data import build_world, publish, settle


@pytest.fixture
def app_overrides(mailbox):
    return {"WTF_CSRF_ENABLED": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port}


def test_member_searches_narrows_saves_and_gets_an_alert(app, live_server, new_page, screenshot, mailbox):
    world = build_world()
    settle()  # the setup's own mails (officials told of their approval and publications) go first
    mailbox.reset()
    member = world.profiles["aibek"].user
    page = new_page(phone=True)
    log_in(page, live_server, member)

    page.goto(live_server + "/search/")
    page.locator("#q").fill("хирург")
    expect(page.locator("#suggestions")).to_contain_text("Хирургиялык жума")  # suggestions as you type
    screenshot(page, "1-suggestions")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator(".results [role=status]")).to_contain_text("2 projects found")

    page.get_by_role("link", name="Naryn Region").click()
    page.locator(".facet").get_by_role("link", name="Health").click()
    expect(page.locator(".results [role=status]")).to_contain_text("1 project found")
    assert "q=%D1%85%D0%B8%D1%80%D1%83%D1%80%D0%B3" in page.url and "region=" in page.url and "sector=" in page.url

    first = page.locator("article.result").first
    expect(first.locator("h2")).to_contain_text("Хирургиялык жума")
    expect(first.locator(".reasons")).to_contain_text("needs your verified skill: Surgeon")
    expect(first.locator(".reasons")).to_contain_text("in your home village, At-Bashy ayil aymak")
    expect(first.locator("mark").first).to_be_visible()
    screenshot(page, "2-narrowed")

    page.locator("#name").fill("Surgery in Naryn")
    page.get_by_role("button", name="Save this search and get alerts").click()
    expect(page.locator(".flash-success")).to_contain_text("Surgery in Naryn")
    screenshot(page, "3-saved")

    official = world.officials["surgery"]
    publish(official, official.memberships[0].lsg, moderator=world.moderator,
            title="Хирургиялык жума 2028: Ат-Башы", summary="Хирурги керек; операциялар бекер.", sector="health")
    settle()
    # One alert to the member; the official is told of the publication (a notification mail).
    assert sorted(m["To"] for m in mailbox.messages) == sorted([member.email, official.email])
    [alert] = [m for m in mailbox.messages if m["To"] == member.email]
    assert "Surgery in Naryn" in alert["Subject"]
    assert "Хирургиялык жума 2028" in alert.get_content()
