"""The ministry's sign-off of a mission's site (issue 13, section 1): the officials send the
checklist, the sector's ministry reviews it, sends an item back, then signs the site ready — with
reasons, audited, in the public decisions log; and the admins' kinds of mission and templates."""
import threading

import pytest

from app.errors import InvalidTransition
from app.extensions import db
from app.models import (
    AuditEvent,
    ChecklistItem,
    ChecklistTemplateItem,
    ItemStatus,
    Mission,
    MissionKind,
    Notification,
    Procedure,
    Role,
    SignoffStatus,
)
from app.services import ministries
from app.services.missions import signoff as signoff_service
from tests.factories import make_membership, make_user
from tests.missions_world import health_ministry, surgery_mission


def _told(user, kind):
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind=kind)).all()


def _mission(world):
    return db.session.get(Mission, world.mission.id)


def _ready_to_send(world, facility="At-Bashy district hospital"):
    world.mission.facility_name = facility
    db.session.commit()


def _request(client, login_as, world):
    login_as(world.official)
    return client.post(f"/missions/{world.mission.id}/signoff/request")


def test_a_mission_without_its_facility_is_not_sent(app, client, login_as):
    world = surgery_mission()
    response = _request(client, login_as, world)
    assert response.status_code == 422
    assert "Name the host facility" in response.get_data(as_text=True)
    assert _mission(world).signoff_status == SignoffStatus.DRAFT


def test_send_back_an_item_then_sign_the_site(app, client, login_as):
    world = surgery_mission()
    _ready_to_send(world)
    other_ministry, outsider = health_ministry()  # a second health ministry also covers the sector
    roads_member = make_user(name="Roads person")
    roads = ministries.save_ministry(make_user(role=Role.ADMIN), name_ky="Жол", name_ru="Дороги", name_en="Roads",
                                     sector_ids=[db.session.scalar(db.select(MissionKind.sector_id).filter_by(
                                         code="engineering_week"))])
    ministries.add_member(make_user(role=Role.ADMIN), roads, roads_member.email)
    db.session.commit()
    mission_id = world.mission.id

    response = _request(client, login_as, world)
    assert response.status_code == 302
    assert _mission(world).signoff_status == SignoffStatus.SUBMITTED
    assert _told(world.ministry_member, "mission_signoff_requested")

    # The queue: the health ministry's members see it; another ministry's member sees an empty queue;
    # someone in no ministry is refused.
    login_as(world.ministry_member)
    page = client.get("/moderation/missions")
    assert page.status_code == 200 and world.project.title in page.get_data(as_text=True)
    login_as(roads_member)
    page = client.get("/moderation/missions")
    assert page.status_code == 200 and world.project.title not in page.get_data(as_text=True)
    assert client.get(f"/moderation/missions/{mission_id}").status_code == 403
    login_as(make_user())
    assert client.get("/moderation/missions").status_code == 403

    # The review page: every item with its status; one sent back with a reason.
    login_as(world.ministry_member)
    page = client.get(f"/moderation/missions/{mission_id}").get_data(as_text=True)
    assert "Operating room" in page and "At-Bashy district hospital" in page
    item = _mission(world).items[0]
    assert client.post(f"/moderation/missions/{mission_id}/items/{item.id}/send-back",
                       data={f"item-{item.id}-reason": "   "}).status_code == 422
    assert db.session.get(ChecklistItem, item.id).sent_back_at is None
    response = client.post(f"/moderation/missions/{mission_id}/items/{item.id}/send-back",
                           data={f"item-{item.id}-reason": "No photo of the operating table"})
    assert response.status_code == 302
    assert _mission(world).signoff_status == SignoffStatus.SENT_BACK
    assert db.session.get(ChecklistItem, item.id).sent_back_reason == "No photo of the operating table"
    told = _told(world.official, "mission_item_sent_back")
    assert told and told[0].params["reason"] == "No photo of the operating table"
    public = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Sent back by the ministry" in public and "No photo of the operating table" in public

    # Signing is refused while the item is sent back.
    assert client.post(f"/moderation/missions/{mission_id}/sign", data={"reason": "Fine"}).status_code == 409

    # The officials send it again: refused until the item changed.
    response = _request(client, login_as, world)
    assert response.status_code == 422
    assert "Operating room" in response.get_data(as_text=True)
    assert _mission(world).signoff_status == SignoffStatus.SENT_BACK
    changed = db.session.get(ChecklistItem, item.id)  # what the plan part does when the officials edit it
    changed.status, changed.sent_back_at = ItemStatus.READY, None
    db.session.commit()
    assert _request(client, login_as, world).status_code == 302
    assert _mission(world).signoff_status == SignoffStatus.SUBMITTED

    # Signed, with a reason; not without one.
    login_as(world.ministry_member)
    assert client.post(f"/moderation/missions/{mission_id}/sign", data={"reason": ""}).status_code == 422
    assert _mission(world).signoff_status == SignoffStatus.SUBMITTED
    response = client.post(f"/moderation/missions/{mission_id}/sign",
                           data={"reason": "Operating room and sterilisation seen on the photos"})
    assert response.status_code == 302
    mission = _mission(world)
    assert mission.signoff_status == SignoffStatus.SIGNED
    assert mission.signed_off_by_id == world.ministry_member.id and mission.signed_off_at is not None
    assert _told(world.official, "mission_signed")
    assert _told(world.surgeons[0], "mission_site_ready")
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="mission.signed", target_id=mission_id,
                                                             target_type="missions")).reason.startswith("Operating")

    # The public page names the ministry, never the person; the decisions log lists the sign-off.
    client.post("/auth/logout")
    public = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Ministry of Health" in public and "Operating room and sterilisation seen on the photos" in public
    assert "Dr Moderator" not in public
    log = client.get("/decisions").get_data(as_text=True)
    assert "Mission site signed ready" in log and "No photo" not in log
    api = client.get("/api/v1/decisions").get_json()
    assert any(d["decision"] == "mission_signed" and d["project_id"] == world.project.id
               for d in api.get("items", api.get("data", [])))
    assert outsider is not None and other_ministry is not None


def test_the_whole_checklist_sent_back_goes_to_the_decisions_log(app, client, login_as):
    world = surgery_mission()
    _ready_to_send(world)
    _request(client, login_as, world)
    login_as(world.ministry_member)
    response = client.post(f"/moderation/missions/{world.mission.id}/send-back",
                           data={"reason": "Say who brings the anaesthesia machine"})
    assert response.status_code == 302
    assert _mission(world).signoff_status == SignoffStatus.SENT_BACK
    assert _told(world.official, "mission_sent_back")
    assert "Mission checklist sent back" in client.get("/decisions").get_data(as_text=True)
    public = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Say who brings the anaesthesia machine" in public


def test_an_official_of_the_lsg_in_the_ministry_cannot_sign(app, client, login_as):
    world = surgery_mission()
    _ready_to_send(world)
    _request(client, login_as, world)
    both = make_user(name="Official and ministry")
    make_membership(both, world.project.lsg, approved=True)
    ministries.add_member(make_user(role=Role.ADMIN), world.ministry, both.email)
    db.session.commit()
    login_as(both)
    assert client.get(f"/moderation/missions/{world.mission.id}").status_code == 200
    assert client.post(f"/moderation/missions/{world.mission.id}/sign", data={"reason": "Mine"}).status_code == 403
    assert _mission(world).signoff_status == SignoffStatus.SUBMITTED
    # Nor does anyone outside the ministry, a moderator included.
    login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/moderation/missions/{world.mission.id}/sign", data={"reason": "Fine"}).status_code == 403


def test_only_its_officials_send_the_checklist(app, client, login_as):
    world = surgery_mission()
    _ready_to_send(world)
    login_as(world.ministry_member)
    assert client.post(f"/missions/{world.mission.id}/signoff/request").status_code == 403
    assert _mission(world).signoff_status == SignoffStatus.DRAFT
    assert client.post("/missions/999999/signoff/request").status_code == 404


def test_a_signed_site_is_not_decided_twice(app, client, login_as):
    world = surgery_mission()
    _ready_to_send(world)
    _request(client, login_as, world)
    login_as(world.ministry_member)
    assert client.post(f"/moderation/missions/{world.mission.id}/sign", data={"reason": "Ready"}).status_code == 302
    assert client.post(f"/moderation/missions/{world.mission.id}/sign", data={"reason": "Again"}).status_code == 409
    assert client.post(f"/moderation/missions/{world.mission.id}/send-back",
                       data={"reason": "Oops"}).status_code == 409
    assert _mission(world).signoff_reason == "Ready"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(action="project.mission_signed")) == 1


@pytest.mark.committed  # two deciders, each a thread with its own session, on the same database
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # row locks: PostgreSQL's deployment
def test_two_ministry_members_signing_at_once_sign_once(app):
    world = surgery_mission()
    world.mission.facility_name = "At-Bashy district hospital"
    signoff_service.request_signoff(world.official, world.mission)
    second = make_user(name="Second ministry member")
    ministries.add_member(make_user(role=Role.ADMIN), world.ministry, second.email)
    db.session.commit()
    mission_id, deciders = world.mission.id, [world.ministry_member.id, second.id]
    db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def decide(user_id):
        with app.app_context():
            try:
                user = db.session.get(type(world.official), user_id)
                mission = db.session.get(Mission, mission_id)
                barrier.wait()
                signoff_service.sign(user, mission, f"Ready, says {user_id}")
                db.session.commit()
                outcomes.append("signed")
            except InvalidTransition:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 — any other failure is what this test looks for
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(user_id,)) for user_id in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == ["refused", "signed"]
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(action="project.mission_signed")) == 1
    assert db.session.get(Mission, mission_id).signoff_status == SignoffStatus.SIGNED


# ---- admins


def test_admins_manage_kinds_templates_and_procedures(app, client, login_as):
    admin = make_user(role=Role.ADMIN)
    login_as(make_user(role=Role.MODERATOR))
    assert client.get("/admin/mission-kinds").status_code == 403
    assert client.post("/admin/mission-kinds", data={"form": "kind", "kind-code": "x"}).status_code == 403
    login_as(admin)
    page = client.get("/admin/mission-kinds")
    assert page.status_code == 200 and "Surgery week" in page.get_data(as_text=True)
    assert "Mission kinds" in client.get("/admin/").get_data(as_text=True)
    kinds_before = db.session.scalar(db.select(db.func.count()).select_from(MissionKind))
    bad = client.post("/admin/mission-kinds", data={"form": "kind", "kind-code": "Bad Code!", "kind-name_ky": "А",
                                                    "kind-name_ru": "Б", "kind-name_en": "C", "kind-sector": "0"})
    assert bad.status_code == 422 and "Small Latin letters" in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(MissionKind)) == kinds_before
    response = client.post("/admin/mission-kinds", data={
        "form": "kind", "kind-code": "bridge_week", "kind-name_ky": "Көпүрө жумасы", "kind-name_ru": "Неделя моста",
        "kind-name_en": "Bridge week", "kind-sector": "0"})
    assert response.status_code == 302
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="bridge_week"))
    assert kind.name_ru == "Неделя моста" and kind.sector_id is None
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="mission_kind.added", target_id=kind.id))

    assert client.post(f"/admin/mission-kinds/{kind.id}", data={
        "item-code": "crane", "item-name_ky": "Кран", "item-name_ru": "Кран", "item-name_en": "Crane",
        "item-position": "ten"}).status_code == 422
    assert client.post(f"/admin/mission-kinds/{kind.id}", data={
        "item-code": "crane", "item-name_ky": "Кран", "item-name_ru": "Кран", "item-name_en": "Crane",
        "item-position": "10"}).status_code == 302
    item = db.session.scalar(db.select(ChecklistTemplateItem).filter_by(kind_id=kind.id, code="crane"))
    assert item.position == 10 and not item.retired
    assert "Crane" in client.get(f"/admin/mission-kinds/{kind.id}").get_data(as_text=True)
    assert client.post(f"/admin/mission-kinds/items/{item.id}/retire", data={"retired": "1"}).status_code == 302
    assert db.session.get(ChecklistTemplateItem, item.id).retired
    assert client.post(f"/admin/mission-kinds/items/{item.id}/retire", data={"retired": "0"}).status_code == 302
    assert not db.session.get(ChecklistTemplateItem, item.id).retired

    assert client.post("/admin/mission-kinds", data={
        "form": "common", "common-code": "drinking_water", "common-name_ky": "Ичүүчү суу",
        "common-name_ru": "Питьевая вода", "common-name_en": "Drinking water", "common-position": "50"}).status_code == 302
    assert db.session.scalar(db.select(ChecklistTemplateItem).filter_by(kind_id=None, code="drinking_water"))
    assert client.post("/admin/mission-kinds", data={
        "form": "procedure", "procedure-code": "bridge_inspection", "procedure-name_ky": "Көпүрөнү текшерүү",
        "procedure-name_ru": "Осмотр моста", "procedure-name_en": "Bridge inspection",
        "procedure-kind": str(kind.id)}).status_code == 302
    assert db.session.scalar(db.select(Procedure).filter_by(code="bridge_inspection")).kind_id == kind.id
    assert client.post("/admin/mission-kinds", data={"form": "nonsense"}).status_code == 422

