"""Issue 13's "Done when", tried in chromium on a 360×740 phone as new users would, through the pages:
an official turns a published surgery week into a mission, writes its plan and fills the checklist
with two photos and sends it to the ministry; the Ministry of Health's member sends one item back,
the official changes it and sends it again, the member signs the site ready; the official requests
the surgeon's permission to practise, the ministry grants it, the official confirms the surgeon; the
surgeon opens the itinerary, gives the flight and downloads the .ics; the facility records 120
screened / 40 waiting; after the week (the app's clock moved) the official reports 35 operations and
records the hours; the surgeon downloads the certificate whose code a visitor verifies at its public
URL; the project shows the hours' value beside the money. Only the starting world (the LSG, the
project, the ministry, the verified surgeon and the accepted offer) is built through services.
Every page is looked at for sideways overflow (with screenshots at 360 and 1280 px) in one test and
for critical or serious axe-core violations in the other."""
import re
from datetime import date, datetime, time, timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import Mission, MissionVolunteer, PermitStatus, Role, Sector
from app.services import pledges, projects
from app.services.missions.certificates import formatted_code
from app.services.reference import seed_reference_data
from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.factories import jpeg_upload, make_official, make_project, make_user
from tests.missions_world import _skill, health_ministry, verified_member

FIRST_DAY, LAST_DAY = date(2027, 5, 1), date(2027, 5, 7)
TITLE = "Surgery week at the At-Bashy hospital"


def starting_world():
    """Before the journey: a published project with a surgeon need, the health ministry with its
    moderator, a verified surgeon whose offer of the week is accepted. No mission yet."""
    # A committing test before this one may have emptied the mission kinds (tests/conftest.py
    # empty_database keeps only REFERENCE_TABLES): put the seeded vocabularies back.
    seed_reference_data()
    official = make_official(name="Official Asel")
    project = make_project(official, complete=True, title=TITLE)
    project.sector_id = db.session.scalar(db.select(Sector.id).filter_by(code="health"))
    projects.add_need(official, project, "skill", skill=_skill("surgeon"), slots=3, starts_on=FIRST_DAY,
                      ends_on=LAST_DAY, on_site=True, verified_required=True)
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    need = next(n for n in project.needs if n.skill and n.skill.code == "surgeon")
    ministry, member = health_ministry(make_user(role=Role.MODERATOR, name="Dr Bakyt Moderator"))
    surgeon = verified_member(name="Dr Aida Surgeon")
    offer = pledges.offer_skill(surgeon, need, starts_on=FIRST_DAY, ends_on=LAST_DAY, note="General surgeon")
    pledges.accept_offer(official, offer)
    db.session.commit()
    return official, project, member, surgeon


def item_block(page, label):
    return page.locator("#checklist .checklist-item", has_text=label)


def update_item(page, label, status, note=None, photo=None):
    """From the officials' mission page: open the item, set it, save, back on the mission page."""
    item_block(page, label).locator("a.button").click()
    page.locator("#status").select_option(status)
    page.locator("#provider").select_option("facility")
    if note:
        page.locator("#note").fill(note)
    if photo:
        page.locator("#photos").set_input_files(str(photo))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#checklist")).to_be_visible()


def mission_journey(checks, phone, base, clock, tmp_path):
    official, project, moderator, surgeon = starting_world()
    photos = []
    for seed in (1, 2):
        photos.append(tmp_path / f"photo-{seed}.jpg")
        photos[-1].write_bytes(jpeg_upload(seed=seed).read())
    public = f"{base}/projects/{project.id}"

    # 1. The official runs the project as a mission, writes the plan, fills the checklist, sends it.
    officials = phone(locale="en")
    page = officials
    log_in(page, base, official)
    page.goto(f"{base}/projects/{project.id}/manage")
    checks.look(page, "project-manage")
    page.get_by_role("link", name="Run as a mission").click()
    checks.look(page, "start")
    page.locator("#kind").select_option(label="Surgery week")
    page.locator("#starts_on").fill(FIRST_DAY.isoformat())
    page.locator("#ends_on").fill(LAST_DAY.isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#checklist")).to_be_visible()
    mission = db.session.scalar(db.select(Mission).filter_by(project_id=project.id))
    assert mission is not None and (mission.starts_on, mission.ends_on) == (FIRST_DAY, LAST_DAY)
    total = len(mission.items)
    checks.look(page, "mission-new")

    page.locator("#plan-summary-heading a.step-change").click()
    page.locator("#facility_name").fill("At-Bashy district hospital")
    page.locator("#facility_address").fill("12 Lenin street, At-Bashy")
    page.locator("#coordinator_name").fill("Gulnara Asanova")
    page.locator("#coordinator_role").fill("Head nurse")
    page.locator("#coordinator_phone").fill("+996 555 010 203")
    page.locator("#coordinator_email").fill("gulnara.asanova@example.kg")
    for code in ("ky", "ru"):
        page.locator(f"input[name=languages][value={code}]").check()
    page.locator("#interpreters").check()
    checks.look(page, "plan")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".mission-facts")).to_contain_text("Gulnara Asanova")

    update_item(page, "Operating room", "ready", "Two tables, lights checked", photos[0])
    update_item(page, "Sterilisation", "ready", "Autoclave serviced in March", photos[1])
    for label in ("Anaesthesia machine", "Oxygen supply", "Recovery beds"):
        update_item(page, label, "ready")
    update_item(page, "Blood supply", "partial", "Two donors on call")
    expect(item_block(page, "Operating room").locator("img")).to_have_count(1)
    expect(item_block(page, "Sterilisation").locator("img")).to_have_count(1)
    expect(page.locator("#checklist .mission-readiness")).to_contain_text(f"5 of {total} items ready")
    checks.look(page, "checklist-filled")
    page.get_by_role("button", name="Send the checklist to the ministry").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".signoff-request")).to_contain_text("Waiting for the ministry's review")

    # 2. The ministry's member sends one item back; the official changes it and sends it again; signed.
    ministry = phone(locale="en")
    page = ministry
    log_in(page, base, moderator)
    page.goto(f"{base}/moderation/missions")
    checks.look(page, "signoff-queue")
    page.locator(f"a[href='/moderation/missions/{mission.id}']").click()
    expect(page.locator(".signoff-photos img")).to_have_count(2)
    checks.look(page, "signoff-review")
    blood = page.locator(".signoff-item", has_text="Blood supply")
    blood.locator("summary").click()
    blood.locator("textarea, input[type=text]").first.fill("Name the blood bank that supplies the week.")
    blood.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = officials
    page.goto(f"{base}/projects/{project.id}/mission")
    expect(item_block(page, "Blood supply")).to_contain_text("Name the blood bank that supplies the week.")
    expect(page.locator(".signoff-request")).to_contain_text("Sent back by the ministry")
    checks.look(page, "mission-sent-back")
    update_item(page, "Blood supply", "ready", "Naryn regional blood bank: 20 units reserved")
    page.get_by_role("button", name="Send the checklist to the ministry").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = ministry
    page.goto(f"{base}/moderation/missions/{mission.id}")
    page.locator("#reason").fill("Operating room and sterilisation seen on the photos; blood bank named.")
    page.get_by_role("button", name="Sign: site ready").click()
    expect(page.locator(".flash-success")).to_be_visible()

    visitor = phone(locale="en")
    visitor.goto(public)
    expect(visitor.locator(".mission-panel .mission-readiness")).to_contain_text(f"6 of {total} items ready")
    expect(visitor.locator(".signoff-signed")).to_contain_text("Site ready")
    expect(visitor.locator(".signoff-signed")).to_contain_text("Signed by Ministry of Health")
    expect(visitor.locator(".mission-plan .checklist-photos img")).to_have_count(2)
    checks.look(visitor, "project-site-ready")

    # 3. The permission to practise: requested by the official, granted by the ministry; confirmed.
    page = officials
    page.goto(f"{base}/projects/{project.id}/mission")
    page.locator(".mission-volunteers-link a").click()
    expect(page.locator("main")).to_contain_text("Dr Aida Surgeon")
    checks.look(page, "volunteers")
    page.get_by_role("button", name="Request the permission").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page = ministry
    page.goto(f"{base}/moderation/permits")
    checks.look(page, "permits-queue")
    volunteer = db.session.scalar(db.select(MissionVolunteer).filter_by(mission_id=mission.id))
    page.locator(f"a[href='/moderation/permits/{volunteer.id}']").click()
    checks.look(page, "permit-decide")
    page.locator("#reason").fill("Licence and the verified credential are valid.")
    page.locator("button[name=grant], input[name=grant]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(MissionVolunteer, volunteer.id).permit_status == PermitStatus.GRANTED

    page = officials
    page.goto(f"{base}/projects/{project.id}/mission/volunteers")
    page.get_by_role("button", name="Confirm for the dates").click()
    expect(page.locator(".flash-success")).to_be_visible()
    checks.look(page, "volunteer-confirmed")

    # 4. The surgeon's itinerary: the coordinator's contact, the permission, the flight, the .ics.
    surgeons = phone(locale="en")
    page = surgeons
    log_in(page, base, surgeon)
    page.goto(public)
    page.locator(".mission-mine").get_by_role("link", name="My itinerary").click()
    expect(page.locator(".mission-contact")).to_contain_text("Gulnara Asanova")
    expect(page.locator(".mission-contact")).to_contain_text("+996 555 010 203")
    expect(page.locator("main")).to_contain_text("Granted")
    expect(page.locator("main")).to_contain_text("Confirmed for the dates by the organisers")
    checks.look(page, "itinerary")
    page.locator("#flight_number").fill("kc 109")
    page.locator("#arrives_at").fill(f"{(FIRST_DAY - timedelta(days=1)).isoformat()}T06:35")
    page.locator("form[action$='/arrival'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#arrival")).to_contain_text("KC109")
    with page.expect_download() as download:
        page.locator(".itinerary-links a[href$='.ics']").click()
    assert download.value.suggested_filename.endswith(".ics")
    calendar = download.value.path().read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert "DTSTART;VALUE=DATE:20270501" in calendar and "DTEND;VALUE=DATE:20270508" in calendar
    checks.look(page, "itinerary-arrival")

    # 5. The facility's count: 120 screened, 40 ready for surgery.
    page = officials
    page.goto(f"{base}/projects/{project.id}/mission")
    page.get_by_role("link", name="Patients waiting: record a count").click()
    page.locator("#screened").fill("120")
    page.locator("#ready").fill("40")
    page.locator("#more_tests").fill("30")
    page.locator("#not_suitable").fill("50")
    page.locator("#waiting_hernia_repair").fill("25")
    page.locator("#waiting_cholecystectomy").fill("15")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    checks.look(page, "patients-counted")
    visitor.goto(public)
    expect(visitor.locator(".mission-patients")).to_contain_text("120 patients screened, 40 waiting for surgery")

    # 6. After the week: the report of 35 operations and the surgeon's hours.
    clock.set(datetime.combine(LAST_DAY + timedelta(days=1), time(10)))
    page.goto(f"{base}/projects/{project.id}/mission")
    page.get_by_role("link", name="Report after the mission").click()
    page.locator("#performed_hernia_repair").fill("20")
    page.locator("#performed_cholecystectomy").fill("15")
    page.locator("#patients_seen").fill("70")
    page.locator("#follow_up").fill("Check-ups at the health post in a month.")
    checks.look(page, "report")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    visitor.goto(public)
    expect(visitor.locator(".mission-patients")).to_contain_text("120 patients screened, 5 waiting for surgery")
    expect(visitor.locator(".mission-patients")).to_contain_text("35 operations performed, 70 patients seen")
    checks.look(visitor, "project-reported")

    page.goto(f"{base}/projects/{project.id}/mission")
    page.get_by_role("link", name="Hours given and certificates").click()
    page.locator(f"#hours_{volunteer.id}").fill("56")
    checks.look(page, "hours")
    page.locator("form.hours-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    # 7. The certificate: the surgeon downloads it; a visitor checks its code; the value beside the money.
    page = surgeons
    page.goto(public)
    page.get_by_role("link", name="My certificate of volunteering").click()
    expect(page.locator(".certificate")).to_contain_text("Dr Aida Surgeon")
    code = page.locator(".certificate-code").inner_text()
    found = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4})+", code)
    assert found, code
    code = found.group(0)
    db.session.expire_all()
    assert code == formatted_code(db.session.get(MissionVolunteer, volunteer.id).certificate_code)
    checks.look(page, "certificate")
    with page.expect_download() as download:
        page.locator(f"a[href='/missions/volunteers/{volunteer.id}/certificate.pdf']").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    stranger = phone(locale="en")  # a visitor who never logged in
    stranger.goto(f"{base}/certificates/{code}")
    facts = stranger.locator(".certificate-facts")
    for fact in ("Dr Aida Surgeon", "Surgeon", TITLE, "56", "May 1, 2027 – May 7, 2027",
                 "Site signed ready by Ministry of Health"):
        expect(facts).to_contain_text(fact)
    checks.look(stranger, "certificate-verified")

    stranger.goto(public)
    beside = stranger.locator("#volunteer-work")
    expect(beside).to_contain_text("Volunteer work: 56 hours, worth")
    expect(beside).to_contain_text("84,000")  # 56 hours × 1 500 som, the surgeon's hourly value
    checks.look(stranger, "project-after")


def test_the_mission_journey_at_360px_has_no_horizontal_overflow(live_server, phone, clock, tmp_path):
    checks = Checks("mission-journey", "overflow", "shots")
    mission_journey(checks, phone, live_server, clock, tmp_path)
    checks.assert_clean()


def test_the_mission_journey_at_360px_has_no_serious_axe_violations(live_server, phone, clock, tmp_path):
    checks = Checks("mission-journey", "axe")
    mission_journey(checks, phone, live_server, clock, tmp_path)
    checks.assert_clean()
