"""Permission to practise on a 360×740 phone in Kyrgyz (issue 13, section 2): the official opens the
mission's volunteers, requests a surgeon's permission; the health ministry's member opens the
request, sends it without a reason (the error is in view), then grants it; the official confirms the
surgeon for the dates, who sees both on the project page. No page overflows sideways or has a
critical or serious axe-core violation."""
from playwright.sync_api import expect

from app.extensions import db
from app.models import MissionVolunteer, PermitStatus
from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.missions_world import surgery_mission


def permits_journey(checks, phone, base):
    world = surgery_mission(surgeons=1)
    volunteer = db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=world.offers[0].id))

    page = phone()
    log_in(page, base, world.official)
    page.goto(f"{base}/projects/{world.project.id}/mission/volunteers")
    expect(page.locator("main")).to_contain_text("Dr Surgeon 1")
    checks.look(page, "volunteers")
    page.locator(f"form[action$='/volunteers/{volunteer.id}/permit'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    checks.look(page, "requested")

    page = phone()
    log_in(page, base, world.ministry_member)
    page.goto(f"{base}/moderation/permits")
    checks.look(page, "queue")
    page.locator(f"a[href='/moderation/permits/{volunteer.id}']").click()
    checks.look(page, "decide")
    page.locator("button[name=grant], input[name=grant]").click()
    expect(page.locator(".field-error, .form-errors").first).to_be_visible()
    checks.failed_submit(page, "decide-without-reason")
    page.locator("#reason").fill("Лицензия жарактуу")
    page.locator("button[name=grant], input[name=grant]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(MissionVolunteer, volunteer.id).permit_status == PermitStatus.GRANTED

    page = phone()
    log_in(page, base, world.official)
    page.goto(f"{base}/projects/{world.project.id}/mission/volunteers")
    page.locator(f"form[action$='/volunteers/{volunteer.id}/confirm'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    checks.look(page, "confirmed")

    page = phone()
    log_in(page, base, world.surgeons[0])
    page.goto(f"{base}/projects/{world.project.id}")
    expect(page.locator(".mission-my-permit")).to_be_visible()
    checks.look(page, "project")


def test_permits_at_360px_have_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-missions-permits", "overflow", "shots")
    permits_journey(checks, phone, live_server)
    checks.assert_clean()


def test_permits_at_360px_have_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-missions-permits", "axe", "errors")
    permits_journey(checks, phone, live_server)
    checks.assert_clean()
