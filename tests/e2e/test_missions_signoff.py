"""The ministry's sign-off on a 360×740 phone in Kyrgyz (issue 13, section 1): the ministry's member
opens the queue, reviews the checklist with its photo, sends an item back without a reason (the
error is next to the field, in view), then with one; the officials change it and send the checklist
again; the member signs the site ready and the project page names the ministry. No page overflows
sideways or has a critical or serious axe-core violation."""
from playwright.sync_api import expect

from app.extensions import db
from app.models import ChecklistItem, ChecklistPhoto, ItemStatus, Mission, SignoffStatus
from app.services.missions.signoff import request_signoff
from app.uploads import store_image
from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.factories import jpeg_upload
from tests.missions_world import surgery_mission


def signoff_journey(checks, phone, base):
    world = surgery_mission()
    mission = world.mission
    mission.facility_name = "Ат-Башы райондук ооруканасы"
    stored = store_image(jpeg_upload(), responsive=True)
    item = mission.items[0]
    item.status, item.note = ItemStatus.READY, "Операция бөлмөсү жаңыланды"
    item.photos.append(ChecklistPhoto(filename=stored.name, width=stored.width, height=stored.height))
    request_signoff(world.official, mission)
    world.ministry_member.locale = "ky"  # reads Birge in Kyrgyz
    db.session.commit()

    page = phone()
    log_in(page, base, world.ministry_member)
    page.goto(f"{base}/moderation/missions")
    page.locator(f"a[href='/moderation/missions/{mission.id}']").click()
    expect(page.locator(f"#item-{item.id} img")).to_be_visible()
    checks.look(page, "review")

    second = mission.items[1]
    block = page.locator(f"#item-{second.id}")
    block.locator("summary").click()
    block.locator("button[type=submit]").click()
    expect(page.locator(f"#item-{second.id}-reason-error")).to_be_visible()
    checks.failed_submit(page, "send-back-no-reason")
    page.locator(f"#item-{second.id}-reason").fill("Стерилизатордун сүрөтү жок")
    page.locator(f"#item-{second.id} button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    checks.look(page, "sent-back")

    db.session.expire_all()
    changed = db.session.get(ChecklistItem, second.id)  # the officials change it (the plan part's page)
    changed.status, changed.sent_back_at = ItemStatus.READY, None
    request_signoff(world.official, db.session.get(Mission, mission.id))
    db.session.commit()

    page.goto(f"{base}/moderation/missions/{mission.id}")
    page.locator("#reason").fill("Операция бөлмөсү жана стерилдештирүү сүрөттөрдө көрүндү")
    page.locator("form[action$='/sign'] button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Mission, mission.id).signoff_status == SignoffStatus.SIGNED
    page.goto(f"{base}/projects/{world.project.id}")
    expect(page.locator(".signoff-signed")).to_contain_text("Саламаттык сактоо министрлиги")
    checks.look(page, "project")


def test_the_signoff_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-missions-signoff", "overflow", "shots")
    signoff_journey(checks, phone, live_server)
    checks.assert_clean()


def test_the_signoff_at_360px_has_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-missions-signoff", "axe", "errors")
    signoff_journey(checks, phone, live_server)
    checks.assert_clean()
