"""The dialogue journeys of issue 11 in a real browser (chromium), on SQLite and PostgreSQL:

1. a member pledges; the official sees the new pledge in the bell and confirms it; the member gets
   the confirmation in the bell and by mail, in their language;
2. a visitor follows a village; a project there posts an update; the weekly digest arrives,
   grouped by project;
3. a member asks the ministry a question; a ministry member answers it; the answer shows on the
   project page and the answer time on the ministry's page.

The worker is the real one (``drain``, run by the test where a deployment runs ``flask worker``);
mail goes to the real SMTP server of tests/mailbox.py; time moves with the ``clock`` fixture."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import NeedKind, Role
from app.services import ministries, notifications
from app.worker import drain
from tests.e2e.conftest import log_in
from tests.factories import make_lsg, make_official, make_project, make_user


@pytest.fixture
def app_overrides(mailbox):
    return {"WTF_CSRF_ENABLED": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port}


def _bell(page):
    return page.locator("a.bell")


def test_an_official_sees_a_new_pledge_in_the_bell_and_the_member_hears_it_was_confirmed(
        live_server, new_page, mailbox, screenshot):
    lsg = make_lsg("KG-N-ATB-01", "At-Bashy ayil okmotu")
    official = make_official(lsg, name="Nurlan Asanov")
    project = make_project(official, lsg, title="Bridge over the Naryn river", publish=True)
    member = make_user(name="Aigul Toktogulova", email="aigul@example.kg", locale="ru")
    notifications.mark_read(official)  # what setting the project up told them, read before today
    db.session.commit()

    me = new_page(phone=True, locale="ru-RU")
    log_in(me, live_server, member)
    funds = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    me.goto(f"{live_server}/pledges/needs/{funds.id}")
    me.locator("#amount").fill("5000")
    me.locator("#method").select_option("bank_transfer")
    me.locator("main form button[type=submit]").click()
    expect(me.locator(".flash-success")).to_be_visible()

    office = new_page(phone=True)
    log_in(office, live_server, official)
    expect(_bell(office).locator(".bell-count")).to_have_text(re.compile(r"^1"))
    _bell(office).click()
    expect(office.locator("main")).to_contain_text("New pledge of KGS5,000 to “Bridge over the Naryn river” "
                                                   "from Aigul Toktogulova.")
    screenshot(office, "1-official-bell")
    office.get_by_role("button", name=re.compile("New pledge of KGS5,000")).click()
    expect(office).to_have_url(re.compile(rf"/pledges/projects/{project.id}$"))
    office.get_by_role("button", name="Confirm: it arrived").click()
    expect(office.get_by_text("Confirmed: it now counts on the project page.")).to_be_visible()
    expect(_bell(office).locator(".bell-count")).to_have_count(0)  # the one it opened is read

    drain()  # the worker: what the requests queued goes out now, never from inside a request
    to_member = [m for m in mailbox.messages if m["To"] == member.email]
    assert len(to_member) == 1
    assert "подтверждён" in to_member[0]["Subject"]
    assert to_member[0]["List-Unsubscribe"]
    me.reload()
    expect(_bell(me).locator(".bell-count")).to_have_text(re.compile(r"^1"))
    _bell(me).click()
    expect(me.locator("main")).to_contain_text("Ваш взнос")
    screenshot(me, "2-member-bell")


def test_a_member_asks_the_ministry_and_a_ministry_member_answers_on_time(live_server, new_page, mailbox, clock,
                                                                           screenshot):
    official = make_official(make_lsg("KG-N-ATB-01", "At-Bashy ayil okmotu"))
    project = make_project(official, title="Bridge over the Naryn river", publish=True)
    admin = make_user(role=Role.ADMIN)
    engineer = make_user(name="Kanat Ministry Engineer", email="kanat@mintrans.kg")
    ministry = ministries.save_ministry(admin, name_ky="Транспорт министрлиги", name_ru="Министерство транспорта",
                                        name_en="Ministry of Transport", sector_ids=[project.sector_id])
    ministries.add_member(admin, ministry, engineer.email)
    member = make_user(name="Aigul Toktogulova", email="aigul@example.kg")
    db.session.commit()
    drain()  # what setting the project up queued (the official's mails) goes out before the journey
    mailbox.reset()

    me = new_page(phone=True)
    log_in(me, live_server, member)
    me.goto(f"{live_server}/projects/{project.id}#questions")
    me.locator("#to").select_option(label="Ministry of Transport")
    me.locator("#body").fill("Will the bridge carry a loaded truck of **20 tonnes**?")
    me.get_by_role("button", name="Ask publicly").click()
    questions = me.locator("#questions")
    expect(questions).to_contain_text("Will the bridge carry a loaded truck of 20 tonnes?")
    expect(questions).to_contain_text("Aigul Toktogulova → Ministry of Transport")
    screenshot(me, "1-asked")

    clock.advance(hours=5)
    ministry_desk = new_page()
    log_in(ministry_desk, live_server, engineer)
    expect(_bell(ministry_desk).locator(".bell-count")).to_have_text(re.compile(r"^1"))
    _bell(ministry_desk).click()
    ministry_desk.get_by_role("button", name=re.compile("New question on “Bridge over the Naryn river”")).click()
    ministry_desk.locator("#questions").get_by_role("link", name="Answer").click()
    ministry_desk.locator("#body").fill("Yes: the design is checked for 30 tonnes (SNiP 2.05.03).")
    ministry_desk.get_by_role("button", name="Publish the answer").click()

    visitor = new_page(phone=True)
    visitor.goto(f"{live_server}/projects/{project.id}")
    answer = visitor.locator("#questions .answer")
    expect(answer).to_contain_text("Yes: the design is checked for 30 tonnes")
    expect(answer).to_contain_text("Kanat Ministry Engineer, Ministry of Transport")
    screenshot(visitor, "2-answered")

    visitor.goto(f"{live_server}/ministries/{ministry.id}")
    record = visitor.locator(".answer-record")
    expect(record).to_contain_text("Answer rate: 100% (1 of 1 questions due)")
    expect(record).to_contain_text("Median time to answer: 5 hours")
    screenshot(visitor, "3-ministry-record")

    drain()
    to_member = [m for m in mailbox.messages if m["To"] == member.email]
    assert [m["Subject"] for m in to_member] == ["Your question on “Bridge over the Naryn river” was answered."]
