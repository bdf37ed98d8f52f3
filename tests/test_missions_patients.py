"""Missions, section 3 and section 5's report (issue 13): the facility's counts of patients waiting
(numbers only), shown on the project page, and the report after the mission, published as a
project update, which moves the patients waiting down by the operations performed."""
import io
from datetime import date, datetime, timedelta

import pytest

from app.errors import Conflict, InvalidInput, PermissionDenied
from app.extensions import db
from app.models import AuditEvent, MissionReport, Notification, PatientCount, Photo, Procedure, ProjectUpdate
from app.services import follows
from app.services.missions import patients as service
from tests.authz_world import jpeg_bytes
from tests.factories import make_official, make_user
from tests.missions_world import surgery_mission


def _procedure(code):
    return db.session.scalar(db.select(Procedure).filter_by(code=code))


def _count_form(**fields):
    data = {"counted_on": date.today().isoformat(), "screened": "120", "ready": "40", "more_tests": "30",
            "not_suitable": "50", "waiting_hernia_repair": "25", "waiting_cataract_surgery": "10"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _counts(mission):
    return db.session.scalar(db.select(db.func.count()).select_from(PatientCount)
                             .where(PatientCount.mission_id == mission.id))


def _at_mission(clock, world, days=2):
    clock.set(datetime.combine(world.mission.starts_on + timedelta(days=days), datetime.min.time()) + timedelta(hours=9))


def test_a_count_of_120_and_40_shows_on_the_project_page(client, login_as):
    world = surgery_mission()
    login_as(world.official)
    page = client.get(f"/projects/{world.project.id}/mission/patients")
    assert page.status_code == 200
    assert "names, diagnoses" in page.get_data(as_text=True)
    response = client.post(f"/projects/{world.project.id}/mission/patients", data=_count_form())
    assert response.status_code == 302
    count = db.session.scalar(db.select(PatientCount).filter_by(mission_id=world.mission.id))
    assert (count.screened, count.ready, count.more_tests, count.not_suitable) == (120, 40, 30, 50)
    assert sorted((line.procedure.code, line.waiting) for line in count.lines) == [
        ("cataract_surgery", 10), ("hernia_repair", 25)]
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="mission.patients_counted")) is not None
    history = client.get(f"/projects/{world.project.id}/mission/patients").get_data(as_text=True)
    assert "Hernia repair: 25" in history
    client.post("/auth/logout")
    text = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "120 patients screened, 40 waiting for surgery" in text
    assert "Hernia repair: 25" in text and "Cataract surgery: 10" in text


def test_the_latest_count_is_the_newest_date(app):
    world = surgery_mission()
    today = date.today()
    service.record_count(world.official, world.mission, counted_on=today, screened=100, ready=30)
    service.record_count(world.official, world.mission, counted_on=today - timedelta(days=5), screened=80, ready=20)
    figures = service.public_figures(world.mission)
    assert (figures.screened, figures.waiting, figures.counted_on) == (100, 30, today)
    service.record_count(world.official, world.mission, counted_on=today, screened=110, ready=35)
    assert service.public_figures(world.mission).screened == 110


def test_no_count_no_figures(app):
    world = surgery_mission()
    assert service.public_figures(world.mission) is None
    assert "patients screened" not in world.project.title  # the page test below checks the page


@pytest.mark.parametrize("fields, field", [
    ({"ready": "100", "more_tests": "30"}, "ready"),  # triaged more than screened
    ({"waiting_hernia_repair": "35", "waiting_cataract_surgery": "10"}, "waiting_hernia_repair"),  # lines over ready
    ({"screened": "-1"}, "screened"),
    ({"waiting_hernia_repair": "-3"}, "waiting_hernia_repair"),
    ({"counted_on": (date.today() + timedelta(days=2)).isoformat()}, "counted_on"),
    ({"screened": "9" * 30}, "screened"),
    ({"screened": "5000000", "ready": "40"}, "screened"),
    ({"screened": "abc"}, "screened"),
    ({"counted_on": "2027-02-30"}, "counted_on"),
    ({"screened": None}, "screened"),
])
def test_invalid_counts_are_refused_next_to_their_field(client, login_as, fields, field):
    world = surgery_mission()
    login_as(world.official)
    response = client.post(f"/projects/{world.project.id}/mission/patients", data=_count_form(**fields))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _counts(world.mission) == 0


def test_errors_are_in_the_users_language(client, login_as):
    world = surgery_mission()
    official = world.official
    official.locale = "ru"
    db.session.commit()
    login_as(official)
    response = client.post(f"/projects/{world.project.id}/mission/patients",
                           data=_count_form(ready="100", more_tests="30"))
    assert response.status_code == 422
    assert "не могут превышать" in response.get_data(as_text=True)


def test_only_the_officials_record_counts(client, login_as):
    world = surgery_mission()
    path = f"/projects/{world.project.id}/mission/patients"
    assert client.get(path).status_code == 302  # to the login page
    for user in (world.surgeons[0], world.ministry_member, make_official(), make_user()):
        login_as(user)
        assert client.get(path).status_code == 403
        assert client.post(path, data=_count_form()).status_code == 403
    assert _counts(world.mission) == 0
    with pytest.raises(PermissionDenied):
        service.record_count(world.surgeons[0], world.mission, counted_on=date.today(), screened=1, ready=1)


def test_a_project_without_a_mission_has_no_patients_page(client, login_as):
    world = surgery_mission()
    login_as(world.official)
    assert client.get("/projects/999999/mission/patients").status_code == 404


def _report_form(**fields):
    data = {"performed_hernia_repair": "25", "performed_cataract_surgery": "10", "patients_seen": "60",
            "body": "A good week at the At-Bashy hospital.", "follow_up": "Check-ups in a month at the health post."}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_the_report_is_an_update_with_photos_and_the_waiting_drops(client, login_as, clock):
    world = surgery_mission()
    follower = make_user(name="Follower")
    follows.follow(follower, "project", world.project.id)
    service.record_count(world.official, world.mission, counted_on=date.today(), screened=120, ready=40,
                         waiting={_procedure("hernia_repair").id: 25, _procedure("cataract_surgery").id: 12})
    db.session.commit()
    _at_mission(clock, world)
    login_as(world.official)
    path = f"/projects/{world.project.id}/mission/report"
    assert client.get(path).status_code == 200
    data = _report_form()
    data["photos"] = [(io.BytesIO(jpeg_bytes(seed)), f"p{seed}.jpg") for seed in range(2)]
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    report = db.session.scalar(db.select(MissionReport).filter_by(mission_id=world.mission.id))
    assert (report.operations, report.patients_seen) == (35, 60)
    update = db.session.get(ProjectUpdate, report.update_id)
    assert "A good week" in update.body and "35 operations performed, 60 patients seen" in update.body
    assert "Check-ups in a month" in update.body
    assert len(db.session.scalars(db.select(Photo).filter_by(update_id=update.id)).all()) == 2
    latest = service.latest_count(world.mission)
    assert latest.from_report and (latest.screened, latest.ready) == (120, 5)
    assert sorted((line.procedure.code, line.waiting) for line in latest.lines) == [
        ("cataract_surgery", 2), ("hernia_repair", 0)]
    assert latest.counted_on == clock.now.date()
    told = db.session.scalars(db.select(Notification).filter_by(user_id=follower.id, kind="project_update")).all()
    assert len(told) == 1
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="mission.reported")) is not None
    client.post("/auth/logout")
    text = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "120 patients screened, 5 waiting for surgery" in text
    assert "35 operations performed, 60 patients seen" in text


def test_a_second_report_is_a_conflict(client, login_as, clock):
    world = surgery_mission()
    _at_mission(clock, world)
    login_as(world.official)
    path = f"/projects/{world.project.id}/mission/report"
    assert client.post(path, data=_report_form()).status_code == 302
    response = client.post(path, data=_report_form(patients_seen="70"))
    assert response.status_code == 409
    assert "already has its report" in response.get_data(as_text=True)
    assert len(db.session.scalars(db.select(MissionReport)).all()) == 1
    with pytest.raises(Conflict):
        service.report_mission(world.official, world.mission, performed={}, patients_seen=1)


def test_a_report_without_a_count_moves_nothing(app, clock):
    world = surgery_mission()
    _at_mission(clock, world)
    service.report_mission(world.official, world.mission, performed={_procedure("hernia_repair").id: 3},
                           patients_seen=10)
    assert service.latest_count(world.mission) is None
    assert world.mission.report.operations == 3


def test_the_report_waits_for_the_first_day(client, login_as):
    world = surgery_mission()
    login_as(world.official)
    path = f"/projects/{world.project.id}/mission/report"
    assert "first day" in client.get(path).get_data(as_text=True)
    response = client.post(path, data=_report_form())
    assert response.status_code == 422
    assert "first day" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(MissionReport)).all() == []
    with pytest.raises(InvalidInput):
        service.report_mission(world.official, world.mission, performed={}, patients_seen=1)


@pytest.mark.parametrize("fields, field", [
    ({"patients_seen": "-1"}, "patients_seen"),
    ({"patients_seen": None}, "patients_seen"),
    ({"performed_hernia_repair": "9" * 20}, "performed_hernia_repair"),
    ({"performed_hernia_repair": "-2"}, "performed_hernia_repair"),
])
def test_invalid_reports_are_refused(client, login_as, clock, fields, field):
    world = surgery_mission()
    _at_mission(clock, world)
    login_as(world.official)
    response = client.post(f"/projects/{world.project.id}/mission/report", data=_report_form(**fields))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalars(db.select(MissionReport)).all() == []


def test_at_most_six_photos(client, login_as, clock):
    world = surgery_mission()
    _at_mission(clock, world)
    login_as(world.official)
    data = _report_form()
    data["photos"] = [(io.BytesIO(jpeg_bytes(seed)), f"p{seed}.jpg") for seed in range(7)]
    response = client.post(f"/projects/{world.project.id}/mission/report", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalars(db.select(MissionReport)).all() == []


def test_only_the_officials_report(client, login_as, clock):
    world = surgery_mission()
    _at_mission(clock, world)
    path = f"/projects/{world.project.id}/mission/report"
    for user in (world.surgeons[0], world.ministry_member, make_official()):
        login_as(user)
        assert client.post(path, data=_report_form()).status_code == 403
    assert db.session.scalars(db.select(MissionReport)).all() == []
