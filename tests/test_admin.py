"""Admins manage roles and reference data; nobody else can."""
import pytest

from app.extensions import db
from app.models import AuditEvent, Lsg, Municipality, Role, User
from tests.factories import make_user


def test_admin_grants_moderator_and_it_is_audited(client, login_as):
    admin = login_as(make_user(role=Role.ADMIN))
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/role", data={"role": "moderator"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == Role.MODERATOR
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="user.role_changed", target_id=user.id))
    assert event.actor_id == admin.id and event.data == {"previous": "member", "role": "moderator"}
    # The new moderator now reaches the queue.
    login_as(user)
    assert client.get("/moderation/memberships").status_code == 200


def test_admin_cannot_demote_themselves(client, login_as):
    admin = login_as(make_user(role=Role.ADMIN))
    assert client.post(f"/admin/users/{admin.id}/role", data={"role": "member"}).status_code == 403
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_admin_adds_a_municipality_and_an_lsg(client, login_as):
    login_as(make_user(role=Role.ADMIN))
    district = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-01")).district
    response = client.post("/admin/municipalities", data={
        "district": district.id, "kind": "ayil_aymak", "code": "kg-n-atb-02", "name_ky": "Кара-Суу айыл аймагы",
        "name_ru": "Кара-Суйский айылный аймак", "name_en": "Kara-Suu ayil aymak", "lat": "41.2", "lon": "75.6"})
    assert response.status_code == 302
    municipality = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-02"))
    assert municipality.district_id == district.id

    response = client.post("/admin/lsgs", data={
        "municipality": municipality.id, "name_ky": "Кара-Суу айыл өкмөтү", "name_ru": "Кара-Суйский айыл окмоту",
        "name_en": "Kara-Suu ayil okmotu"})
    assert response.status_code == 302
    assert "Kara-Suu ayil okmotu" in client.get("/lsgs/").get_data(as_text=True)


def test_bad_municipality_input_is_explained_and_saves_nothing(client, login_as):
    login_as(make_user(role=Role.ADMIN))
    before = db.session.scalar(db.select(db.func.count(Municipality.id)))
    district_id = db.session.scalar(db.select(Municipality.district_id).limit(1))
    base = {"district": district_id, "kind": "town", "name_ky": "A", "name_ru": "A", "name_en": "A"}
    outside = client.post("/admin/municipalities", data={**base, "code": "KG-X-1", "lat": "51.5", "lon": "-0.1"})
    assert outside.status_code == 422 and "outside Kyrgyzstan" in outside.get_data(as_text=True)
    duplicate = client.post("/admin/municipalities", data={**base, "code": "KG-N-ATB-01", "lat": "41.1", "lon": "75.8"})
    assert duplicate.status_code == 409 and "already exists" in duplicate.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Municipality.id))) == before


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.MODERATOR])
def test_non_admins_cannot_use_admin_pages(client, login_as, role):
    if role is not None:
        login_as(make_user(role=role))
    victim = make_user()
    municipality_id = db.session.scalar(db.select(Municipality.id).limit(1))
    counts = lambda: (db.session.scalar(db.select(db.func.count(Lsg.id))),  # noqa: E731
                      db.session.scalar(db.select(db.func.count(Municipality.id))))
    before = counts()
    expected = 302 if role is None else 403
    responses = [
        client.get("/admin/"),
        client.post(f"/admin/users/{victim.id}/role", data={"role": "admin"}),
        client.post("/admin/lsgs", data={"municipality": municipality_id, "name_ky": "X", "name_ru": "X", "name_en": "X"}),
        client.post("/admin/municipalities", data={"code": "KG-Z"}),
    ]
    assert [r.status_code for r in responses] == [expected] * 4
    db.session.refresh(victim)
    assert victim.role == Role.MEMBER and counts() == before
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.role == Role.ADMIN)) == 0
