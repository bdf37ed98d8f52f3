"""Missions: the plan part. The officials turn a project with skill needs into a mission, write its
plan (dates, host facility, coordinator, languages, what the volunteers should know) and keep the
site readiness checklist (status, note, provider, photo evidence) up to date."""
import re

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.authz import can_plan_mission, can_start_mission, require
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import (
    LANGUAGES,
    ChecklistItem,
    ChecklistPhoto,
    FacilityKind,
    ItemProvider,
    ItemStatus,
    NeedKind,
    SignoffStatus,
)
from app.models._common import utcnow
from app.services.audit import record_event
from app.services.missions.core import (
    accepted_volunteers,
    check_dates,
    get_mission,
    get_mission_kind,
    start_mission,
)
from app.services.notifications import date_param, localized, notify, notify_all
from app.services.projects.editing import LAT_RANGE, LON_RANGE
from app.services.projects.lookups import visible_project
from app.uploads import store_image

MAX_PHOTOS = 5
# The plan's text fields and their longest values (the columns' lengths; Text columns get a bound here).
PLAN_LIMITS = {
    "facility_name": 200, "facility_address": 300, "coordinator_name": 120, "coordinator_role": 120,
    "coordinator_phone": 40, "coordinator_email": 254, "interpreters_note": 300,
    "pickup": 2000, "accommodation": 2000, "daily_schedule": 4000, "what_to_bring": 2000,
    "what_is_provided": 2000,
}
# The site the ministry signs "ready": changing any of these withdraws a sign-off.
SITE_FIELDS = ("facility_kind", "facility_name", "facility_address", "lat", "lon")
ONE_LINE = {"facility_name", "facility_address", "coordinator_name", "coordinator_role", "coordinator_phone",
            "coordinator_email", "interpreters_note"}
NOTE_LIMIT = 2000
ITEM_NAME_LIMIT = 200
_PHONE = re.compile(r"\+?[0-9 ()-]{5,40}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

STATUS_NAMES = {ItemStatus.MISSING: _l("missing"), ItemStatus.PARTIAL: _l("partial"), ItemStatus.READY: _l("ready")}
PROVIDER_NAMES = {
    ItemProvider.LSG: _l("The local government"), ItemProvider.FACILITY: _l("The host facility"),
    ItemProvider.VOLUNTEER: _l("A volunteer brings it"), ItemProvider.IN_KIND_NEED: _l("Asked for as goods (an in-kind need)"),
}
FACILITY_NAMES = {
    FacilityKind.HOSPITAL: _l("Hospital"), FacilityKind.HEALTH_POST: _l("Health post"),
    FacilityKind.SCHOOL: _l("School"), FacilityKind.OTHER: _l("Other"),
}


# ---------------------------------------------------------------- finding


def project_to_start(official, project_id):
    """The project an official may turn into a mission (its LSG's)."""
    project = visible_project(official, project_id)
    require(can_start_mission, official, project)
    return project


def mission_to_plan(official, mission_id):
    mission = get_mission(mission_id)
    require(can_plan_mission, official, mission)
    return mission


def item_for_planning(official, mission, item_id):
    require(can_plan_mission, official, mission)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.mission_id != mission.id:
        raise NotFound()
    return item


def default_dates(project):
    """The first and last day of the project's skill needs (the mission's dates by default)."""
    needs = [n for n in project.needs if n.kind == NeedKind.SKILL and n.starts_on and n.ends_on]
    if not needs:
        return None, None
    return min(n.starts_on for n in needs), max(n.ends_on for n in needs)


def in_kind_needs(project):
    return [n for n in project.needs if n.kind == NeedKind.IN_KIND and n.closed_at is None]


# ---------------------------------------------------------------- the plan


def start(official, project, *, kind_id, starts_on, ends_on):
    """``core.start_mission`` with the kind chosen by its id. Flushes."""
    require(can_start_mission, official, project)
    return start_mission(official, project, kind=get_mission_kind(kind_id), starts_on=starts_on, ends_on=ends_on)


def update_plan(official, mission, *, starts_on, ends_on, facility_kind, languages, interpreters, lat=None,
                lon=None, **texts):
    """Save the plan; ``texts`` are the fields of PLAN_LIMITS. Audited. Flushes."""
    require(can_plan_mission, official, mission)
    check_dates(starts_on, ends_on)
    try:
        kind = FacilityKind(facility_kind)
    except ValueError:
        raise InvalidInput(_("Choose one of the kinds of facility offered."), field="facility_kind") from None
    languages = set(languages or ())
    if not languages <= set(LANGUAGES):
        raise InvalidInput(_("Choose languages from the list."), field="languages")
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="lat")
    if lat is not None and not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise InvalidInput(_("The map point is outside Kyrgyzstan."), field="lat")
    cleaned = {}
    for name, limit in PLAN_LIMITS.items():
        value = (texts.get(name) or "").strip()
        if name in ONE_LINE:
            value = " ".join(value.split())
        if len(value) > limit:
            raise InvalidInput(_("At most %(max)d characters.", max=limit), field=name)
        cleaned[name] = value
    phone = cleaned["coordinator_phone"]
    if phone and not (_PHONE.fullmatch(phone) and sum(c.isdigit() for c in phone) >= 5):
        raise InvalidInput(_("Enter a phone number: digits, spaces, +, - and brackets."), field="coordinator_phone")
    if cleaned["coordinator_email"] and not _EMAIL.fullmatch(cleaned["coordinator_email"]):
        raise InvalidInput(_("Enter an email address like name@example.kg."), field="coordinator_email")
    changed = []
    values = {"starts_on": starts_on, "ends_on": ends_on, "facility_kind": kind, "lat": lat, "lon": lon,
              "languages": [code for code in LANGUAGES if code in languages], "interpreters": bool(interpreters),
              **cleaned}
    for name, value in values.items():
        if getattr(mission, name) != value:
            setattr(mission, name, value)
            changed.append(name)
    db.session.flush()
    if changed:
        record_event(official, "mission.plan_changed", mission.project, mission_id=mission.id, fields=changed)
    site_changed = [name for name in changed if name in SITE_FIELDS]
    if site_changed:
        _withdraw_signoff(official, mission, fields=site_changed)
    if "starts_on" in changed or "ends_on" in changed:
        for volunteer in accepted_volunteers(mission):
            notify(volunteer.pledge.member, "mission_dates_changed", project=mission.project, volunteer_id=volunteer.id,
                   starts_on=date_param(starts_on), ends_on=date_param(ends_on))
    return changed


# ---------------------------------------------------------------- the checklist


def update_item(official, mission, item, *, status, note, provider, need_id=None, photos=()):
    """Save a checklist item (and add ``photos``); a status change tells the accepted volunteers and,
    when a READY item of a signed site leaves READY, withdraws the sign-off. Audited. Flushes."""
    require(can_plan_mission, official, mission)
    try:
        status, provider = ItemStatus(status), ItemProvider(provider)
    except ValueError:
        raise InvalidInput(_("Choose one of the options offered."), field="status") from None
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_LIMIT), field="note")
    need = None
    if provider == ItemProvider.IN_KIND_NEED:
        need = next((n for n in in_kind_needs(mission.project) if n.id == need_id), None)
        if need is None:
            raise InvalidInput(_("Choose one of this project's in-kind needs."), field="need")
    photos = [p for p in photos or () if p is not None and getattr(p, "filename", "")]
    if len(item.photos) + len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("An item has at most %(num)d photos.", num=MAX_PHOTOS), field="photos")
    before = item.status
    item.status, item.note, item.provider, item.need = status, note, provider, need
    item.sent_back_reason = item.sent_back_at = None
    item.updated_by, item.updated_at = official, utcnow()
    for upload in photos:
        stored = store_image(upload, responsive=True)
        item.photos.append(ChecklistPhoto(filename=stored.name, width=stored.width, height=stored.height))
    db.session.flush()
    record_event(official, "mission.item_changed", mission.project, mission_id=mission.id, item_id=item.id,
                 status=status.value, provider=provider.value, need_id=need.id if need else None,
                 photos_added=len(photos))
    if status != before:
        _status_changed(official, mission, item, before)
    return item


def _status_changed(official, mission, item, before):
    label = localized(item.template_item) if item.template_item is not None else item.name
    notify_all([v.pledge.member for v in accepted_volunteers(mission)], "mission_item_changed",
               project=mission.project, item=label, status=_in_each_language(STATUS_NAMES[item.status]))
    if before == ItemStatus.READY:
        _withdraw_signoff(official, mission, item_id=item.id, status=item.status.value)


def _withdraw_signoff(official, mission, **data):
    """A signed site changed (an item no longer ready, a new item, another facility): the
    checklist goes back to the ministry. Audited."""
    if mission.signoff_status != SignoffStatus.SIGNED:
        return
    mission.signoff_status = SignoffStatus.SUBMITTED
    db.session.flush()
    record_event(official, "mission.signoff_withdrawn", mission.project, mission_id=mission.id, **data)


def _in_each_language(lazy):
    """A word in the three languages, for a notification read in the reader's language."""
    words = {}
    for code in ("ky", "ru", "en"):
        with force_locale(code):
            words[code] = str(lazy)
    return words


def remove_item_photo(official, mission, item, photo_id):
    require(can_plan_mission, official, mission)
    photo = next((p for p in item.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound()
    item.photos.remove(photo)
    db.session.flush()
    record_event(official, "mission.item_changed", mission.project, mission_id=mission.id, item_id=item.id,
                 photo_removed=photo_id)


def add_item(official, mission, name):
    """A checklist line of the officials' own. Audited. Flushes."""
    require(can_plan_mission, official, mission)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Name the item."), field="name")
    if len(name) > ITEM_NAME_LIMIT:
        raise InvalidInput(_("At most %(max)d characters.", max=ITEM_NAME_LIMIT), field="name")
    position = max((i.position for i in mission.items), default=-1) + 1
    item = ChecklistItem(name=name, position=position, status=ItemStatus.MISSING, updated_by=official)
    mission.items.append(item)
    db.session.flush()
    record_event(official, "mission.item_added", mission.project, mission_id=mission.id, item_id=item.id, name=name)
    _withdraw_signoff(official, mission, item_id=item.id, status=item.status.value)
    return item


def remove_item(official, mission, item):
    """Remove a line the officials wrote (the template's lines stay). Audited. Flushes."""
    require(can_plan_mission, official, mission)
    if item.template_item_id is not None:
        raise InvalidInput(_("Only an item you added can be removed."))
    mission.items.remove(item)
    db.session.flush()
    record_event(official, "mission.item_removed", mission.project, mission_id=mission.id, item_id=item.id,
                 name=item.name)
