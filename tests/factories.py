"""Objects for tests, made through the services so tests exercise the real paths."""
import itertools

from app.extensions import db
from app.models import Municipality, Role
from app.services.accounts import register_user
from app.services.memberships import approve_membership, request_membership
from app.services.reference import add_lsg
from app.services.users import set_role
PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(*, role=Role.MEMBER, name=None, email=None, locale="en", password=PASSWORD):
    n = next(_numbers)
    user = register_user(
        email=email or f"user{n}@example.kg", password=password, name=name or f"Test User {n}",
        locale=locale,
    )
    if role != Role.MEMBER:
        set_role(None, user, role, reason="test setup")
    db.session.commit()
    return user


def make_lsg(municipality_code="KG-N-ATB-01", name="At-Bashy ayil okmotu"):
    admin = make_user(role=Role.ADMIN)
    municipality = db.session.scalar(db.select(Municipality).filter_by(code=municipality_code))
    lsg = add_lsg(admin, municipality=municipality, name_ky=name, name_ru=name, name_en=name)
    db.session.commit()
    return lsg


def make_membership(user, lsg, *, approved=False, position="Head of the ayil okmotu"):
    membership = request_membership(user, lsg, position=position)
    if approved:
        approve_membership(make_user(role=Role.MODERATOR), membership, reason="Checked by phone")
    db.session.commit()
    return membership
