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


def make_official(lsg=None, **user_fields):
    lsg = lsg or make_lsg()
    official = make_user(**user_fields)
    make_membership(official, lsg, approved=True)
    return official


def make_project(official, lsg=None, *, complete=True, title="Bridge over the Naryn river", budget=1_000_000_00,
                 submit=False, publish=False, photos=0):
    """A draft (complete enough to submit unless complete=False), optionally submitted or published."""
    from datetime import date

    from app.models import Sector, Skill
    from app.services import projects

    lsg = lsg or official.memberships[0].lsg
    sector = db.session.scalar(db.select(Sector).filter_by(code="roads_bridges"))
    project = projects.create_project(
        official, lsg, title=title, summary="A new footbridge so children reach school in spring floods.",
        description="The old bridge was **washed away** in 2024.", sector=sector, currency="KGS",
        budget=budget, lat=None, lon=None, starts_on=date(2027, 4, 1), ends_on=date(2027, 9, 30),
    )
    if complete:
        projects.add_need(official, project, "funds", title="Steel and concrete", target_amount=budget // 2,
                          currency="KGS")
        surgeon = db.session.scalar(db.select(Skill).filter_by(code="civil_engineer"))
        projects.add_need(official, project, "skill", skill=surgeon, slots=2, starts_on=date(2027, 5, 10),
                          ends_on=date(2027, 5, 17), on_site=True, requirements="Bridge design experience")
        projects.add_share(official, project, source="lsg", planned=budget // 4)
        projects.add_share(official, project, source="diaspora", planned=budget - budget // 4)
        projects.add_milestone(official, project, title="Foundations", amount=budget // 2)
        projects.add_milestone(official, project, title="Deck and railings", amount=budget - budget // 2)
    for n in range(photos):
        projects.add_photo(official, project, jpeg_upload(seed=n), caption=f"Photo {n}")
    if submit or publish:
        projects.submit_project(official, project)
    if publish:
        projects.publish_project(make_user(role=Role.MODERATOR), project, reason="Documents checked")
    db.session.commit()
    return project


def jpeg_upload(seed=0, size=(320, 200), filename="photo.jpg"):
    """An uploaded JPEG, as the browser sends it."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    buffer = io.BytesIO()
    Image.new("RGB", size, (40 * seed % 255, 120, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=filename, content_type="image/jpeg")


def make_profile(user=None, *, skills=(), **fields):
    """A member's profile with the given fields and skills (codes from the vocabulary)."""
    from app.models import Skill
    from app.services import profiles

    user = user or make_user()
    profile = profiles.update_profile(user, **fields)
    for code in skills:
        profiles.add_skill(user, db.session.scalar(db.select(Skill).filter_by(code=code)))
    db.session.commit()
    return profile


def make_pending_credential(user=None, skill="surgeon"):
    """A skill on the user's profile with a credential waiting for a moderator."""
    from app.services import profiles

    user = user or make_user()
    profile = make_profile(user, skills=[skill])
    held = profiles.submit_credential(user, profile.skills[-1].id, jpeg_upload())
    db.session.commit()
    return held
