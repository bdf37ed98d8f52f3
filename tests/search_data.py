"""One realistic data set for the search tests: projects in three languages across regions, and
member profiles with skills, homes, sectors and free dates. Built through the real services."""
from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.models import Municipality, ProfileVisibility, Role, Sector, Skill, SkillStatus
from app.services import profiles as profile_service
from app.services import projects as project_service
from app.worker import drain
from tests.factories import make_lsg, make_official, make_user


def settle():
    """What the worker does after a commit: Elasticsearch receives the changes, alerts go out."""
    return drain()


def _municipality(code):
    return db.session.scalar(db.select(Municipality).filter_by(code=code))


def _sector(code):
    return db.session.scalar(db.select(Sector).filter_by(code=code))


def _skill(code):
    return db.session.scalar(db.select(Skill).filter_by(code=code))


def publish(official, lsg, *, title, summary, description="", sector, funds=0, skill=None, dates=None,
            goods=None, moderator=None, publish=True):
    budget = max(funds, 100_000_00)
    project = project_service.create_project(
        official, lsg, title=title, summary=summary, description=description or summary, sector=_sector(sector),
        currency="KGS", budget=budget, lat=None, lon=None, starts_on=date(2027, 4, 1), ends_on=date(2027, 9, 30))
    project_service.add_need(official, project, "funds", title=summary[:60], target_amount=budget, currency="KGS")
    if skill:
        project_service.add_need(official, project, "skill", skill=_skill(skill), slots=3, starts_on=dates[0],
                                 ends_on=dates[1], on_site=True, requirements="")
    if goods:
        project_service.add_need(official, project, "in_kind", item=goods, quantity=10, unit="pcs", title=goods)
    project_service.add_share(official, project, source="diaspora", planned=budget)
    project_service.add_milestone(official, project, title="All of it", amount=budget)
    if publish:
        project_service.submit_project(official, project)
        project_service.publish_project(moderator, project, reason="Documents checked")
    db.session.commit()
    return project


def _official_for(code, moderator_name="moderator"):
    lsg = make_lsg(code, name=f"LSG {code}")
    official = make_official(lsg)
    db.session.commit()
    return official, lsg


@dataclass
class World:
    projects: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    officials: dict = field(default_factory=dict)
    moderator: object = None


PROJECTS = [
    # key, municipality, fields
    ("surgery", "KG-N-ATB-01", dict(
        title="Хирургиялык жума: Ат-Башы райондук ооруканасы",
        summary="Неделя хирургии: приезжие хирурги оперируют жителей района бесплатно.",
        description="Районная больница принимает хирургов из диаспоры. Нужны хирурги и анестезиологи.",
        sector="health", skill="surgeon", dates=(date(2027, 5, 10), date(2027, 5, 17)))),
    ("bridge_ru", "KG-N-KOC-01", dict(
        title="Ремонт моста через реку Кочкор",
        summary="Старый мост разрушен паводком; дети не могут дойти до школы.",
        sector="roads_bridges", funds=2_000_000_00)),
    ("bridge_ky", "KG-O-ALA-01", dict(
        title="Гүлчөдөгү көпүрөнү калыбына келтирүү",
        summary="Айылдын борбордук көпүрөсүн оңдоо керек.",
        sector="roads_bridges", funds=1_500_000_00)),
    ("school_en", "KG-Y-JOG-01", dict(
        title="New school roof in Kyzyl-Suu",
        summary="The roof of the village school leaks; children study in coats.",
        sector="education", funds=800_000_00, goods="Roofing sheets")),
    ("water", "KG-C-SOK-01", dict(
        title="Водопровод для села Сокулук",
        summary="Чистая вода в каждый дом: нужен инженер-строитель.",
        sector="water_sanitation", skill="civil_engineer", dates=(date(2027, 6, 1), date(2027, 6, 30)))),
    ("heart", "KG-GB-BIS-01", dict(
        title="Кардиохирургия для детей Бишкека",
        summary="Операции на сердце детям; нужна хирургическая бригада.",
        sector="health", skill="surgeon", dates=(date(2027, 8, 1), date(2027, 8, 10)))),
]

PROFILES = [
    # key, home municipality, skills {code: verified}, sectors, windows, languages, visibility
    ("aibek", "KG-N-ATB-01", {"surgeon": True}, ["health"], [(date(2027, 5, 1), date(2027, 5, 20))],
     ["ky", "ru"], ProfileVisibility.PUBLIC),
    ("nurlan", "KG-N-KOC-01", {"surgeon": False}, [], [], ["ru"], ProfileVisibility.PUBLIC),
    ("gulnara", "KG-GO-OSH-01", {"surgeon": True}, ["health"],
     [(date(2027, 5, 12), date(2027, 5, 14))], ["ky"], ProfileVisibility.PLEDGED_LSGS),
    ("hidden", "KG-N-ATB-01", {"surgeon": True}, ["health"], [], ["ky"], ProfileVisibility.PRIVATE),
    ("engineer", "KG-C-SOK-01", {"civil_engineer": True}, ["water_sanitation"],
     [(date(2027, 6, 10), date(2027, 6, 20))], ["ru", "en"], ProfileVisibility.PUBLIC),
]


def build_world():
    world = World(moderator=make_user(role=Role.MODERATOR))
    for key, code, fields in PROJECTS:
        official, lsg = _official_for(code)
        world.officials[key] = official
        world.projects[key] = publish(official, lsg, moderator=world.moderator, **fields)
    for key, code, skills, sectors, windows, languages, visibility in PROFILES:
        user = make_user(name=key.title())
        municipality = _municipality(code)
        profile = profile_service.update_profile(
            user, home_region=municipality.district.region, home_district=municipality.district,
            home_municipality=municipality, sectors=[_sector(s) for s in sectors], languages=languages,
            visibility=visibility.value,
        )
        for skill_code, verified in skills.items():
            held = profile_service.add_skill(user, _skill(skill_code))
            if verified:
                held.status = SkillStatus.VERIFIED
        for start, end in windows:
            profile_service.add_availability(user, starts_on=start, ends_on=end, today=date(2027, 1, 1))
        db.session.commit()
        world.profiles[key] = profile
    settle()
    return world
