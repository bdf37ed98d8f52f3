"""Issue 13, sections 3 and 5 in the browser: on a 360 px phone an official records the patients
waiting (a count refused first, next to its field), the project page shows "120 patients screened,
40 waiting", and after the week's first day the official reports 35 operations. Every page is
checked for sideways overflow and critical or serious axe-core violations."""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.missions_world import surgery_mission


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_an_official_counts_the_patients_and_reports_on_a_phone(live_server, phone, clock):
    world = surgery_mission()
    project = world.project.id
    checks = Checks("missions-patients", "overflow", "axe", "errors", "shots")
    page = phone(locale="en")
    log_in(page, live_server, world.official)

    page.goto(f"{live_server}/projects/{project}/mission/patients")
    checks.look(page, "patients-empty")
    page.locator("#screened").fill("120")
    page.locator("#ready").fill("100")
    page.locator("#more_tests").fill("30")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#ready-error")).to_be_visible()
    checks.failed_submit(page, "patients-refused")
    page.locator("#ready").fill("40")
    page.locator("#more_tests").fill("30")
    page.locator("#not_suitable").fill("50")
    page.locator("#waiting_hernia_repair").fill("25")
    page.locator("#waiting_cataract_surgery").fill("15")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("table.patient-counts tbody tr")).to_have_count(1)
    checks.look(page, "patients-counted")

    page.goto(f"{live_server}/projects/{project}")
    expect(page.locator(".mission-patients")).to_contain_text("120 patients screened, 40 waiting for surgery")
    checks.look(page, "project-with-count")

    page.goto(f"{live_server}/projects/{project}/mission/report")
    expect(page.locator("main")).to_contain_text("first day")
    checks.look(page, "report-too-early")
    clock.set(datetime.combine(world.mission.starts_on + timedelta(days=3), datetime.min.time()))
    page.goto(f"{live_server}/projects/{project}/mission/report")
    page.locator("#performed_hernia_repair").fill("-1")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#performed_hernia_repair-error")).to_be_visible()
    checks.failed_submit(page, "report-refused")
    page.locator("#performed_hernia_repair").fill("25")
    page.locator("#performed_cataract_surgery").fill("10")
    page.locator("#patients_seen").fill("60")
    page.locator("#follow_up").fill("Check-ups at the health post in a month.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".mission-patients")).to_contain_text("120 patients screened, 5 waiting for surgery")
    expect(page.locator(".mission-patients")).to_contain_text("35 operations performed, 60 patients seen")
    checks.look(page, "project-after-report")
    checks.assert_clean()
