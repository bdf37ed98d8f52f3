"""Missions, section 5 of issue 13 (without the report): hours given, the value of volunteer work
beside the money (never in it), a diaspora share that counts volunteer work, certificates of
volunteering (print view and PDF) and their public check."""
import re
from datetime import datetime, time, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, CofinancingShare, MissionVolunteer, Role, ShareSource, SignoffStatus
from app.services import projects
from app.services.missions import certificates
from tests.factories import make_user
from tests.missions_world import surgery_mission


def _at(day, hour=12):
    return datetime.combine(day, time(hour))


def _hours(client, world, hours):
    data = {f"hours_{v.id}": str(h) for v, h in zip(world.mission.volunteers, hours)}
    return client.post(f"/projects/{world.project.id}/mission/hours", data=data)


def _with_hours(client, login_as, clock, *, surgeons=2, hours=(120, 120)):
    world = surgery_mission(surgeons=surgeons)
    clock.set(_at(world.mission.starts_on + timedelta(days=2)))
    login_as(world.official)
    response = _hours(client, world, hours)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return world


def _ended(clock, world):
    clock.set(_at(world.mission.ends_on + timedelta(days=1)))


def _text(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# ---------------------------------------------------------------- hours


def test_hours_form_suggests_eight_a_day_and_records_hours_audited(app, client, login_as, clock):
    world = surgery_mission(surgeons=1)
    clock.set(_at(world.mission.starts_on))
    login_as(world.official)
    page = _text(client.get(f"/projects/{world.project.id}/mission/hours"))
    days = (world.mission.ends_on - world.mission.starts_on).days + 1
    assert "Dr Surgeon 1" in page and f'placeholder="{days * 8}"' in page
    assert _hours(client, world, [days * 8]).status_code == 302
    volunteer = db.session.get(MissionVolunteer, world.mission.volunteers[0].id)
    assert volunteer.hours == days * 8
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="mission.hours_recorded", target_id=volunteer.id))
    assert event.actor_id == world.official.id and event.data["hours"] == days * 8


def test_hours_beyond_24_a_day_are_refused_next_to_the_field(app, client, login_as, clock):
    world = surgery_mission(surgeons=1)
    clock.set(_at(world.mission.starts_on))
    login_as(world.official)
    days = (world.mission.ends_on - world.mission.starts_on).days + 1
    response = _hours(client, world, [days * 24 + 1])
    assert response.status_code == 422
    assert "field-error" in response.get_data(as_text=True)
    response = client.post(f"/projects/{world.project.id}/mission/hours",
                           data={f"hours_{world.mission.volunteers[0].id}": "-3"})
    assert response.status_code == 422
    assert db.session.get(MissionVolunteer, world.mission.volunteers[0].id).hours is None


def test_hours_are_not_recorded_before_the_first_day(app, client, login_as, clock):
    world = surgery_mission(surgeons=1)
    clock.set(_at(world.mission.starts_on - timedelta(days=1)))
    login_as(world.official)
    assert "first day" in client.get(f"/projects/{world.project.id}/mission/hours").get_data(
        as_text=True)
    assert _hours(client, world, [8]).status_code in (403, 422)
    assert db.session.get(MissionVolunteer, world.mission.volunteers[0].id).hours is None


def test_only_the_missions_officials_record_hours(app, client, login_as, clock):
    world = surgery_mission(surgeons=1)
    clock.set(_at(world.mission.starts_on))
    for user in (world.surgeons[0], world.ministry_member, make_user()):
        login_as(user)
        assert client.get(f"/projects/{world.project.id}/mission/hours").status_code == 403
        assert _hours(client, world, [8]).status_code == 403
    assert db.session.get(MissionVolunteer, world.mission.volunteers[0].id).hours is None


# ---------------------------------------------------------------- the value of volunteer work


def test_hours_value_shows_on_the_project_and_beside_the_money_never_in_money_totals(app, client, login_as, clock):
    world = surgery_mission(surgeons=2)
    client.post("/auth/logout")
    before = _text(client.get(f"/projects/{world.project.id}"))
    received_total = re.search(r'<tfoot>.*?</tfoot>', before).group(0)
    clock.set(_at(world.mission.starts_on + timedelta(days=1)))
    login_as(world.official)
    assert _hours(client, world, [120, 120]).status_code == 302
    client.post("/auth/logout")
    page = _text(client.get(f"/projects/{world.project.id}"))
    assert "Volunteer work: 240 hours, worth KGS360,000" in page
    assert "240 hours given, worth" in page  # the mission panel
    assert "360,000" in page  # 240 h × 1,500 KGS (the surgeon's hourly value)
    # Never in the money: the plan's totals and the ledger are what they were.
    assert re.search(r'<tfoot>.*?</tfoot>', page).group(0) == received_total
    value = certificates.volunteer_value(world.mission)
    assert (value.hours, value.value, value.unvalued_hours) == (240, 360_000_00, 0)


def test_hours_of_a_skill_without_hourly_value_count_in_hours_only(app, client, login_as, clock):
    world = surgery_mission(surgeons=1)
    world.need.skill.hourly_value = None
    db.session.commit()
    clock.set(_at(world.mission.starts_on))
    login_as(world.official)
    _hours(client, world, [40])
    value = certificates.volunteer_value(world.mission)
    assert (value.hours, value.value, value.unvalued_hours) == (40, 0, 40)
    page = _text(client.get(f"/projects/{world.project.id}"))
    assert "counted in hours, not in the value" in page


def test_no_hours_no_volunteer_value(app, client):
    world = surgery_mission(surgeons=1)
    assert certificates.volunteer_value(world.mission) is None
    assert "Volunteer work:" not in _text(client.get(f"/projects/{world.project.id}"))


def test_diaspora_share_counting_volunteer_work_shows_it_apart(app, client, login_as, clock):
    world = surgery_mission(surgeons=2)
    project = world.project
    diaspora = next(s for s in project.shares if s.source == ShareSource.DIASPORA)
    planned = diaspora.planned
    projects.remove_share(world.official, project, diaspora.id)
    projects.add_share(world.official, project, source="diaspora", planned=planned, counts_volunteer_work=True)
    projects.submit_project(world.official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="Plan checked")
    db.session.commit()
    assert any(s.get("counts_volunteer_work") for s in project.published_snapshot["shares"])  # survives publishing
    clock.set(_at(world.mission.starts_on))
    login_as(world.official)
    _hours(client, world, [120, 120])
    client.post("/auth/logout")
    page = _text(client.get(f"/projects/{project.id}"))
    assert "of which volunteer work: KGS360,000" in page
    assert "money received: KGS0" in page  # the money part stays the money received
    assert 'class="two-part-bar"' in page


def test_share_without_the_flag_shows_no_volunteer_part(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock)
    page = _text(client.get(f"/projects/{world.project.id}"))
    assert "Volunteer work: 240 hours" in page and "of which volunteer work" not in page


def test_editor_ticks_counts_volunteer_work_on_a_diaspora_share_only(app, client, login_as):
    world = surgery_mission(surgeons=0)
    login_as(world.official)
    response = client.post(f"/projects/{world.project.id}/shares", data={
        "share-source": "diaspora", "share-planned": "100", "share-received": "0",
        "share-counts_volunteer_work": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    share = db.session.scalars(db.select(CofinancingShare).filter_by(project_id=world.project.id)
                               .order_by(CofinancingShare.id.desc())).first()
    assert share.counts_volunteer_work and share.source == ShareSource.DIASPORA
    response = client.post(f"/projects/{world.project.id}/shares", data={
        "share-source": "lsg", "share-planned": "100", "share-received": "0", "share-counts_volunteer_work": "y"})
    assert response.status_code == 422
    assert "Only the diaspora" in response.get_data(as_text=True)


# ---------------------------------------------------------------- certificates


def test_no_certificate_before_the_end(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock)
    volunteer = world.mission.volunteers[0]
    login_as(world.surgeons[0])
    assert client.get(f"/missions/volunteers/{volunteer.id}/certificate").status_code == 404
    assert client.get(f"/missions/volunteers/{volunteer.id}/certificate.pdf").status_code == 404
    assert db.session.get(MissionVolunteer, volunteer.id).certificate_code is None


def test_no_certificate_without_hours(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock, hours=(120, 0))
    _ended(clock, world)
    login_as(world.surgeons[1])
    volunteer = world.mission.volunteers[1]
    assert client.get(f"/missions/volunteers/{volunteer.id}/certificate").status_code == 404
    assert db.session.get(MissionVolunteer, volunteer.id).certificate_code is None


def test_volunteer_gets_a_certificate_with_a_stable_code_and_downloads_the_pdf(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock)
    world.mission.signoff_status = SignoffStatus.SIGNED
    world.mission.signed_off_by = world.ministry_member
    world.mission.signed_off_at = _at(world.mission.starts_on - timedelta(days=10))
    db.session.commit()
    _ended(clock, world)
    volunteer = world.mission.volunteers[0]
    login_as(world.surgeons[0])
    # The project page links the volunteer to it.
    assert f"/missions/volunteers/{volunteer.id}/certificate" in client.get(f"/projects/{world.project.id}").get_data(
        as_text=True)
    page = _text(client.get(f"/missions/volunteers/{volunteer.id}/certificate"))
    db.session.expire_all()
    code = db.session.get(MissionVolunteer, volunteer.id).certificate_code
    assert code and len(code) == 12 and set(code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    shown = certificates.formatted_code(code)
    for fact in ("Dr Surgeon 1", "Surgeon", "120", "Official Asel", shown, f"/certificates/{shown}",
                 "Site signed ready by Ministry of Health on", "Certificate of volunteering"):
        assert fact in page, fact
    assert str(world.project.lsg.name) in page
    # Stable: a second view keeps the code.
    client.get(f"/missions/volunteers/{volunteer.id}/certificate")
    db.session.expire_all()
    assert db.session.get(MissionVolunteer, volunteer.id).certificate_code == code
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="mission.certificate_issued", target_id=volunteer.id)) == 1
    response = client.get(f"/missions/volunteers/{volunteer.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.data
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert shown.encode() in body  # the document's subject carries the code


def test_the_pdf_writes_kyrgyz_letters_with_the_vendored_font(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock, surgeons=1, hours=(40,))
    _ended(clock, world)
    world.surgeons[0].locale = "ky"  # the volunteer's language
    db.session.commit()
    login_as(world.surgeons[0])
    volunteer = world.mission.volunteers[0]
    response = client.get(f"/missions/volunteers/{volunteer.id}/certificate.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert b"DejaVuSans" in response.data  # the embedded font, not a system one
    assert "Ыктыярчылык" in client.get(f"/missions/volunteers/{volunteer.id}/certificate").get_data(as_text=True)


def test_another_member_cannot_open_someones_certificate(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock)
    _ended(clock, world)
    volunteer = world.mission.volunteers[0]
    for user in (world.surgeons[1], make_user(), world.ministry_member):
        login_as(user)
        assert client.get(f"/missions/volunteers/{volunteer.id}/certificate").status_code == 404
        assert client.get(f"/missions/volunteers/{volunteer.id}/certificate.pdf").status_code == 404
    login_as(world.official)
    assert client.get(f"/missions/volunteers/{volunteer.id}/certificate").status_code == 200


def test_code_verifies_at_its_public_url_for_a_visitor(app, client, login_as, clock):
    world = _with_hours(client, login_as, clock)
    _ended(clock, world)
    volunteer = world.mission.volunteers[0]
    login_as(world.surgeons[0])
    client.get(f"/missions/volunteers/{volunteer.id}/certificate")
    code = db.session.get(MissionVolunteer, volunteer.id).certificate_code
    client.post("/auth/logout")
    shown = certificates.formatted_code(code)
    page = _text(client.get(f"/certificates/{shown}"))
    assert "This certificate is genuine" in page and "Dr Surgeon 1" in page and "120" in page
    # Any case, spaces and dashes ignored; the lookup form goes to the same page.
    assert client.get(f"/certificates/{code.lower()}").status_code == 200
    response = client.get("/certificates", query_string={"code": f" {code[:4].lower()} {code[4:8]}-{code[8:]} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificates/{shown}")


def test_a_wrong_code_says_so(app, client):
    response = client.get("/certificates/ABCD-EFGH-JKMN")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)
    response = client.get("/certificates", query_string={"code": "nothing-like-it-at-all"})
    assert response.status_code == 404 and "No certificate has this code" in response.get_data(as_text=True)
    assert client.get("/certificates").status_code == 200


@pytest.mark.parametrize("lang, words", [("ky", "Сертификатты текшерүү"), ("ru", "Проверить сертификат")])
def test_verification_page_in_kyrgyz_and_russian(app, client, lang, words):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    assert words in client.get("/certificates").get_data(as_text=True)


def test_the_public_check_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_LOOKUP_RATE_LIMIT", "3 per minute")
    statuses = [client.get("/certificates/ABCD-EFGH-JKMN").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert client.get("/certificates", query_string={"code": "ABCD"}).status_code == 429  # one budget for both
