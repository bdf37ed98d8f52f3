"""Missions, the plan part: an official turns a project with skill needs into a mission, writes its
plan and keeps its site readiness checklist (status, note, provider, photos); the project page shows
the readiness; a status change tells the accepted volunteers and a signed site loses its sign-off
when an item stops being ready."""
import io
from markupsafe import escape
from datetime import timedelta

from app.extensions import db
from app.models import (
    AuditEvent,
    ChecklistItem,
    ItemStatus,
    Mission,
    MissionKind,
    Notification,
    SignoffStatus,
)
from app.services import projects
from tests.authz_world import jpeg_bytes
from tests.factories import make_official, make_project, make_user
from tests.missions_world import surgery_mission


def _events(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def _item(mission, code):
    return next(i for i in mission.items if i.template_item and i.template_item.code == code)


def _item_form(item, **changes):
    data = {"status": item.status.value, "provider": item.provider.value, "need": "0", "note": item.note}
    data.update(changes)
    return data


def _photo(seed):
    return (io.BytesIO(jpeg_bytes(seed)), f"room{seed}.jpg")


# ---------------------------------------------------------------- starting a mission


def test_an_official_runs_a_project_with_skill_needs_as_a_mission(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    login_as(official)
    page = client.get(f"/projects/{project.id}/manage")
    assert f"/projects/{project.id}/mission/start" in page.get_data(as_text=True)
    form = client.get(f"/projects/{project.id}/mission/start").get_data(as_text=True)
    assert 'value="2027-05-10"' in form and 'value="2027-05-17"' in form  # the skill need's dates

    response = client.post(f"/projects/{project.id}/mission/start",
                           data={"kind": kind.id, "starts_on": "2027-05-10", "ends_on": "2027-05-17"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projects/{project.id}/mission")
    mission = db.session.scalar(db.select(Mission).filter_by(project_id=project.id))
    codes = [item.template_item.code for item in mission.items]
    template = [line.code for line in kind.template_items]
    assert codes[:len(template)] == template  # the surgery items first, then the common ones
    assert {"operating_room", "sterilisation", "oxygen_supply"} <= set(codes)
    assert {"accommodation", "airport_transport", "meals"} & set(codes)
    assert len(codes) > len(template)
    assert all(item.status == ItemStatus.MISSING for item in mission.items)
    manage = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert f'href="/projects/{project.id}/mission"' in manage and "/mission/start" not in manage

    again = client.post(f"/projects/{project.id}/mission/start",
                        data={"kind": kind.id, "starts_on": "2027-05-10", "ends_on": "2027-05-17"})
    assert again.status_code == 409
    assert db.session.scalar(db.select(db.func.count(Mission.id)).filter_by(project_id=project.id)) == 1


def test_only_the_projects_officials_start_a_mission(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    data = {"kind": kind.id, "starts_on": "2027-05-10", "ends_on": "2027-05-17"}
    for outsider in (make_user(), make_official()):
        login_as(outsider)
        assert client.post(f"/projects/{project.id}/mission/start", data=data).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Mission.id))) == 0


def test_a_project_without_skill_needs_is_not_a_mission(client, login_as):
    official = make_official()
    project = make_project(official, complete=False)
    projects.add_need(official, project, "funds", title="Roof", target_amount=100_000_00, currency="KGS")
    db.session.commit()
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    login_as(official)
    assert "/mission/start" not in client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    response = client.post(f"/projects/{project.id}/mission/start",
                           data={"kind": kind.id, "starts_on": "2027-05-10", "ends_on": "2027-05-17"})
    assert response.status_code == 422
    assert "Only a project that asks for skills" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Mission.id))) == 0


def test_bad_dates_or_kind_start_nothing(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    login_as(official)
    for data, message in (
        ({"kind": kind.id, "starts_on": "2027-05-17", "ends_on": "2027-05-10"}, "The last day cannot be before the first."),
        ({"kind": kind.id, "starts_on": "2027-05-10", "ends_on": "not a date"}, "Enter a date."),
        ({"kind": kind.id, "starts_on": "2027-01-01", "ends_on": "2027-12-31"}, "A mission lasts at most 90 days."),
        ({"kind": 999999, "starts_on": "2027-05-10", "ends_on": "2027-05-17"}, "Not a valid choice"),
    ):
        response = client.post(f"/projects/{project.id}/mission/start", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Mission.id))) == 0


# ---------------------------------------------------------------- the plan


def _plan_form(mission, **changes):
    data = {"starts_on": mission.starts_on.isoformat(), "ends_on": mission.ends_on.isoformat(),
            "facility_kind": "hospital", "facility_name": "At-Bashy district hospital",
            "facility_address": "Lenin 40, At-Bashy", "lat": "41.17", "lon": "75.80",
            "coordinator_name": "Dr Aibek", "coordinator_role": "Chief doctor",
            "coordinator_phone": "+996 3534 2 11 22", "coordinator_email": "aibek@example.kg",
            "languages": ["ky", "ru"], "interpreters": "y", "interpreters_note": "Two, English and German",
            "pickup": "From Bishkek airport by the hospital's van", "accommodation": "Guest house near the hospital",
            "daily_schedule": "8:00 rounds, 9:00 operations", "what_to_bring": "Loupes",
            "what_is_provided": "Gowns, meals"}
    data.update(changes)
    return data


def test_the_plan_is_saved_and_shown_publicly_without_the_coordinators_contact(client, login_as):
    world = surgery_mission()
    mission = world.mission
    login_as(world.official)
    assert client.get(f"/projects/{world.project.id}/mission/plan").status_code == 200
    response = client.post(f"/projects/{world.project.id}/mission/plan", data=_plan_form(mission))
    assert response.status_code == 302
    db.session.refresh(mission)
    assert mission.facility_name == "At-Bashy district hospital" and mission.languages == ["ky", "ru"]
    assert mission.lat == 41.17 and mission.interpreters and mission.coordinator_email == "aibek@example.kg"
    assert len(_events("mission.plan_changed")) == 1

    client.post("/auth/logout")
    public = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "At-Bashy district hospital" in public and "Lenin 40, At-Bashy" in public
    assert "openstreetmap.org/?mlat=41.17" in public
    assert "Kyrgyz" in public and "Russian" in public and "Two, English and German" in public
    assert "aibek@example.kg" not in public and "3534 2 11 22" not in public and "Dr Aibek" not in public
    assert f"0 of {len(mission.items)} items ready" in public


def test_bad_plan_input_changes_nothing(client, login_as):
    world = surgery_mission()
    mission = world.mission
    login_as(world.official)
    before = (mission.facility_name, mission.starts_on, mission.lat)
    for changes, message in (
        ({"facility_name": "x" * 201}, "At most 200 characters."),
        ({"daily_schedule": "x" * 4001}, "At most 4000 characters."),
        ({"lat": "55.75", "lon": "37.62"}, "The map point is outside Kyrgyzstan."),
        ({"lon": ""}, "Give both latitude and longitude, or neither."),
        ({"ends_on": (mission.starts_on - timedelta(days=1)).isoformat()}, "The last day cannot be before the first."),
        ({"languages": ["xx"]}, "is not a valid choice"),
        ({"coordinator_phone": "call me"}, "Enter a phone number"),
        ({"coordinator_email": "nobody"}, "Enter an email address"),
        ({"facility_kind": "castle"}, "Not a valid choice"),
    ):
        response = client.post(f"/projects/{world.project.id}/mission/plan", data=_plan_form(mission, **changes))
        assert response.status_code == 422, changes
        assert message.lower() in response.get_data(as_text=True).lower(), changes
        db.session.expire_all()
        assert (mission.facility_name, mission.starts_on, mission.lat) == before
    assert not _events("mission.plan_changed")


def test_the_plan_errors_are_in_kyrgyz_and_russian(client, login_as):
    world = surgery_mission()
    for locale, message in (("ky", "Картадагы чекит Кыргызстандын аймагынан тышкары."),
                            ("ru", "Точка на карте находится за пределами Кыргызстана.")):
        world.official.locale = locale
        db.session.commit()
        login_as(world.official)
        response = client.post(f"/projects/{world.project.id}/mission/plan",
                               data=_plan_form(world.mission, lat="55.75", lon="37.62"))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


# ---------------------------------------------------------------- the checklist


def test_an_item_with_two_photos_is_shown_on_the_project_page(client, login_as):
    world = surgery_mission()
    item = _item(world.mission, "operating_room")
    login_as(world.official)
    assert client.get(f"/missions/{world.mission.id}/items/{item.id}").status_code == 200
    response = client.post(f"/missions/{world.mission.id}/items/{item.id}", data={
        **_item_form(item, status="ready", provider="facility", note="Two tables, lights checked"),
        "photos": [_photo(1), _photo(2)]}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == ItemStatus.READY and len(item.photos) == 2
    names = [photo.filename for photo in item.photos]
    manage = client.get(f"/projects/{world.project.id}/mission").get_data(as_text=True)
    assert "Two tables, lights checked" in manage and "1 of " in manage

    client.post("/auth/logout")
    public = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert all(f"/media/{name}" in public for name in names)
    assert f"1 of {len(world.mission.items)} items ready" in public
    assert client.get(f"/media/{names[0]}").status_code == 200

    login_as(world.official)
    photo = item.photos[0]
    assert client.post(f"/missions/{world.mission.id}/items/{item.id}/photos/{photo.id}/remove").status_code == 302
    db.session.refresh(item)
    assert [p.filename for p in item.photos] == names[1:]


def test_at_most_five_photos_per_item(client, login_as):
    world = surgery_mission()
    item = _item(world.mission, "operating_room")
    login_as(world.official)
    response = client.post(f"/missions/{world.mission.id}/items/{item.id}", data={
        **_item_form(item), "photos": [_photo(n) for n in range(6)]}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "An item has at most 5 photos." in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.photos == []


def test_a_status_change_tells_the_accepted_volunteers_once(client, login_as):
    world = surgery_mission(surgeons=2)
    item = _item(world.mission, "oxygen_supply")
    login_as(world.official)
    client.post(f"/missions/{world.mission.id}/items/{item.id}", data=_item_form(item, status="partial"))
    client.post(f"/missions/{world.mission.id}/items/{item.id}", data=_item_form(item, status="partial", note="More"))
    told = db.session.scalars(db.select(Notification).filter_by(kind="mission_item_changed")).all()
    assert sorted(n.user_id for n in told) == sorted(s.id for s in world.surgeons)
    assert len(_events("mission.item_changed")) == 2
    login_as(world.surgeons[0])
    centre = client.get("/notifications/").get_data(as_text=True)
    assert "is now partial" in centre and world.project.title in centre


def test_editing_a_sent_back_item_clears_the_reason(client, login_as):
    world = surgery_mission()
    item = _item(world.mission, "blood_supply")
    item.sent_back_reason, item.sent_back_at = "Which blood bank? Give its agreement.", world.mission.created_at
    db.session.commit()
    login_as(world.official)
    page = client.get(f"/projects/{world.project.id}/mission").get_data(as_text=True)
    assert "Which blood bank? Give its agreement." in page and "The ministry sent this item back" in page
    client.post(f"/missions/{world.mission.id}/items/{item.id}", data=_item_form(item, note="Naryn blood bank"))
    db.session.refresh(item)
    assert item.sent_back_reason is None and item.sent_back_at is None


def test_a_signed_site_loses_its_signoff_when_an_item_leaves_ready(client, login_as):
    world = surgery_mission()
    mission = world.mission
    for item in mission.items:
        item.status = ItemStatus.READY
    mission.signoff_status = SignoffStatus.SIGNED
    db.session.commit()
    item = _item(mission, "power_backup")
    login_as(world.official)
    client.post(f"/missions/{mission.id}/items/{item.id}", data=_item_form(item, note="Still ready"))
    db.session.refresh(mission)
    assert mission.signoff_status == SignoffStatus.SIGNED
    client.post(f"/missions/{mission.id}/items/{item.id}", data=_item_form(item, status="partial"))
    db.session.refresh(mission)
    assert mission.signoff_status == SignoffStatus.SUBMITTED
    assert len(_events("mission.signoff_withdrawn")) == 1


def test_an_in_kind_provider_must_be_one_of_the_projects_in_kind_needs(client, login_as):
    world = surgery_mission()
    other = make_project(make_official(), publish=True)
    need = projects.add_need(world.official, world.project, "in_kind", item="Oxygen cylinders", quantity=10,
                             unit="cylinders")
    db.session.commit()
    other_need = next(n for n in other.needs)
    item = _item(world.mission, "oxygen_supply")
    login_as(world.official)
    for need_id, message in (("0", "Choose one of this project's in-kind needs."),
                             (str(other_need.id), "Not a valid choice")):
        response = client.post(f"/missions/{world.mission.id}/items/{item.id}",
                               data=_item_form(item, provider="in_kind_need", need=need_id))
        assert response.status_code == 422
        assert str(escape(message)) in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.need_id is None and not _events("mission.item_changed")
    response = client.post(f"/missions/{world.mission.id}/items/{item.id}",
                           data=_item_form(item, provider="in_kind_need", need=str(need.id)))
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.need_id == need.id
    assert "Oxygen cylinders" in client.get(f"/projects/{world.project.id}/mission").get_data(as_text=True)


def test_bad_item_input_changes_nothing(client, login_as):
    world = surgery_mission()
    item = _item(world.mission, "operating_room")
    login_as(world.official)
    for changes, message in (({"note": "x" * 2001}, "At most 2000 characters."),
                             ({"status": "perfect"}, "Not a valid choice"),
                             ({"provider": "santa"}, "Not a valid choice")):
        response = client.post(f"/missions/{world.mission.id}/items/{item.id}", data=_item_form(item, **changes))
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status == ItemStatus.MISSING and item.note == ""


def test_a_custom_item_is_added_and_removed_but_not_a_template_one(client, login_as):
    world = surgery_mission()
    mission = world.mission
    count = len(mission.items)
    login_as(world.official)
    assert client.post(f"/missions/{mission.id}/items", data={"name": ""}).status_code == 422
    assert client.post(f"/missions/{mission.id}/items", data={"name": "x" * 201}).status_code == 422
    assert client.post(f"/missions/{mission.id}/items", data={"name": "Generator fuel"}).status_code == 302
    db.session.refresh(mission)
    assert len(mission.items) == count + 1
    custom = db.session.scalar(db.select(ChecklistItem).filter_by(mission_id=mission.id, name="Generator fuel"))
    assert "Generator fuel" in client.get(f"/projects/{world.project.id}/mission").get_data(as_text=True)
    template_item = _item(mission, "operating_room")
    client.post(f"/missions/{mission.id}/items/{template_item.id}/remove")
    assert client.post(f"/missions/{mission.id}/items/{custom.id}/remove").status_code == 302
    db.session.expire_all()
    assert len(mission.items) == count
    assert db.session.get(ChecklistItem, template_item.id) is not None


def test_outsiders_cannot_touch_the_plan_or_the_checklist(client, login_as):
    world = surgery_mission()
    mission = world.mission
    item = _item(mission, "operating_room")
    for outsider in (world.surgeons[0], make_official(), world.ministry_member):
        login_as(outsider)
        assert client.get(f"/projects/{world.project.id}/mission").status_code == 403
        assert client.post(f"/projects/{world.project.id}/mission/plan", data=_plan_form(mission)).status_code == 403
        assert client.post(f"/missions/{mission.id}/items/{item.id}",
                           data=_item_form(item, status="ready")).status_code == 403
        assert client.post(f"/missions/{mission.id}/items", data={"name": "x"}).status_code == 403
    db.session.refresh(item)
    assert item.status == ItemStatus.MISSING and not _events("mission.plan_changed")
