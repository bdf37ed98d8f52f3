"""After a surgery week, on a 360×740 phone in Kyrgyz (issue 13, section 5): the official records the
surgeon's hours (a first try beyond 24 a day is refused next to the field); the project shows the
hours' value beside the money; once the week has ended the surgeon opens the certificate, prints it
and downloads the PDF; a visitor checks its code at the public URL and a wrong code is told so. No
page overflows sideways or has a critical or serious axe-core violation."""
from datetime import datetime, time, timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import MissionVolunteer
from app.services.missions.certificates import formatted_code
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.phone import Checks
from tests.missions_world import surgery_mission


def certificates_journey(checks, phone, base, clock):
    world = surgery_mission(surgeons=1)
    world.official.locale = world.surgeons[0].locale = "ky"
    db.session.commit()
    mission, volunteer = world.mission, world.mission.volunteers[0]
    clock.set(datetime.combine(mission.starts_on + timedelta(days=1), time(12)))

    page = phone()
    log_in(page, base, world.official)
    page.goto(f"{base}/projects/{world.project.id}/mission/hours")
    checks.look(page, "hours")
    field = page.locator(f"#hours_{volunteer.id}")
    field.fill("1000")
    page.locator("form.hours-form button[type=submit]").click()
    expect(page.locator(".field-error")).to_be_visible()
    checks.failed_submit(page, "hours-too-many")
    page.locator(f"#hours_{volunteer.id}").fill("56")
    page.locator("form.hours-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"{base}/projects/{world.project.id}")
    expect(page.locator("#volunteer-work")).to_contain_text("56")
    checks.look(page, "project-beside-money")

    clock.set(datetime.combine(mission.ends_on + timedelta(days=2), time(12)))
    page = phone()
    log_in(page, base, world.surgeons[0])
    page.goto(f"{base}/projects/{world.project.id}")
    page.locator(f"a[href='/missions/volunteers/{volunteer.id}/certificate']").click()
    expect(page.locator(".certificate")).to_contain_text("Dr Surgeon 1")
    db.session.expire_all()
    code = formatted_code(db.session.get(MissionVolunteer, volunteer.id).certificate_code)
    expect(page.locator(".certificate-code")).to_contain_text(code)
    checks.look(page, "certificate")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".certificate-actions")).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "certificate-print-360.png"), full_page=True)
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator(f"a[href='/missions/volunteers/{volunteer.id}/certificate.pdf']").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page = phone()  # a visitor
    page.goto(f"{base}/certificates")
    checks.look(page, "find")
    page.locator("#code").fill("ABCD EFGH JKMN")
    page.locator("form.certificate-find button[type=submit]").click()
    expect(page.locator(".field-error")).to_be_visible()
    checks.failed_submit(page, "find-wrong")
    page.locator("#code").fill(code.lower().replace("-", " "))
    page.locator("form.certificate-find button[type=submit]").click()
    expect(page.locator(".notice-success")).to_contain_text(code)
    expect(page.locator(".certificate-facts")).to_contain_text("Dr Surgeon 1")
    checks.look(page, "verified")


def test_certificates_at_360px_have_no_horizontal_overflow(live_server, phone, clock):
    checks = Checks("phone-mission-certificates", "overflow", "shots")
    certificates_journey(checks, phone, live_server, clock)
    checks.assert_clean()


def test_certificates_at_360px_have_no_serious_axe_violations(live_server, phone, clock):
    checks = Checks("phone-mission-certificates", "axe", "errors")
    certificates_journey(checks, phone, live_server, clock)
    checks.assert_clean()
