"""Private messages on a 360×740 phone in Kyrgyz: a member who pledged writes to the LSG from the
project page (a first try without words fails next to the field), shares her phone; an official
answers from the incoming pledges page and sees the phone; the member reports the thread and a
moderator reads it from the reported list. No page overflows sideways or has a critical or serious
axe-core violation; after the failed submit the first error is in view."""
from playwright.sync_api import expect

from app.extensions import db
from app.models import NeedKind, Role
from app.services import pledges
from tests.e2e.conftest import log_in, open_menu
from tests.e2e.phone import Checks
from tests.factories import make_lsg, make_official, make_profile, make_project, make_user


def messages_journey(checks, phone, base):
    lsg = make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү")
    official = make_official(lsg, name="Нурлан Асанов", locale="ky")
    project = make_project(official, lsg, title="Ат-Башы көпүрөсү", publish=True)
    need = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    member = make_user(name="Айгүл Токтогулова", locale="ky")
    make_profile(member, contact_phone="+996 555 123 456", visibility="private")
    pledges.pledge_money(member, need, amount=5_000_00, currency="KGS", method="bank_transfer", reference="KICB 1")
    moderator = make_user(role=Role.MODERATOR, name="Модератор", locale="ky")
    db.session.commit()

    page = phone()
    log_in(page, base, member)
    page.goto(f"{base}/projects/{project.id}")
    page.locator(f"a[href='/messages/to-lsg/{lsg.id}']").click()
    checks.look(page, "new-message")
    page.locator("main form button[type=submit]").click()  # no words
    expect(page.locator(".field-error")).to_be_visible()
    checks.failed_submit(page, "new-message-empty")
    page.locator("#body").fill("Иш качан башталат? https://example.kg/plan")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message-body")).to_contain_text("Иш качан башталат?")
    checks.look(page, "thread-member")
    page.locator("#share_phone").check()
    page.locator("form[action$='/consent'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = phone()
    log_in(page, base, official)
    page.goto(f"{base}/pledges/projects/{project.id}")
    page.locator(f"a[href='/messages/lsg/{lsg.id}/to/{member.id}']").click()
    expect(page.locator(".message-contacts")).to_contain_text("+996 555 123 456")
    checks.look(page, "thread-official")
    page.locator("#body").fill("Май айында. Рахмат!")
    page.locator("form:has(#body) button[type=submit]").click()
    expect(page.locator(".message-body").last).to_contain_text("Май айында")
    open_menu(page).locator("a[href='/messages/']").click()
    checks.look(page, "inbox-official")

    page = phone()
    log_in(page, base, member)
    page.goto(f"{base}/messages/")
    checks.look(page, "inbox-member")
    page.locator("main a[href^='/messages/']").first.click()
    page.locator("details.card summary").click()
    page.locator("form[action$='/report'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = phone()
    log_in(page, base, moderator)
    page.goto(f"{base}/messages/reported")
    checks.look(page, "reported")
    page.locator("main li a[href^='/messages/']").first.click()
    expect(page.locator(".message-body").first).to_contain_text("Иш качан башталат?")
    checks.look(page, "thread-moderator")


def test_messages_at_360px_have_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-messages", "overflow", "shots")
    messages_journey(checks, phone, live_server)
    checks.assert_clean()


def test_messages_at_360px_have_no_serious_axe_violations_and_errors_are_in_view(live_server, phone):
    checks = Checks("phone-messages", "axe", "errors")
    messages_journey(checks, phone, live_server)
    checks.assert_clean()
