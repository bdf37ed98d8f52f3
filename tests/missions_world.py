"""A surgery week run as a mission, for the missions tests: an official of At-Bashy, a health
ministry with one member (who signs sites off and grants permissions), verified surgeons whose
offers are accepted. Every part of the missions tests starts from here."""
from datetime import timedelta
from types import SimpleNamespace

from app.extensions import db
from app.models import MissionKind, Role, Sector, Skill
from app.services import ministries, pledges, profiles, projects
from app.services.missions.core import start_mission
from tests.factories import jpeg_upload, make_official, make_project, make_user


def _skill(code):
    return db.session.scalar(db.select(Skill).filter_by(code=code))


def verified_member(skill_code="surgeon", **user_fields):
    member = make_user(**user_fields)
    held = profiles.add_skill(member, _skill(skill_code))
    profiles.submit_credential(member, held.id, jpeg_upload())
    profiles.verify_credential(make_user(role=Role.MODERATOR), held, reason="Licence seen")
    return member


def health_ministry(member=None):
    """The Ministry of Health (sector "health") with ``member`` (a new moderator by default)."""
    admin = make_user(role=Role.ADMIN)
    health = db.session.scalar(db.select(Sector).filter_by(code="health"))
    ministry = ministries.save_ministry(admin, name_ky="Саламаттык сактоо министрлиги",
                                       name_ru="Министерство здравоохранения", name_en="Ministry of Health",
                                       sector_ids=[health.id])
    member = member or make_user(role=Role.MODERATOR, name="Dr Moderator")
    ministries.add_member(admin, ministry, member.email)
    return ministry, member


def surgery_mission(*, surgeons=1, slots=3, start_in_days=30, days=6, accepted=True):
    """A published surgery week with a surgeon need of ``slots`` places, run as a mission from
    ``start_in_days`` after its project starts; ``surgeons`` verified surgeons offered the whole
    week and (``accepted``) were accepted. Committed."""
    official = make_official(name="Official Asel")
    project = make_project(official, complete=True, title="Surgery week at the At-Bashy hospital")
    project.sector_id = db.session.scalar(db.select(Sector.id).filter_by(code="health"))
    start = project.starts_on + timedelta(days=start_in_days)
    end = start + timedelta(days=days)
    projects.add_need(official, project, "skill", skill=_skill("surgeon"), slots=slots, starts_on=start,
                      ends_on=end, on_site=True, verified_required=True)
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    need = next(n for n in project.needs if n.skill and n.skill.code == "surgeon")
    ministry, ministry_member = health_ministry()
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    mission = start_mission(official, project, kind=kind, starts_on=start, ends_on=end)
    offers = []
    for number in range(surgeons):
        surgeon = verified_member(name=f"Dr Surgeon {number + 1}")
        offer = pledges.offer_skill(surgeon, need, starts_on=start, ends_on=end, note="General surgeon")
        if accepted:
            pledges.accept_offer(official, offer)
        offers.append(offer)
    db.session.commit()
    return SimpleNamespace(official=official, project=project, need=need, mission=mission, kind=kind,
                           ministry=ministry, ministry_member=ministry_member, offers=offers,
                           surgeons=[offer.member for offer in offers])
