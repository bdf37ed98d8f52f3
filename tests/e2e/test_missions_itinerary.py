"""The volunteers' side of a mission on a 360×740 phone: an accepted surgeon opens their itinerary
from the project page, gives a wrong flight number (the error is next to the field, in view), then
a right one, downloads the calendar file and opens the team. No page overflows sideways or has a
critical or serious axe-core violation."""
from datetime import timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import MissionVolunteer
from app.services.reference import seed_reference_data
from tests.e2e.conftest import log_in
from tests.e2e.phone import Checks
from tests.missions_world import surgery_mission


def itinerary_journey(checks, phone, base):
    # A committing test before this one emptied the mission kinds (tests/conftest.py empty_database
    # keeps only REFERENCE_TABLES): put the seeded vocabularies back (it adds only what is missing).
    seed_reference_data()
    db.session.commit()
    world = surgery_mission(surgeons=2)
    mission = world.mission
    mission.facility_name, mission.facility_address = "Ат-Башы райондук ооруканасы", "Ленин көч. 12, Ат-Башы"
    mission.coordinator_name, mission.coordinator_role = "Гүлнара Асанова", "Башкы медайым"
    mission.coordinator_phone, mission.coordinator_email = "+996 555 010 203", "gulnara.asanova@example.kg"
    mission.languages, mission.interpreters = ["ky", "ru"], True
    mission.pickup = "Айдоочу келүү залында күтөт."
    mission.accommodation = "Оорукананын жанындагы конок үй."
    mission.daily_schedule = "08:00 обход\n09:00 операциялар"
    mission.what_to_bring = "Лупа, өзүңүздүн хирургиялык кийимиңиз."
    mission.what_is_provided = "Тамак, транспорт."
    second = db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=world.offers[1].id))
    second.name_in_team = False
    for surgeon in world.surgeons:
        surgeon.locale = "ky"
    db.session.commit()
    volunteer = db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=world.offers[0].id))

    page = phone()
    log_in(page, base, world.surgeons[0])
    page.goto(f"{base}/projects/{world.project.id}")
    page.locator(f"a[href='/missions/volunteers/{volunteer.id}']").first.click()
    expect(page.locator(".mission-contact")).to_contain_text("+996 555 010 203")
    checks.look(page, "itinerary")
    arrival = (mission.starts_on - timedelta(days=1)).isoformat()
    page.locator("#flight_number").fill("K")
    page.locator("#arrives_at").fill(f"{arrival}T06:35")
    page.locator("form[action$='/arrival'] button[type=submit]").click()
    expect(page.locator("#flight_number-error")).to_be_visible()
    checks.failed_submit(page, "itinerary-bad-flight")
    page.locator("#flight_number").fill("kc 109")
    page.locator("#arrives_at").fill(f"{arrival}T06:35")
    page.locator("form[action$='/arrival'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#arrival")).to_contain_text("KC109")
    checks.look(page, "itinerary-saved")
    with page.expect_download() as download:
        page.locator(f"a[href='/missions/volunteers/{volunteer.id}.ics']").first.click()
    assert download.value.suggested_filename.endswith(".ics")
    page.locator(f"a[href='/missions/{mission.id}/team']").first.click()
    expect(page.locator(".team-list")).to_contain_text("Dr Surgeon 1")
    expect(page.locator(".team-list")).not_to_contain_text("Dr Surgeon 2")
    checks.look(page, "team")


def test_itinerary_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-itinerary", "overflow", "shots")
    itinerary_journey(checks, phone, live_server)
    checks.assert_clean()


def test_itinerary_at_360px_has_no_serious_axe_violations_and_errors_are_in_view(live_server, phone):
    checks = Checks("phone-itinerary", "axe", "errors")
    itinerary_journey(checks, phone, live_server)
    checks.assert_clean()
