"""Member profiles: filled through the forms, shown as their owner chose; credentials checked by moderators."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date

from app.authz import is_official_of_any
from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    AvailabilityWindow,
    District,
    MemberProfile,
    Municipality,
    ProfileSkill,
    ProfileVisibility,
    Region,
    Role,
    Sector,
    Skill,
    SkillStatus,
)
from app.services import profiles
from tests.factories import (
    jpeg_upload,
    make_lsg,
    make_membership,
    make_official,
    make_pending_credential,
    make_profile,
    make_user,
)


def by_code(model, code):
    return db.session.scalar(db.select(model).filter_by(code=code))


def events(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).all()


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def surgeon_form(**changes):
    """The profile form of a surgeon from At-Bashy who lives in Moscow."""
    form = {
        "country": "RU", "city": "Moscow",
        "home_region": by_code(Region, "KG-N").id, "home_district": by_code(District, "KG-N-ATB").id,
        "home_municipality": by_code(Municipality, "KG-N-ATB-01").id,
        "bio": "Surgeon at a Moscow city hospital, 12 years of general surgery.",
        "languages": ["ky", "ru"], "sectors": [by_code(Sector, "health").id], "visibility": "public",
        "contact_phone": "+7 912 345 67 89", "contact_messenger": "Telegram @atbashy_surgeon",
        "contact_officials_ok": "y",
    }
    form.update(changes)
    return form


def test_member_fills_a_profile_through_the_forms_and_sees_it(client, login_as):
    member = login_as(make_user(name="Aibek Surgeon"))
    page = client.get("/members/me")
    assert page.status_code == 200 and 'href="/members/me"' in page.get_data(as_text=True)

    assert client.post("/members/me", data=surgeon_form()).status_code == 302
    surgeon = by_code(Skill, "surgeon")
    assert client.post("/members/me/skills", data={"skill-skill": surgeon.id}).status_code == 302
    starts, ends = date.today() + timedelta(days=30), date.today() + timedelta(days=44)
    response = client.post("/members/me/availability",
                           data={"window-starts_on": starts.isoformat(), "window-ends_on": ends.isoformat()})
    assert response.status_code == 302

    profile = db.session.scalar(db.select(MemberProfile).filter_by(user_id=member.id))
    assert (profile.country, profile.city, profile.languages) == ("RU", "Moscow", ["ky", "ru"])
    assert profile.home_municipality.code == "KG-N-ATB-01"
    assert (profile.home_district.code, profile.home_region.code) == ("KG-N-ATB", "KG-N")
    assert [s.code for s in profile.sectors] == ["health"]
    assert profile.visibility == ProfileVisibility.PUBLIC
    assert [(h.skill.code, h.status) for h in profile.skills] == [("surgeon", SkillStatus.DECLARED)]
    assert [(w.starts_on, w.ends_on) for w in profile.windows] == [(starts, ends)]

    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    for text in ("Aibek Surgeon", "Moscow, Russia", "At-Bashy ayil aymak, At-Bashy District, Naryn Region",
                 "Surgeon", "Kyrgyz, Russian", "Health", "12 years of general surgery",
                 format_date(starts, "medium", locale="en"), "+7 912 345 67 89"):
        assert text in page, text
    assert 'class="badge badge-approved"' not in page  # declared, not verified

    editor = client.get("/members/me").get_data(as_text=True)
    assert 'value="Moscow"' in editor and "Not verified" in editor


def test_the_most_precise_home_place_brings_its_parents(app):
    user = make_user()
    profile = profiles.update_profile(user, home_municipality=by_code(Municipality, "KG-N-ATB-01"))
    assert (profile.home_district.code, profile.home_region.code) == ("KG-N-ATB", "KG-N")
    with pytest.raises(InvalidInput) as error:
        profiles.update_profile(user, home_region=by_code(Region, "KG-O"), home_district=by_code(District, "KG-N-ATB"))
    assert error.value.field == "home_district"


@pytest.mark.parametrize("url, data, message", [
    ("/members/me", lambda: surgeon_form(country="XX"), "Choose your country from the list."),
    ("/members/me", lambda: surgeon_form(home_district=by_code(District, "KG-N-KOC").id),
     "This municipality is not in the district you chose."),
    ("/members/me", lambda: surgeon_form(bio="x" * 2001), "at most 2000 characters"),
    ("/members/me", lambda: surgeon_form(contact_phone="call me"), "Enter a phone number"),
    ("/members/me/availability", lambda: {"window-starts_on": "2031-05-17", "window-ends_on": "2031-05-10"},
     "The end date is before the start date."),
])
def test_bad_profile_input_is_explained_and_saves_nothing(client, login_as, url, data, message):
    login_as(make_user())
    response = client.post(url, data=data())
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (count(MemberProfile), count(AvailabilityWindow)) == (0, 0)


def test_member_sends_a_credential_for_a_skill(client, login_as, app):
    member = login_as(make_user())
    profile = make_profile(member, skills=["surgeon"])
    held = profile.skills[0]
    response = client.post(f"/members/me/skills/{held.id}/credential",
                           data={f"credential-{held.id}-credential": jpeg_upload(filename="licence.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and held.submitted_at is not None
    assert (Path(app.config["UPLOAD_DIR"]) / "private" / held.credential_filename).is_file()  # not served by /media
    (event,) = events("credential.submitted")
    assert (event.actor_id, event.target_type, event.target_id) == (member.id, "profile_skills", held.id)
    assert "Waiting for a moderator" in client.get("/members/me").get_data(as_text=True)

    again = client.post(f"/members/me/skills/{held.id}/credential",
                        data={f"credential-{held.id}-credential": jpeg_upload()}, content_type="multipart/form-data")
    assert again.status_code == 409


def test_a_credential_that_is_not_an_image_is_refused(client, login_as):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    member = login_as(make_user())
    held = make_profile(member, skills=["nurse"]).skills[0]
    fake = FileStorage(stream=BytesIO(b"%PDF-1.4 not an image"), filename="diploma.jpg", content_type="image/jpeg")
    response = client.post(f"/members/me/skills/{held.id}/credential",
                           data={f"credential-{held.id}-credential": fake}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Only JPEG, PNG and WebP images are accepted." in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == SkillStatus.DECLARED and events("credential.submitted") == []


def test_moderator_sees_the_queue_oldest_first_and_verifies_with_a_reason(client, login_as):
    first = make_pending_credential(make_user(name="First Doctor"))
    make_pending_credential(make_user(name="Second Nurse"), skill="nurse")
    profiles.update_profile(first.profile.user, visibility="public")
    db.session.commit()
    moderator = login_as(make_user(role=Role.MODERATOR))

    queue = client.get("/moderation/credentials").get_data(as_text=True)
    assert queue.index("First Doctor") < queue.index("Second Nurse")
    detail = client.get(f"/moderation/credentials/{first.id}").get_data(as_text=True)
    assert f"/moderation/credentials/{first.id}/image" in detail
    assert client.get(f"/moderation/credentials/{first.id}/image").status_code == 200

    reason = "Licence checked in the Russian registry"
    response = client.post(f"/moderation/credentials/{first.id}", data={"reason": reason, "approve": "Verify"})
    assert response.status_code == 302
    db.session.refresh(first)
    assert (first.status, first.decided_by_id, first.decision_reason) == (SkillStatus.VERIFIED, moderator.id, reason)
    (event,) = events("credential.verified")
    assert (event.actor_id, event.target_id, event.reason) == (moderator.id, first.id, reason)
    assert "First Doctor" not in client.get("/moderation/credentials").get_data(as_text=True)

    audit = client.get("/moderation/audit?action=credential.verified").get_data(as_text=True)
    assert "Credential verified" in audit and f"Skill credentials #{first.id}" in audit

    client.post("/auth/logout")
    page = client.get(f"/members/{first.profile.user_id}").get_data(as_text=True)
    assert '<span class="badge badge-approved">verified</span>' in page


def test_reject_needs_a_reason_and_the_member_may_send_again(client, login_as):
    held = make_pending_credential()
    member = held.profile.user
    login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/credentials/{held.id}", data={"reason": "  ", "reject": "Reject"})
    assert response.status_code == 422
    assert "Please give a reason for your decision." in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and events("credential.rejected") == []

    reason = "The photo is blurred; the licence number cannot be read"
    assert client.post(f"/moderation/credentials/{held.id}", data={"reason": reason, "reject": "Reject"}).status_code == 302
    db.session.refresh(held)
    assert held.status == SkillStatus.REJECTED and events("credential.rejected")[0].reason == reason
    decided_again = client.post(f"/moderation/credentials/{held.id}", data={"reason": "Fine after all", "approve": "Verify"})
    assert decided_again.status_code == 409

    login_as(member)
    assert reason in client.get("/members/me").get_data(as_text=True)
    response = client.post(f"/members/me/skills/{held.id}/credential",
                           data={f"credential-{held.id}-credential": jpeg_upload(seed=3)}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and held.decision_reason is None


@pytest.mark.parametrize("role", [None, Role.MEMBER, "official", Role.ADMIN])
def test_only_moderators_check_credentials(client, login_as, role):
    held = make_pending_credential()
    if role == "official":
        login_as(make_official())
    elif role is not None:
        login_as(make_user(role=role))
    before = count(AuditEvent)

    queue = client.get("/moderation/credentials")
    detail = client.get(f"/moderation/credentials/{held.id}")
    post = client.post(f"/moderation/credentials/{held.id}", data={"reason": "ok", "approve": "Verify"})
    if role == Role.ADMIN:  # admins moderate too
        assert (queue.status_code, detail.status_code, post.status_code) == (200, 200, 302)
        return
    expected = 302 if role is None else 403
    assert (queue.status_code, detail.status_code, post.status_code) == (expected,) * 3
    if role is None:
        assert "/auth/login" in post.headers["Location"]
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and count(AuditEvent) == before


def test_moderator_cannot_verify_their_own_credential(client, login_as):
    moderator = make_user(role=Role.MODERATOR)
    held = make_pending_credential(moderator)
    login_as(moderator)
    response = client.post(f"/moderation/credentials/{held.id}", data={"reason": "It is me", "approve": "Verify"})
    assert response.status_code == 403
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and events("credential.verified") == []


def test_services_enforce_permissions_when_called_directly(app):
    held = make_pending_credential()
    outsiders = [make_user(), make_official(), None]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            profiles.verify_credential(outsider, held, reason="self-service")
        with pytest.raises(PermissionDenied):
            profiles.pending_credentials(outsider)
        with pytest.raises(PermissionDenied):
            profiles.credential_for_review(outsider, held.id)
        with pytest.raises(PermissionDenied):
            profiles.remove_skill(outsider, held.id)
        with pytest.raises(PermissionDenied):
            profiles.submit_credential(outsider, held.id, jpeg_upload())
    with pytest.raises(PermissionDenied):
        profiles.update_profile(None, city="Bishkek")
    owner = held.profile.user
    with pytest.raises(PermissionDenied):
        profiles.verify_credential(owner, held, reason="mine")
    db.session.rollback()
    db.session.refresh(held)
    assert held.status == SkillStatus.PENDING and held.profile.skills == [held]


VIEWERS = ["visitor", "member", "official", "moderator", "owner"]
SEES = {  # visibility -> the viewers who see the profile; contacts go only to the owner and moderators
    "public": {"visitor", "member", "official", "moderator", "owner"},
    "pledged_lsgs": {"moderator", "owner"},  # and officials of LSGs the member pledged to
    "private": {"moderator", "owner"},
}


@pytest.mark.parametrize("visibility", list(SEES))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_profile_and_contacts_are_shown_as_the_member_chose(client, login_as, visibility, viewer):
    owner = make_user(name="Aibek Surgeon", email="aibek@example.kg")
    make_profile(owner, skills=["surgeon"], country="RU", city="Moscow", visibility=visibility,
                 contact_email_ok=True, contact_phone="+7 912 345 67 89", contact_messenger="Telegram @aibek",
                 contact_officials_ok=True)
    if viewer == "owner":
        login_as(owner)
    elif viewer == "moderator":
        login_as(make_user(role=Role.MODERATOR))
    elif viewer == "official":
        login_as(make_official())
    elif viewer == "member":
        login_as(make_user())

    response = client.get(f"/members/{owner.id}")
    if viewer not in SEES[visibility]:
        assert response.status_code == 404
        assert "Aibek Surgeon" not in response.get_data(as_text=True)
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Aibek Surgeon" in page and "Moscow" in page
    contacts_shown = viewer in ("owner", "moderator")
    for secret in ("+7 912 345 67 89", "Telegram @aibek", "aibek@example.kg"):
        assert (secret in page) == contacts_shown, secret


def test_a_member_without_a_profile_has_no_page(client):
    assert client.get(f"/members/{make_user().id}").status_code == 404
    assert client.get("/members/9999").status_code == 404


def test_officials_count_only_for_the_lsgs_they_were_approved_for(app):
    lsg, other = make_lsg(), make_lsg("KG-N-KOC-01", name="Kochkor ayil okmotu")
    official = make_official(lsg)
    pending = make_user()
    make_membership(pending, other)
    assert is_official_of_any(official, {lsg.id}) and not is_official_of_any(official, {other.id})
    assert not is_official_of_any(pending, {other.id}) and not is_official_of_any(official, set())
    assert profiles.lsgs_pledged_to(official) == set()


def test_skills_and_dates_are_removed_by_their_owner_only(client, login_as):
    owner = make_user()
    profile = make_profile(owner, skills=["surgeon"])
    window = profiles.add_availability(owner, starts_on=date.today(), ends_on=date.today() + timedelta(days=7))
    db.session.commit()
    held_id, window_id = profile.skills[0].id, window.id

    login_as(make_user())
    assert client.post(f"/members/me/skills/{held_id}/delete").status_code == 403
    assert client.post(f"/members/me/availability/{window_id}/delete").status_code == 403
    assert (count(ProfileSkill), count(AvailabilityWindow)) == (1, 1)

    login_as(owner)
    assert client.post(f"/members/me/skills/{held_id}/delete").status_code == 302
    assert client.post(f"/members/me/availability/{window_id}/delete").status_code == 302
    assert (count(ProfileSkill), count(AvailabilityWindow)) == (0, 0)


def test_visitors_must_log_in_to_edit_a_profile(client):
    for response in (client.get("/members/me"), client.post("/members/me", data={"city": "Osh"})):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert count(MemberProfile) == 0


@pytest.mark.parametrize("who, expected", [("visitor", 302), ("owner", 403), ("member", 403), ("moderator", 200)])
def test_credential_scans_are_private(client, login_as, who, expected):
    """A licence scan is served only to moderators, through a checked route, never from /media."""
    owner = make_user()
    held = make_pending_credential(owner)
    if who == "owner":
        login_as(owner)
    elif who == "member":
        login_as(make_user())
    elif who == "moderator":
        login_as(make_user(role=Role.MODERATOR))
    response = client.get(f"/moderation/credentials/{held.id}/image")
    assert response.status_code == expected
    if expected == 200:
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/media/{held.credential_filename}").status_code == 404


def test_opening_the_editor_writes_nothing(client, login_as):
    """Regression: a first GET of /members/me inserted the profile row, so two first visits at
    once could collide on the unique user. Only saving something creates it."""
    from app.models import MemberProfile

    login_as(make_user())
    assert client.get("/members/me").status_code == 200
    assert db.session.scalar(db.select(db.func.count(MemberProfile.id))) == 0
    assert client.post("/members/me", data={"city": "Moscow", "visibility": "private"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(MemberProfile.id))) == 1
