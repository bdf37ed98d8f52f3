"""Following: a person follows a project, an LSG or a place (region, district, municipality — "follow
my village") and hears of what happens there: updates on the projects, new projects published.

Following needs no pledge. Who hears of a project's update is decided here once
(``followers_of`` and ``supporters_of``); the words are the notification kinds' (app/services/
notifications.py: "project_update", "followed_project_published"), which come in the digest unless
a person chose otherwise.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.authz import can_follow, require
from app.errors import NotFound
from app.extensions import db
from app.models import District, Lsg, Municipality, Pledge, PledgeStatus, Project, Region, User
from app.markdown import plain_excerpt
from app.models.follows import Follow, FollowTarget
from app.services.notifications import localized, notify_all

TARGETS = {FollowTarget.PROJECT: Project, FollowTarget.LSG: Lsg, FollowTarget.MUNICIPALITY: Municipality,
           FollowTarget.DISTRICT: District, FollowTarget.REGION: Region}
KIND_LABELS = {FollowTarget.PROJECT: _l("Project"), FollowTarget.LSG: _l("Local government"),
               FollowTarget.MUNICIPALITY: _l("Village or town"), FollowTarget.DISTRICT: _l("District"),
               FollowTarget.REGION: _l("Region")}


@dataclass(frozen=True)
class Followed:
    """One thing a person follows, as the "What I follow" page and the buttons show it."""

    kind: str
    id: int
    name: str
    kind_label: str
    endpoint: str
    values: dict


def _kind(kind):
    try:
        return FollowTarget(kind)
    except ValueError:
        raise NotFound() from None


def _thing(kind, target_id):
    thing = db.session.get(TARGETS[kind], target_id)
    if thing is None or (kind == FollowTarget.PROJECT and not thing.is_public):
        raise NotFound()
    return thing


def describe(kind, thing):
    if kind == FollowTarget.PROJECT:
        endpoint, values, name = "projects.detail", {"project_id": thing.id}, thing.told_title
    elif kind == FollowTarget.LSG:
        endpoint, values, name = "lsgs.detail", {"lsg_id": thing.id}, thing.name
    else:  # a place: its projects, as the search page finds them
        endpoint, values, name = "search.index", {kind.value: thing.id}, thing.name
    return Followed(kind.value, thing.id, name, str(KIND_LABELS[kind]), endpoint, values)


def _row(user, kind, target_id):
    return db.session.scalar(db.select(Follow).filter_by(user_id=user.id, target_kind=kind, target_id=target_id))


def follow(user, kind, target_id):
    """Follow it (twice is once); flushes; returns what is followed. NotFound for what is not there
    (or a project the public cannot see)."""
    require(can_follow, user)
    kind = _kind(kind)
    thing = _thing(kind, target_id)
    if _row(user, kind, thing.id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Follow(user_id=user.id, target_kind=kind, target_id=thing.id))
        except IntegrityError:  # the same person's second click, at the same moment: one row stays
            pass
    return describe(kind, thing)


def unfollow(user, kind, target_id):
    """Stop following it (not following is fine too); flushes; returns what it was."""
    require(can_follow, user)
    kind = _kind(kind)
    thing = db.session.get(TARGETS[kind], target_id)
    if thing is None:
        raise NotFound()
    db.session.execute(db.delete(Follow).where(Follow.user_id == user.id, Follow.target_kind == kind,
                                               Follow.target_id == target_id))
    db.session.flush()
    return describe(kind, thing)


def followed_keys(user):
    """{(kind, id)} this person follows, for the buttons of a page."""
    if user is None or not user.is_authenticated:
        return set()
    rows = db.session.execute(db.select(Follow.target_kind, Follow.target_id).filter_by(user_id=user.id))
    return {(kind.value, target_id) for kind, target_id in rows}


def followed_by(user):
    """Everything this person follows, projects first, then LSGs and places; newest first within each."""
    follows = db.session.scalars(db.select(Follow).filter_by(user_id=user.id)
                                 .order_by(Follow.created_at.desc(), Follow.id.desc())).all()
    found = []
    for kind in TARGETS:
        for row in (f for f in follows if f.target_kind == kind):
            thing = db.session.get(TARGETS[kind], row.target_id)
            if thing is not None and not (kind == FollowTarget.PROJECT and not thing.is_public):
                found.append(describe(kind, thing))
    return found


# ---- who hears of a project


def _places(project):
    municipality = project.municipality
    return [(FollowTarget.LSG, project.lsg_id), (FollowTarget.MUNICIPALITY, municipality.id),
            (FollowTarget.DISTRICT, municipality.district_id), (FollowTarget.REGION, municipality.district.region_id)]


def followers_of(project, *, with_project=True):
    """Active people who follow the project (unless ``with_project`` is false), its LSG, or its
    municipality, district or region; each once, by id."""
    targets = _places(project) + ([(FollowTarget.PROJECT, project.id)] if with_project else [])
    following = db.select(Follow.user_id).where(db.or_(*(
        db.and_(Follow.target_kind == kind, Follow.target_id == target_id) for kind, target_id in targets)))
    return db.session.scalars(db.select(User).where(User.id.in_(following), User.active.is_(True))
                              .order_by(User.id)).all()


def supporters_of(project):
    """Active people who pledged to the project (money, skills or goods), their pledge not withdrawn."""
    pledged = db.select(Pledge.member_id).where(Pledge.project_id == project.id,
                                                Pledge.status != PledgeStatus.WITHDRAWN)
    return db.session.scalars(db.select(User).where(User.id.in_(pledged), User.active.is_(True))
                              .order_by(User.id)).all()


def tell_update_posted(official, update):
    """"project_update" to the project's followers and supporters, each once, never its author."""
    project = update.project
    return notify_all([*followers_of(project), *supporters_of(project)], "project_update", project=project,
                      besides=(official,), update=plain_excerpt(update.body))


def tell_project_published(moderator, project):
    """"followed_project_published" to the followers of its LSG and places (the project itself was
    not public before, so nobody followed it)."""
    return notify_all(followers_of(project, with_project=False), "followed_project_published", project=project,
                      besides=(moderator,), place=localized(project.municipality))
