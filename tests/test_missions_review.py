"""Defects found in the review of the missions code (issue 13): each test failed before its fix."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import MissionVolunteer, Notification, Role, SignoffStatus
from app.services import ministries, notifications
from tests.factories import make_official, make_user
from tests.missions_world import surgery_mission


@pytest.fixture
def mission_world(app):
    return surgery_mission(surgeons=1)


def volunteer(w):
    return db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=w.offers[0].id))


def plan_data(w, **changes):
    m = w.mission
    data = {"starts_on": m.starts_on.isoformat(), "ends_on": m.ends_on.isoformat(), "facility_kind": "hospital",
            "facility_name": "At-Bashy district hospital", "facility_address": "Lenin 1",
            "lat": "41.1702", "lon": "75.8061"}
    data.update(changes)
    return data


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_mission_on_an_impossible_day_is_refused_not_a_500_later(app, client, login_as, mission_world, day):
    # Found by probing the plan form: year 1 was saved, then the volunteer's arrival form crashed
    # (OverflowError computing the earliest arrival, 7 days before the first day).
    w = mission_world
    login_as(w.official)
    response = client.post(f"/projects/{w.project.id}/mission/plan", data=plan_data(w, starts_on=day, ends_on=day))
    assert response.status_code == 422
    assert "Give a date between" in response.get_data(as_text=True)
    db.session.expire_all()
    assert w.mission.starts_on.year not in (1, 9999)
    v = volunteer(w)
    login_as(w.surgeons[0])
    arrival = (w.mission.starts_on - timedelta(days=1)).isoformat() + "T10:00"
    response = client.post(f"/missions/volunteers/{v.id}/arrival",
                           data={"flight_number": "KC109", "arrives_at": arrival, "arrival_airport": "FRU"})
    assert response.status_code == 302


def signed(w, client, login_as):
    login_as(w.official)
    assert client.post(f"/projects/{w.project.id}/mission/plan", data=plan_data(w)).status_code == 302
    assert client.post(f"/missions/{w.mission.id}/signoff/request").status_code == 302
    login_as(w.ministry_member)
    assert client.post(f"/moderation/missions/{w.mission.id}/sign", data={"reason": "Site seen"}).status_code == 302
    db.session.expire_all()
    assert w.mission.signoff_status == SignoffStatus.SIGNED
    login_as(w.official)


def test_moving_the_mission_to_another_facility_withdraws_the_site_sign_off(app, client, login_as, mission_world):
    # Found reading update_plan: the ministry signed one hospital "site ready"; after the officials
    # named another facility the public page still showed the sign-off for it.
    w = mission_world
    signed(w, client, login_as)
    response = client.post(f"/projects/{w.project.id}/mission/plan",
                           data=plan_data(w, facility_name="Naryn regional hospital", facility_address="Naryn"))
    assert response.status_code == 302
    db.session.expire_all()
    assert w.mission.signoff_status == SignoffStatus.SUBMITTED
    assert "Site ready" not in client.get(f"/projects/{w.project.id}").get_data(as_text=True)


def test_changing_only_the_volunteers_notes_keeps_the_sign_off(app, client, login_as, mission_world):
    w = mission_world
    signed(w, client, login_as)
    response = client.post(f"/projects/{w.project.id}/mission/plan", data=plan_data(w, what_to_bring="Scrubs"))
    assert response.status_code == 302
    db.session.expire_all()
    assert w.mission.signoff_status == SignoffStatus.SIGNED


def test_a_new_checklist_item_withdraws_the_site_sign_off(app, client, login_as, mission_world):
    # Found reading add_item: a new item starts "missing", yet the signed site stayed "ready".
    w = mission_world
    signed(w, client, login_as)
    assert client.post(f"/missions/{w.mission.id}/items", data={"name": "Dialysis machine"}).status_code == 302
    db.session.expire_all()
    assert w.mission.signoff_status == SignoffStatus.SUBMITTED


def test_an_official_who_is_a_ministry_member_is_not_asked_to_sign_their_own_site(app, client, login_as):
    # The request notified every member of the signing ministry, also one who is an official of the
    # LSG and may not sign it.
    w = surgery_mission(surgeons=1)
    from_lsg = make_official(w.project.lsg, name="Second official")
    ministries.add_member(make_user(role=Role.ADMIN), w.ministry, from_lsg.email)
    w.mission.facility_name = "District hospital"
    db.session.commit()
    login_as(w.official)
    client.post(f"/missions/{w.mission.id}/signoff/request")
    asked = {n.user_id for n in db.session.scalars(db.select(Notification).filter_by(kind="mission_signoff_requested"))}
    assert asked == {w.ministry_member.id}


def test_volunteers_are_told_when_the_mission_moves_to_other_dates(app, client, login_as, mission_world):
    w = mission_world
    login_as(w.official)
    moved = w.mission.starts_on + timedelta(days=1)
    response = client.post(f"/projects/{w.project.id}/mission/plan",
                           data=plan_data(w, starts_on=moved.isoformat(), ends_on=w.mission.ends_on.isoformat()))
    assert response.status_code == 302
    told = db.session.scalars(db.select(Notification).filter_by(kind="mission_dates_changed")).all()
    assert [n.user_id for n in told] == [w.surgeons[0].id]
    with force_locale("en"):
        assert moved.strftime("%Y") in notifications.text_of(told[0])
    client.post(f"/projects/{w.project.id}/mission/plan",
                data=plan_data(w, starts_on=moved.isoformat(), facility_name="Another name"))
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(kind="mission_dates_changed")) == 1


def test_someone_elses_certificate_does_not_exist_for_them(app, client, login_as, mission_world):
    w = mission_world
    login_as(make_user())
    assert client.get(f"/missions/volunteers/{volunteer(w).id}/certificate").status_code == 404
