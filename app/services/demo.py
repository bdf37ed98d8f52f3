"""Demo data for `make run`: a few LSGs with officials, a moderator, an admin and members.

Everything is created through the services, so the demo walks the same paths real users do
(memberships requested and approved, with their audit records).
"""
import secrets

from app.extensions import db
from app.models import Municipality, Role, User
from app.services.accounts import register_user
from app.services.demo_dialogue import load_demo_dialogue, load_demo_trust
from app.services.demo_missions import load_demo_missions
from app.services.demo_projects import load_demo_pledges, load_demo_projects
from app.services.memberships import approve_membership, request_membership
from app.services.reference import add_lsg
from app.services.users import create_admin, set_role

DEMO_LSGS = [
    # municipality code, names (ky, ru, en)
    ("KG-N-ATB-01", "Ат-Башы айыл өкмөтү", "Ат-Башинский айыл окмоту", "At-Bashy ayil okmotu"),
    ("KG-Y-JOG-01", "Кызыл-Суу айыл өкмөтү", "Кызыл-Суйский айыл окмоту", "Kyzyl-Suu ayil okmotu"),
    ("KG-O-NOO-01", "Ноокат шаарынын мэриясы", "Мэрия города Ноокат", "Nookat town hall"),
    ("KG-J-TOK-01", "Токтогул шаарынын мэриясы", "Мэрия города Токтогул", "Toktogul town hall"),
]

DEMO_PEOPLE = [
    # email, name, locale, what they are
    ("admin@birge.example", "Aida Admin", "en", "admin"),
    ("moderator@birge.example", "Бакыт Модератор", "ru", "moderator"),
    ("atbashy@birge.example", "Нурлан Асанов", "ky", ("official", 0, "Айыл өкмөтүнүн башчысы")),
    ("kyzylsuu@birge.example", "Гульмира Токтосунова", "ru", ("official", 1, "Глава айыл окмоту")),
    ("nookat@birge.example", "Бекзат Маматов", "ky", ("official", 2, "Мэрдин орун басары")),
    ("toktogul@birge.example", "Марина Ким", "ru", ("official", 3, "Специалист мэрии по инвестициям")),
    ("aibek@birge.example", "Айбек Жумабеков", "ru", "member"),
    ("jyldyz@birge.example", "Jyldyz Osmonova", "en", "member"),
    ("applicant@birge.example", "Эрмек Сыдыков", "ky", ("applicant", 0, "Бухгалтер")),
]


def database_is_empty():
    return db.session.scalar(db.select(db.func.count(User.id))) == 0


def load_demo_data():
    """Create the demo accounts with fresh random passwords; return [(email, role, password)]."""
    credentials = []

    def password():
        return secrets.token_urlsafe(9)

    admin_password = password()
    admin = create_admin(email=DEMO_PEOPLE[0][0], password=admin_password, name=DEMO_PEOPLE[0][1])
    admin.locale = DEMO_PEOPLE[0][2]
    credentials.append((admin.email, "admin", admin_password))

    lsgs = []
    for code, name_ky, name_ru, name_en in DEMO_LSGS:
        municipality = db.session.scalar(db.select(Municipality).filter_by(code=code))
        lsgs.append(add_lsg(admin, municipality=municipality, name_ky=name_ky, name_ru=name_ru,
                            name_en=name_en))

    moderator = None
    officials = {}
    members = []
    for email, name, locale, kind in DEMO_PEOPLE[1:]:
        secret = password()
        user = register_user(email=email, password=secret, name=name, locale=locale)
        if kind == "moderator":
            moderator = set_role(admin, user, Role.MODERATOR, reason="demo data")
            credentials.append((email, "moderator", secret))
        elif kind == "member":
            members.append(user)
            credentials.append((email, "member", secret))
        else:
            what, lsg_index, position = kind
            membership = request_membership(user, lsgs[lsg_index], position=position)
            if what == "official":
                approve_membership(moderator, membership, reason="Личность и должность подтверждены по телефону.")
                officials[lsgs[lsg_index].name_en] = user
            credentials.append((email, f"{what} ({lsgs[lsg_index].name_en})", secret))
    created = load_demo_projects(officials, moderator)
    load_demo_pledges(admin, moderator, members, officials, created)
    load_demo_dialogue(admin, moderator, members, officials, created)
    load_demo_trust(moderator, officials)
    load_demo_missions(moderator, members, officials)
    return credentials
