"""Missions: the volunteers' side. An accepted volunteer's itinerary (the plan as it concerns them,
the site's readiness, their permission and confirmation), their arrival, a calendar file for their
days, and the team: who else is coming, each as they allow."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.authz import can_edit_arrival, can_see_itinerary, can_see_mission_team, require, require_visible
from app.errors import InvalidInput
from app.extensions import db
from app.mail import absolute_url
from app.models import PermitStatus
from app.models._common import utcnow
from app.services.audit import record_event
from app.services.missions import ics
from app.services.missions.core import accepted_volunteers, get_mission, get_volunteer, readiness, volunteer_days
from app.services.notifications import date_param, notify_all, officials_of

AIRPORTS = ("FRU", "OSS")  # Bishkek Manas, Osh
ARRIVAL_DAYS_BEFORE = 7  # how early before the mission's first day a volunteer may arrive
# Airline designator (two letters, a letter and a digit, or three letters), then 1-4 digits.
FLIGHT_NUMBER = re.compile(r"^(?:[A-Z]{2,3}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}$")


def skill_of(volunteer):
    need = volunteer.pledge.need
    return need.skill if need is not None else None


@dataclass
class Itinerary:
    volunteer: Any
    mission: Any
    starts_on: Any  # the volunteer's own days
    ends_on: Any
    ready: int
    total: int
    requires_permit: bool
    permit_status: PermitStatus | None
    confirmed: bool
    can_edit_arrival: bool


def itinerary(user, volunteer_id, *, editing=False):
    """What the volunteer (or the mission's officials) read before the trip; to anyone else it does
    not exist. ``editing``: only the volunteer may (their arrival form)."""
    volunteer = get_volunteer(volunteer_id)
    require_visible(can_see_itinerary, user, volunteer)
    if editing:
        require(can_edit_arrival, user, volunteer)
    skill = skill_of(volunteer)
    starts_on, ends_on = volunteer_days(volunteer)
    ready, total = readiness(volunteer.mission)
    return Itinerary(volunteer=volunteer, mission=volunteer.mission, starts_on=starts_on, ends_on=ends_on,
                     ready=ready, total=total, requires_permit=bool(skill and skill.requires_permit),
                     permit_status=volunteer.permit_status, confirmed=volunteer.confirmed_at is not None,
                     can_edit_arrival=can_edit_arrival(user, volunteer))


def normal_flight_number(text):
    return re.sub(r"[\s-]+", "", text or "").upper()


def arrival_window(mission):
    """(earliest, latest) arrival: a few days before the first day, up to the end of the last."""
    earliest = datetime.combine(mission.starts_on - timedelta(days=ARRIVAL_DAYS_BEFORE), datetime.min.time())
    latest = datetime.combine(mission.ends_on, datetime.max.time())
    return earliest, latest


def save_arrival(user, volunteer_id, *, flight_number, arrives_at, airport, needs_pickup):
    """The volunteer gives or changes their arrival (local Kyrgyzstan time); the officials are told
    when the arrival itself changed. Flushes."""
    volunteer = get_volunteer(volunteer_id)
    require_visible(can_see_itinerary, user, volunteer)
    require(can_edit_arrival, user, volunteer)
    flight = normal_flight_number(flight_number)
    if not FLIGHT_NUMBER.match(flight):
        raise InvalidInput(_("Give the flight number as on the ticket, e.g. KC 109 or TK 347."),
                           field="flight_number")
    if not isinstance(arrives_at, datetime):
        raise InvalidInput(_("Give the date and time of your arrival."), field="arrives_at")
    earliest, latest = arrival_window(volunteer.mission)
    if not earliest <= arrives_at <= latest:
        raise InvalidInput(_("The arrival must be between %(earliest)s and the mission's last day.",
                             earliest=earliest.date().isoformat()), field="arrives_at")
    if airport not in AIRPORTS:
        raise InvalidInput(_("Choose the airport you land at."), field="arrival_airport")
    arrives_at = arrives_at.replace(second=0, microsecond=0)
    changed = (volunteer.flight_number, volunteer.arrives_at, volunteer.arrival_airport,
               volunteer.needs_pickup) != (flight, arrives_at, airport, bool(needs_pickup))
    volunteer.flight_number, volunteer.arrives_at, volunteer.arrival_airport = flight, arrives_at, airport
    volunteer.needs_pickup = bool(needs_pickup)
    db.session.flush()
    if changed:
        project = volunteer.mission.project
        record_event(user, "mission.arrival_given", project, volunteer_id=volunteer.id, flight=flight,
                     arrives_at=arrives_at.isoformat(), airport=airport)
        notify_all(officials_of(project.lsg), "mission_arrival_given", project=project, volunteer_id=volunteer.id,
                   member=volunteer.pledge.member.name, flight=flight, airport=airport,
                   arrives_on=date_param(arrives_at.date()), time=arrives_at.strftime("%H:%M"))
    return volunteer


def save_team_name(user, volunteer_id, *, name_in_team):
    """Whether the rest of the team sees the volunteer's name (their skill and days it always
    sees). Flushes."""
    volunteer = get_volunteer(volunteer_id)
    require_visible(can_see_itinerary, user, volunteer)
    require(can_edit_arrival, user, volunteer)
    volunteer.name_in_team = bool(name_in_team)
    db.session.flush()
    return volunteer


def calendar_file(user, volunteer_id):
    """The volunteer's days as an RFC 5545 calendar (text, CRLF lines)."""
    volunteer = get_volunteer(volunteer_id)
    require_visible(can_see_itinerary, user, volunteer)
    mission = volunteer.mission
    starts_on, ends_on = volunteer_days(volunteer)
    url = absolute_url("missions.itinerary", volunteer_id=volunteer.id)
    contact = ", ".join(part for part in (mission.coordinator_name, mission.coordinator_role,
                                          mission.coordinator_phone, mission.coordinator_email) if part)
    description = "\n".join(line for line in (
        _("Coordinator: %(contact)s", contact=contact) if contact else "",
        _("Itinerary: %(url)s", url=url)) if line)
    location = ", ".join(part for part in (mission.facility_name, mission.facility_address) if part)
    event = ics.Event(uid=f"mission-volunteer-{volunteer.id}@{urlsplit(url).hostname}", stamp=utcnow(),
                      starts_on=starts_on, ends_on=ends_on,
                      summary=mission.project.public_title or mission.project.title,
                      location=location, description=description, url=url)
    return ics.calendar([event])


@dataclass
class TeamMember:
    name: str | None  # None when they do not show it
    skill: Any
    starts_on: Any
    ends_on: Any
    confirmed: bool
    is_me: bool


@dataclass
class Team:
    mission: Any
    members: list
    my_volunteer: Any  # the viewer's MissionVolunteer, or None (an official)


def team(user, mission_id):
    """Who is coming: skills and days of every accepted volunteer, names as each allows."""
    mission = get_mission(mission_id)
    require(can_see_mission_team, user, mission)
    members, mine = [], None
    for volunteer in accepted_volunteers(mission):
        starts_on, ends_on = volunteer_days(volunteer)
        is_me = volunteer.pledge.member_id == user.id
        if is_me:
            mine = volunteer
        members.append(TeamMember(name=volunteer.pledge.member.name if volunteer.name_in_team or is_me else None,
                                  skill=skill_of(volunteer), starts_on=starts_on, ends_on=ends_on,
                                  confirmed=volunteer.confirmed_at is not None, is_me=is_me))
    return Team(mission=mission, members=members, my_volunteer=mine)
