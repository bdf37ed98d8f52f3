"""Missions, section 2: permission to practise. The officials request it with the volunteer's verified
credential, only the signing ministry's members decide (with a reason), a volunteer without it
cannot be confirmed for the dates, the volunteer sees where it stands, and the credential document
never leaves the moderators' private storage."""
import pytest
from flask import render_template_string
from flask_babel import force_locale

from app.extensions import db
from app.models import AuditEvent, MissionVolunteer, Notification, PermitStatus, ProfileSkill, Role, Skill
from app.services import ministries, pledges
from app.services.missions.permits import permit_state
from tests.factories import make_user
from tests.missions_world import health_ministry, surgery_mission

REASON = {"reason": "Licence valid in Kyrgyzstan", "grant": "Grant the permission"}
REFUSAL = {"reason": "Licence expired", "refuse": "Refuse"}


@pytest.fixture
def world(app):
    return surgery_mission(surgeons=2)


def volunteer(world, number=0):
    return db.session.scalar(db.select(MissionVolunteer).filter_by(pledge_id=world.offers[number].id))


def fresh(v):
    db.session.expire_all()
    return db.session.get(MissionVolunteer, v.id)


def request_url(world, v):
    return f"/missions/{world.mission.id}/volunteers/{v.id}/permit"


def confirm_url(world, v):
    return f"/missions/{world.mission.id}/volunteers/{v.id}/confirm"


def kinds_for(user):
    return {n.kind for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id))}


def actions():
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_request_grant_confirm(app, client, login_as, world):
    v = volunteer(world)
    surgeon = world.surgeons[0]
    login_as(world.official)
    page = client.get(f"/projects/{world.project.id}/mission/volunteers")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Dr Surgeon 1" in text and "Dr Surgeon 2" in text and "To request" in text
    assert permit_state(v) == "to_request"

    response = client.post(request_url(world, v))
    assert response.status_code == 302
    v = fresh(v)
    assert v.permit_status == PermitStatus.REQUESTED and v.permit_credential.skill.code == "surgeon"
    assert v.permit_credential.profile.user_id == surgeon.id and v.permit_requested_by_id == world.official.id
    assert "permit_requested" in kinds_for(world.ministry_member)
    assert "permit_requested_mine" in kinds_for(surgeon)
    assert "mission.permit_requested" in actions()

    login_as(world.ministry_member)
    queue = client.get("/moderation/permits").get_data(as_text=True)
    assert "Dr Surgeon 1" in queue and "Dr Surgeon 2" not in queue
    page = client.get(f"/moderation/permits/{v.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Surgeon" in text and "verified by a moderator on" in text
    assert client.post(f"/moderation/permits/{v.id}", data=REASON).status_code == 302
    v = fresh(v)
    assert v.permit_status == PermitStatus.GRANTED and v.permit_reason == "Licence valid in Kyrgyzstan"
    assert v.permit_decided_by_id == world.ministry_member.id
    assert "permit_granted" in kinds_for(surgeon)
    assert "permit_granted_officials" in kinds_for(world.official)
    assert "mission.permit_granted" in actions()
    # Decided once: a second decision is refused.
    assert client.post(f"/moderation/permits/{v.id}", data=REFUSAL).status_code == 409
    assert fresh(v).permit_status == PermitStatus.GRANTED

    login_as(world.official)
    assert client.post(confirm_url(world, v)).status_code == 302
    v = fresh(v)
    assert v.confirmed_at is not None and v.confirmed_by_id == world.official.id
    assert "volunteer_confirmed" in kinds_for(surgeon)
    assert "mission.volunteer_confirmed" in actions()
    text = client.get(f"/projects/{world.project.id}/mission/volunteers").get_data(as_text=True)
    assert "Granted" in text and "Confirmed on" in text


def test_confirm_refused_without_a_permit(app, client, login_as, world):
    v = volunteer(world)
    login_as(world.official)
    response = client.post(confirm_url(world, v))
    assert response.status_code == 409
    assert "cannot be confirmed before the ministry grants the permission" in response.get_data(as_text=True)
    assert fresh(v).confirmed_at is None
    client.post(request_url(world, v))
    assert client.post(confirm_url(world, v)).status_code == 409  # requested is not granted
    assert fresh(v).confirmed_at is None


def test_a_skill_without_a_permit_is_confirmed_directly(app, client, login_as, world):
    v = volunteer(world)
    db.session.get(Skill, v.pledge.need.skill_id).requires_permit = False
    db.session.commit()
    assert permit_state(v) == "not_needed"
    login_as(world.official)
    response = client.post(request_url(world, v))
    assert response.status_code == 409 and "does not require" in response.get_data(as_text=True)
    assert fresh(v).permit_status is None
    assert client.post(confirm_url(world, v)).status_code == 302
    assert fresh(v).confirmed_at is not None


def test_request_refused_without_a_verified_credential(app, client, login_as, world):
    v = volunteer(world)
    held = db.session.scalar(db.select(ProfileSkill).filter_by(skill_id=v.pledge.need.skill_id)
                             .join(ProfileSkill.profile).filter_by(user_id=world.surgeons[0].id))
    held.status = held.status.__class__.PENDING  # sent again, not yet checked
    db.session.commit()
    login_as(world.official)
    response = client.post(request_url(world, v))
    assert response.status_code == 409
    assert "no verified credential" in response.get_data(as_text=True)
    v = fresh(v)
    assert v.permit_status is None and v.permit_credential_id is None
    assert "mission.permit_requested" not in actions()


def test_refused_with_a_reason_then_requested_again(app, client, login_as, world):
    v = volunteer(world)
    login_as(world.official)
    client.post(request_url(world, v))
    login_as(world.ministry_member)
    # No reason: 422, nothing changed.
    response = client.post(f"/moderation/permits/{v.id}", data={"reason": "  ", "refuse": "Refuse"})
    assert response.status_code == 422 and "Please give a reason" in response.get_data(as_text=True)
    assert fresh(v).permit_status == PermitStatus.REQUESTED
    # No decision button: 422 too.
    assert client.post(f"/moderation/permits/{v.id}", data={"reason": "Hm"}).status_code == 422
    assert fresh(v).permit_status == PermitStatus.REQUESTED
    assert client.post(f"/moderation/permits/{v.id}", data=REFUSAL).status_code == 302
    v = fresh(v)
    assert v.permit_status == PermitStatus.REFUSED and v.permit_reason == "Licence expired"
    assert "permit_refused" in kinds_for(world.surgeons[0])
    assert "mission.permit_refused" in actions()

    login_as(world.surgeons[0])
    text = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Refused" in text and "Licence expired" in text

    login_as(world.official)
    assert "Request again" in client.get(f"/projects/{world.project.id}/mission/volunteers").get_data(as_text=True)
    assert client.post(request_url(world, v)).status_code == 302
    v = fresh(v)
    assert v.permit_status == PermitStatus.REQUESTED and v.permit_reason is None and v.permit_decided_at is None
    assert actions().count("mission.permit_requested") == 2
    # Requested already: not again.
    assert client.post(request_url(world, v)).status_code == 409


def test_only_the_signing_ministry_decides(app, client, login_as, world):
    v = volunteer(world)
    login_as(world.official)
    client.post(request_url(world, v))
    url = f"/moderation/permits/{v.id}"
    # The LSG's own official, even if a member of the ministry too.
    admin = make_user(role=Role.ADMIN)
    ministries.add_member(admin, world.ministry, world.official.email)
    db.session.commit()
    other_ministry, other_member = health_ministry(make_user(name="Other ministry"))
    other_ministry.sectors = [db.session.scalar(db.select(world.project.sector.__class__).filter_by(code="education"))]
    plain_moderator = make_user(role=Role.MODERATOR)
    stranger = make_user()
    db.session.commit()
    for who in (world.official, other_member, plain_moderator, stranger, world.surgeons[0]):
        login_as(who)
        assert client.get(url).status_code == 403, who.name
        assert client.post(url, data=REASON).status_code == 403, who.name
        assert url not in client.get("/moderation/permits").get_data(as_text=True)
    assert fresh(v).permit_status == PermitStatus.REQUESTED
    # Officials' side: not for the ministry, nor another LSG's official.
    login_as(world.ministry_member)
    assert client.get(f"/projects/{world.project.id}/mission/volunteers").status_code == 403
    assert client.post(request_url(world, volunteer(world, 1))).status_code == 403
    assert client.post(confirm_url(world, v)).status_code == 403
    assert fresh(volunteer(world, 1)).permit_status is None
    # A volunteer of another mission through this mission's URL: missing.
    login_as(world.official)
    assert client.post(f"/missions/{world.mission.id + 1000}/volunteers/{v.id}/confirm").status_code == 404


def test_a_non_member_has_no_queue(app, client, login_as, world):
    login_as(make_user())
    assert client.get("/moderation/permits").status_code == 403
    login_as(make_user(role=Role.MODERATOR))
    assert client.get("/moderation/permits").status_code == 403


def test_the_document_is_only_for_moderators(app, client, login_as, world):
    v = volunteer(world)
    login_as(world.official)
    client.post(request_url(world, v))
    held_id = fresh(v).permit_credential_id
    image = f"/moderation/credentials/{held_id}/image"
    # The ministry's member (not a moderator) sees the check, never the document, nor a link to it.
    member = make_user(name="Ministry clerk")
    ministries.add_member(make_user(role=Role.ADMIN), world.ministry, member.email)
    db.session.commit()
    login_as(member)
    text = client.get(f"/moderation/permits/{v.id}").get_data(as_text=True)
    assert "verified by a moderator on" in text and image not in text
    assert client.get(image).status_code in (403, 404)
    login_as(world.official)
    assert client.get(image).status_code in (403, 404)
    # The world's ministry member is a moderator: the link is there and leads to the checked route.
    login_as(world.ministry_member)
    assert image in client.get(f"/moderation/permits/{v.id}").get_data(as_text=True)
    assert client.get(image).status_code == 200


def test_the_volunteer_sees_the_status_on_the_project_page(app, client, login_as, world):
    v = volunteer(world)
    surgeon = world.surgeons[0]
    login_as(surgeon)
    text = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Permission to practise" in text and "Not yet requested" in text and "Not yet confirmed" in text
    login_as(world.official)
    client.post(request_url(world, v))
    login_as(surgeon)
    assert "Requested" in client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    login_as(world.ministry_member)
    client.post(f"/moderation/permits/{v.id}", data=REASON)
    login_as(world.official)
    client.post(confirm_url(world, v))
    login_as(surgeon)
    text = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Granted" in text and "Confirmed for" in text
    # Others see nothing of it.
    login_as(make_user())
    assert "Permission to practise" not in client.get(f"/projects/{world.project.id}").get_data(as_text=True)


def test_a_withdrawn_volunteer_is_not_listed(app, client, login_as, world):
    offer = world.offers[1]
    pledges.withdraw_pledge(world.surgeons[1], offer)
    db.session.commit()
    login_as(world.official)
    text = client.get(f"/projects/{world.project.id}/mission/volunteers").get_data(as_text=True)
    assert "Dr Surgeon 1" in text and "Dr Surgeon 2" not in text


def test_the_manage_link_counts(app, world):
    with app.test_request_context(), force_locale("en"):
        html = render_template_string('{% include "missions/permits/_manage_link.html" %}', mission=world.mission)
    assert "2 volunteers, 2 to confirm" in html


def test_a_withdrawn_volunteers_request_is_not_decided(app, client, login_as, world):
    v = volunteer(world)
    login_as(world.official)
    client.post(request_url(world, v))
    pledges.withdraw_pledge(world.surgeons[0], world.offers[0])
    db.session.commit()
    login_as(world.ministry_member)
    assert f"/moderation/permits/{v.id}" not in client.get("/moderation/permits").get_data(as_text=True)
    response = client.post(f"/moderation/permits/{v.id}", data=REASON)
    assert response.status_code == 409 and "no longer stands" in response.get_data(as_text=True)
    assert fresh(v).permit_status == PermitStatus.REQUESTED
