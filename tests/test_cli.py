"""The operator's commands: seed, demo, users create-admin, users grant."""
import os
import stat

import pytest

from app.extensions import db
from app.models import (AuditEvent, District, Lsg, LsgMembership, MembershipStatus, MissionVolunteer, Project,
                        ProjectStatus, Region, Role, User)
from tests.factories import make_user


@pytest.fixture(autouse=True)
def instance_dir(app, tmp_path, monkeypatch):
    """`flask demo` writes its passwords under the instance folder: a scratch one, not the checkout's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance"


def _printed_credentials(output):
    return {fields[0]: fields[1] for fields in (line.split() for line in output.splitlines())
            if fields and fields[0].endswith("@birge.example")}


def test_seed_is_idempotent_and_complete(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 regions added" in result.output  # the fixture already seeded; nothing doubles
    assert db.session.scalar(db.select(db.func.count(Region.id))) == 9
    assert db.session.scalar(db.select(db.func.count(District.id))) == 42
    at_bashy = db.session.scalar(db.select(District).filter_by(code="KG-N-ATB"))
    assert (at_bashy.name_ky, at_bashy.name_ru, at_bashy.name_en) == (
        "Ат-Башы району", "Ат-Башинский район", "At-Bashy District")
    assert at_bashy.region.code == "KG-N"


def test_create_admin_and_grant_moderator(runner):
    result = runner.invoke(args=["users", "create-admin", "root@example.kg", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(User).filter_by(email="root@example.kg"))
    assert admin.role == Role.ADMIN and admin.check_password("a long password")

    user = make_user(email="mod@example.kg")
    result = runner.invoke(args=["users", "grant", "moderator", "MOD@example.kg"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.role == Role.MODERATOR
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="user.role_changed", target_id=user.id))
    assert event.actor_id is None and event.reason == "flask users grant moderator"


def test_grant_to_unknown_user_fails_clearly(runner):
    result = runner.invoke(args=["users", "grant", "moderator", "ghost@example.kg"])
    assert result.exit_code != 0 and "No user with the email ghost@example.kg" in result.output


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create-admin", "root@example.kg", "--password", "short"])
    assert result.exit_code != 0 and "The password must have between 8 and 128 characters." in result.output
    assert db.session.scalar(db.select(User).filter_by(email="root@example.kg")) is None


def test_demo_loads_once_and_prints_working_passwords(runner, client):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    credentials = _printed_credentials(result.output)
    assert {"admin@birge.example", "moderator@birge.example"} <= set(credentials)
    assert db.session.scalar(db.select(db.func.count(Lsg.id))) == 4
    approved = db.session.scalar(db.select(db.func.count(LsgMembership.id)).filter_by(status=MembershipStatus.APPROVED))
    assert approved == 4

    response = client.post("/auth/login", data={"email": "moderator@birge.example",
                                                "password": credentials["moderator@birge.example"]})
    assert response.status_code == 302
    assert "Эрмек Сыдыков" in client.get("/moderation/memberships").get_data(as_text=True)

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert db.session.scalar(db.select(db.func.count(Lsg.id))) == 4


def test_demo_shows_published_projects_of_every_kind_with_photos(runner, client):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    listing = client.get("/projects/").get_data(as_text=True)
    for title in ("Ат-Башы дарыясы аркылуу жөө көпүрө", "Ремонт ФАП в селе Кызыл-Суу",
                  "New roof for School No. 3 in Nookat", "Водопровод для улицы Ленина в Токтогуле",
                  "Хирургиялык жума: Ат-Башы райондук ооруканасы"):
        assert title in listing
    surgery = db.session.scalar(db.select(Project).filter_by(title="Хирургиялык жума: Ат-Башы райондук ооруканасы"))
    assert sorted(n.skill.code for n in surgery.needs if n.skill) == ["anaesthetist", "nurse", "surgeon"]
    page = client.get(f"/projects/{surgery.id}").get_data(as_text=True)
    assert "1 of 3 places filled" in page  # the demo surgeon's accepted offer
    photo = page.split('/media/')[1].split('"')[0]
    assert client.get(f"/media/{photo}").status_code == 200
    assert db.session.scalar(db.select(db.func.count(Project.id)).where(Project.status == ProjectStatus.SUBMITTED)) == 1


def test_demo_keeps_its_passwords_in_a_file_only_the_owner_reads(runner, client, instance_dir):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    path = instance_dir / "demo-accounts.txt"
    assert f"These passwords are also in {path}" in result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    printed = _printed_credentials(result.output)
    assert len(printed) == 9
    assert _printed_credentials(path.read_text(encoding="utf-8")) == printed
    official = db.session.scalar(db.select(User).filter_by(email="atbashy@birge.example"))
    assert official.check_password(printed["atbashy@birge.example"])

    written = path.read_bytes()
    again = runner.invoke(args=["demo", "--if-empty"])  # the next `make run`
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert f"The demo accounts and their passwords are in {path}." in again.output
    assert path.read_bytes() == written and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_demo_replaces_a_file_left_by_an_earlier_database(runner, instance_dir):
    instance_dir.mkdir()
    stale = instance_dir / "demo-accounts.txt"
    stale.write_text("admin@birge.example old-password admin\n")
    stale.chmod(0o644)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "old-password" not in stale.read_text(encoding="utf-8")
    assert _printed_credentials(stale.read_text(encoding="utf-8")) == _printed_credentials(result.output)
    assert stat.S_IMODE(os.stat(stale).st_mode) == 0o600


def test_demo_has_a_mission_being_organised(runner, client):
    """The Nookat children's surgery week: checklist nearly ready and signed, patients counted, and
    Aibek's itinerary with his permission granted and his flight; the At-Bashy week stays a plain
    project for a new user to turn into a mission."""
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    week = db.session.scalar(db.select(Project).filter_by(title="Балдар хирургиясы жумасы: Ноокат райондук ооруканасы"))
    page = client.get(f"/projects/{week.id}").get_data(as_text=True)
    assert "10 of 12 items ready" in page and "Site ready" in page
    assert "85 patients screened, 28 waiting for surgery" in page
    assert "+996 3230 5 01 02" not in page  # the coordinator's phone is for the volunteers only
    at_bashy = db.session.scalar(db.select(Project).filter_by(title="Хирургиялык жума: Ат-Башы райондук ооруканасы"))
    assert "mission-heading" not in client.get(f"/projects/{at_bashy.id}").get_data(as_text=True)

    credentials = _printed_credentials(result.output)
    client.post("/auth/login", data={"email": "aibek@birge.example", "password": credentials["aibek@birge.example"]})
    volunteer = db.session.scalar(db.select(MissionVolunteer))
    itinerary = client.get(f"/missions/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "SU1880" in itinerary and "+996 3230 5 01 02" in itinerary
