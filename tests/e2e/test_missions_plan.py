"""The mission plan on a 360×740 phone in Kyrgyz: the official opens the mission page from the
project's page, fails once to save an item asked for as goods without choosing the need (the
error is in view, next to the field), saves it with a photo, writes the plan, and the public project page shows the item's
photo and the readiness. No page overflows sideways or has a critical or serious axe violation."""
from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.factories import jpeg_upload
from tests.missions_world import surgery_mission


def plan_journey(checks, phone, base, tmp_path):
    world = surgery_mission()
    world.official.locale = "ky"
    db.session.commit()
    photo = tmp_path / "room.jpg"
    photo.write_bytes(jpeg_upload(seed=7).read())
    project, mission = world.project, world.mission

    page = phone()
    log_in(page, base, world.official)
    page.goto(f"{base}/projects/{project.id}/manage")
    page.locator(f"a[href='/projects/{project.id}/mission']").click()
    expect(page.locator("#checklist")).to_be_visible()
    checks.look(page, "mission-manage")

    item = mission.items[0]
    page.locator(f"#item-{item.id} a.button").click()
    checks.look(page, "item")
    page.locator("#status").select_option("ready")
    page.locator("#provider").select_option("in_kind_need")  # and no in-kind need chosen
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    checks.failed_submit(page, "item-no-need")
    page.locator("#provider").select_option("facility")
    page.locator("#note").fill("Эки стол, жарык текшерилди")
    page.locator("#photos").set_input_files(str(photo))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#item-{item.id} img")).to_have_count(1)
    checks.look(page, "mission-manage-after")

    page.goto(f"{base}/projects/{project.id}/mission/plan")
    checks.look(page, "plan")
    page.locator("#facility_name").fill("Ат-Башы райондук ооруканасы")
    page.locator("#lat").fill("41.17")
    page.locator("#lon").fill("75.80")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = phone()
    page.goto(f"{base}/projects/{project.id}")
    expect(page.locator(".mission-plan")).to_contain_text("Ат-Башы райондук ооруканасы")
    expect(page.locator(".mission-plan .checklist-photos img")).to_have_count(1)
    checks.look(page, "project-page")


def test_mission_plan_at_360px_has_no_horizontal_overflow(live_server, phone, tmp_path):
    checks = Checks("phone-mission-plan", "overflow", "shots")
    plan_journey(checks, phone, live_server, tmp_path)
    checks.assert_clean()


def test_mission_plan_at_360px_has_no_serious_axe_violations_and_errors_are_in_view(live_server, phone, tmp_path):
    checks = Checks("phone-mission-plan", "axe", "errors")
    plan_journey(checks, phone, live_server, tmp_path)
    checks.assert_clean()
