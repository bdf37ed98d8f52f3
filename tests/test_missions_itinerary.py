"""The volunteers' side of a mission (issue 13, section 4): the itinerary with the coordinator's
contact (for the volunteer and the officials only), the arrival form, the calendar file, the team
as each allows, and the reminders 14 and 3 days before."""
import re
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import MissionVolunteer, Notification, PermitStatus, ReminderSent
from app.services import notifications
from app.services import pledges as pledge_service
from app.services.missions import ics
from app.services.reminders import send_reminders
from app.worker import drain
from tests.factories import make_user
from tests.missions_world import surgery_mission

PHONE = "+996 555 010 203"


def _plan(mission):
    mission.facility_name = "At-Bashy district hospital"
    mission.facility_address = "Lenin 12, At-Bashy"
    mission.coordinator_name, mission.coordinator_role = "Gulnara Asanova", "Head nurse"
    mission.coordinator_phone, mission.coordinator_email = PHONE, "gulnara@example.kg"
    mission.languages, mission.interpreters, mission.interpreters_note = ["ky", "ru"], True, "Two students"
    mission.pickup = "A driver waits at **arrivals**."
    mission.accommodation = "Guest house next to the hospital."
    mission.daily_schedule = "08:00 ward round\n09:00 theatre"
    mission.what_to_bring = "Loupes; your own scrubs."
    mission.what_is_provided = "Meals, transport."
    db.session.commit()


@pytest.fixture
def world(app):
    world = surgery_mission(surgeons=2)
    _plan(world.mission)
    world.volunteers = [db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=o.id)) for o in world.offers]
    return world


def _arrival(world, **fields):
    day = world.mission.starts_on - timedelta(days=1)
    data = {"flight_number": "kc 109", "arrives_at": f"{day.isoformat()}T06:35", "arrival_airport": "FRU",
            "needs_pickup": "y"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- the itinerary


def test_the_volunteer_reads_the_itinerary_with_the_coordinators_contact(client, login_as, world):
    volunteer = world.volunteers[0]
    login_as(world.surgeons[0])
    page = client.get(f"/missions/volunteers/{volunteer.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="tel:+996555010203"' in html and PHONE in html
    assert 'href="mailto:gulnara@example.kg"' in html
    assert "Gulnara Asanova" in html and "Head nurse" in html
    assert "<strong>arrivals</strong>" in html  # the plan's text goes through the markdown filter
    for text in ("Guest house next to the hospital.", "Loupes; your own scrubs.", "Meals, transport.",
                 "Two students", "Kyrgyz", "Russian", "Not requested yet.", "Not confirmed for the dates yet."):
        assert text in html, text
    ready = sum(item.status.value == "ready" for item in world.mission.items)
    assert f"{ready} of {len(world.mission.items)} items ready" in html
    assert f"/missions/volunteers/{volunteer.id}.ics" in html and f"/missions/{world.mission.id}/team" in html
    assert 'name="flight_number"' in html


def test_permit_and_confirmation_are_shown(client, login_as, world):
    volunteer = world.volunteers[0]
    volunteer.permit_status, volunteer.permit_reason = PermitStatus.REFUSED, "Licence expired"
    db.session.commit()
    login_as(world.surgeons[0])
    html = client.get(f"/missions/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Refused" in html and "Licence expired" in html
    volunteer.permit_status, volunteer.confirmed_at = PermitStatus.GRANTED, datetime(2026, 1, 1)
    db.session.commit()
    html = client.get(f"/missions/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Granted" in html and "Confirmed for the dates by the organisers" in html


def test_the_official_reads_it_without_the_form_others_do_not_see_it(client, login_as, world):
    volunteer = world.volunteers[0]
    login_as(world.official)
    html = client.get(f"/missions/volunteers/{volunteer.id}").get_data(as_text=True)
    assert PHONE in html and 'name="flight_number"' not in html
    assert client.post(f"/missions/volunteers/{volunteer.id}/arrival", data=_arrival(world)).status_code == 403
    for other in (world.surgeons[1], make_user(), world.ministry_member):
        login_as(other)
        assert client.get(f"/missions/volunteers/{volunteer.id}").status_code == 404
        assert client.get(f"/missions/volunteers/{volunteer.id}.ics").status_code == 404
        assert client.post(f"/missions/volunteers/{volunteer.id}/arrival", data=_arrival(world)).status_code == 404
    client.post("/auth/logout")
    assert client.get(f"/missions/volunteers/{volunteer.id}").status_code == 302
    assert db.session.get(MissionVolunteer, volunteer.id).flight_number == ""


def test_a_withdrawn_volunteer_no_longer_sees_it(client, login_as, world):
    volunteer = world.volunteers[0]
    pledge_service.withdraw_pledge(world.surgeons[0], world.offers[0])
    db.session.commit()
    login_as(world.surgeons[0])
    assert client.get(f"/missions/volunteers/{volunteer.id}").status_code == 404


def test_the_public_page_links_the_volunteer_and_never_shows_the_contact(client, login_as, world):
    project_url = f"/projects/{world.project.id}"
    for viewer in (None, make_user(), world.surgeons[0]):
        if viewer is None:
            client.post("/auth/logout")
        else:
            login_as(viewer)
        html = client.get(project_url).get_data(as_text=True)
        assert PHONE not in html and "gulnara@example.kg" not in html
    assert f'href="/missions/volunteers/{world.volunteers[0].id}"' in html
    assert f'href="/missions/{world.mission.id}/team"' in html
    login_as(world.surgeons[1])
    assert f'href="/missions/volunteers/{world.volunteers[0].id}"' not in client.get(project_url).get_data(as_text=True)


# ---------------------------------------------------------------- arrival


def test_the_arrival_is_saved_normalised_and_the_officials_are_told(client, login_as, world):
    volunteer = world.volunteers[0]
    login_as(world.surgeons[0])
    response = client.post(f"/missions/volunteers/{volunteer.id}/arrival",
                           data=_arrival(world, needs_pickup=None))
    assert response.status_code == 302
    saved = db.session.get(MissionVolunteer, volunteer.id)
    assert saved.flight_number == "KC109" and saved.arrival_airport == "FRU"
    assert saved.arrives_at == datetime.combine(world.mission.starts_on - timedelta(days=1), datetime.min.time()).replace(hour=6, minute=35)
    assert saved.needs_pickup is False
    told = db.session.scalars(db.select(Notification).filter_by(kind="mission_arrival_given")).all()
    assert [n.user_id for n in told] == [world.official.id]
    with force_locale("en"):
        text = notifications.text_of(told[0])
    assert "Dr Surgeon 1" in text and "KC109" in text and "06:35" in text and "FRU" in text
    # The same arrival again: nobody is told twice.
    client.post(f"/missions/volunteers/{volunteer.id}/arrival", data=_arrival(world, needs_pickup=None))
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(kind="mission_arrival_given")) == 1


def test_a_volunteer_without_a_flight_hides_their_name_from_the_team(client, login_as, world):
    """Coming by road, with no flight to give: the name's visibility is its own form."""
    hidden, other = world.volunteers[0], world.volunteers[1]
    login_as(hidden.pledge.member)
    response = client.post(f"/missions/volunteers/{hidden.id}/team-name", data={})
    assert response.status_code == 302
    assert db.session.get(MissionVolunteer, hidden.id).name_in_team is False
    assert db.session.get(MissionVolunteer, hidden.id).flight_number == ""
    login_as(other.pledge.member)
    team = client.get(f"/missions/{world.mission.id}/team").get_data(as_text=True)
    assert hidden.pledge.member.name not in team and other.pledge.member.name in team
    assert client.post(f"/missions/volunteers/{hidden.id}/team-name", data={"name_in_team": "y"}).status_code == 404


@pytest.mark.parametrize("fields, field, message", [
    ({"flight_number": "K"}, "flight_number", "Give the flight number as on the ticket"),
    ({"flight_number": "KC 12345"}, "flight_number", "Give the flight number as on the ticket"),
    ({"flight_number": "109"}, "flight_number", "Give the flight number as on the ticket"),
    ({"flight_number": ""}, "flight_number", "Give your flight number."),
    ({"arrives_at": "tomorrow"}, "arrives_at", "Not a valid datetime value"),
    ({"arrives_at": ""}, "arrives_at", "Give the date and time of your arrival."),
    ({"arrives_at": "2020-01-01T10:00"}, "arrives_at", "The arrival must be between"),
    ({"arrival_airport": "LHR"}, "arrival_airport", "Not a valid choice"),
])
def test_a_bad_arrival_is_refused_next_to_its_field_and_changes_nothing(client, login_as, world, fields, field, message):
    volunteer = world.volunteers[0]
    login_as(world.surgeons[0])
    response = client.post(f"/missions/volunteers/{volunteer.id}/arrival", data=_arrival(world, **fields))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', html), html[html.find("field-error") - 300:][:900]
    saved = db.session.get(MissionVolunteer, volunteer.id)
    assert (saved.flight_number, saved.arrives_at, saved.arrival_airport) == ("", None, "")
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(kind="mission_arrival_given")) == 0


def test_an_arrival_after_the_last_day_is_refused_in_russian(client, login_as, world):
    volunteer = world.volunteers[0]
    world.surgeons[0].locale = "ru"
    db.session.commit()
    login_as(world.surgeons[0])
    late = world.mission.ends_on + timedelta(days=1)
    response = client.post(f"/missions/volunteers/{volunteer.id}/arrival",
                           data=_arrival(world, arrives_at=f"{late.isoformat()}T08:00"),
                           headers={"Accept-Language": "ru"})
    assert response.status_code == 422
    assert "Прибытие должно быть между" in response.get_data(as_text=True)


# ---------------------------------------------------------------- the calendar file


def _unfold(text):
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    lines = text.split("\r\n")
    assert lines[-1] == ""
    for line in lines:
        assert len(line.encode("utf-8")) <= 75, line
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _properties(text):
    found = {}
    for line in _unfold(text):
        name, _sep, value = line.partition(":")
        found.setdefault(name, []).append(value)
    return found


def test_the_calendar_file_has_the_volunteers_days(client, login_as, world):
    volunteer = world.volunteers[0]
    title = "Хирургия жумасы; Ат-Башы, 2027 — операциялар жана консультациялар, ооруканада көп күн"
    world.project.published_snapshot = {**world.project.published_snapshot, "title": title}
    db.session.commit()
    login_as(world.surgeons[0])
    response = client.get(f"/missions/volunteers/{volunteer.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert len(max(text.split("\r\n"), key=len).encode()) > 60  # the long lines were folded
    props = _properties(text)
    assert props["BEGIN"] == ["VCALENDAR", "VEVENT"] and props["VERSION"] == ["2.0"]
    starts, ends = world.offers[0].starts_on, world.offers[0].ends_on
    assert props["DTSTART;VALUE=DATE"] == [starts.strftime("%Y%m%d")]
    assert props["DTEND;VALUE=DATE"] == [(ends + timedelta(days=1)).strftime("%Y%m%d")]
    assert _unescape(props["SUMMARY"][0]) == title
    assert "\\;" in props["SUMMARY"][0] and "\\," in props["SUMMARY"][0]
    assert _unescape(props["LOCATION"][0]) == "At-Bashy district hospital, Lenin 12, At-Bashy"
    description = _unescape(props["DESCRIPTION"][0])
    assert PHONE in description and "gulnara@example.kg" in description
    assert description.splitlines()[-1].endswith(f"/missions/volunteers/{volunteer.id}")
    assert re.fullmatch(rf"mission-volunteer-{volunteer.id}@[\w.-]+", props["UID"][0])
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"][0])
    assert client.get(f"/missions/volunteers/{volunteer.id}.ics").get_data(as_text=True).count(props["UID"][0]) == 1


def test_folding_never_splits_a_character_and_escaping_is_reversible():
    line = "SUMMARY:" + ics.escape("Ош; Бишкек, \\ жол\nэкинчи сап " * 6)
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts) and len(parts) > 3
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert _unescape(line.removeprefix("SUMMARY:")) == "Ош; Бишкек, \\ жол\nэкинчи сап " * 6


# ---------------------------------------------------------------- the team


def test_the_team_shows_names_as_each_allows(client, login_as, world):
    hidden = world.volunteers[1]
    hidden.name_in_team = False
    world.volunteers[0].confirmed_at = datetime(2026, 1, 1)
    db.session.commit()
    login_as(world.surgeons[0])
    html = client.get(f"/missions/{world.mission.id}/team").get_data(as_text=True)
    assert "Dr Surgeon 1" in html and "Dr Surgeon 2" not in html
    assert "A volunteer (Surgeon)" in html and "confirmed" in html and PHONE in html
    assert world.surgeons[1].email not in html and world.surgeons[0].email not in html
    login_as(world.surgeons[1])
    html = client.get(f"/missions/{world.mission.id}/team").get_data(as_text=True)
    assert "Dr Surgeon 2" in html  # they see their own name
    login_as(world.official)
    assert client.get(f"/missions/{world.mission.id}/team").status_code == 200
    for other in (make_user(), world.ministry_member):
        login_as(other)
        assert client.get(f"/missions/{world.mission.id}/team").status_code == 403
    assert client.get("/missions/999999/team").status_code == 404


# ---------------------------------------------------------------- reminders


def _told(kind):
    return db.session.scalars(db.select(Notification).filter_by(kind=kind).order_by(Notification.id)).all()


def _run():
    told = send_reminders()
    db.session.commit()
    drain()
    db.session.commit()
    return told


def test_volunteers_are_reminded_14_and_3_days_before_once_each(app, clock, world):
    start = world.mission.starts_on
    pledge_service.withdraw_pledge(world.surgeons[1], world.offers[1])
    db.session.commit()
    clock.set(datetime.combine(start - timedelta(days=15), datetime.min.time()).replace(hour=9))
    _run()
    assert _told("mission_in_14_days") == []
    clock.advance(days=1)
    _run()
    _run()
    told = _told("mission_in_14_days")
    assert [(n.user_id, n.params["volunteer_id"]) for n in told] == [(world.surgeons[0].id, world.volunteers[0].id)]
    assert notifications.absolute_link_of(told[0]).endswith(f"/missions/volunteers/{world.volunteers[0].id}")
    assert told[0].mail_sent_at is not None  # the worker sent it
    clock.advance(days=10)
    _run()
    assert _told("mission_in_3_days") == [] and len(_told("mission_in_14_days")) == 1
    clock.advance(days=1)
    _run()
    clock.advance(days=1)
    _run()
    assert [n.user_id for n in _told("mission_in_3_days")] == [world.surgeons[0].id]
    assert len(_told("mission_in_14_days")) == 1
    # No third reminder: the old one-week reminder is for offers on projects not run as missions.
    assert _told("mission_soon") == []
    assert db.session.scalar(db.select(db.func.count(ReminderSent.id)).filter_by(entity="mission_volunteer")) == 2
