"""What anyone may read about a local government: its place, its officials' names, its public projects."""
from dataclasses import dataclass

from app.errors import NotFound
from app.extensions import db
from app.models import PUBLIC_STATUSES, Lsg, LsgMembership, MembershipStatus, Project


@dataclass
class Official:
    name: str
    position: str


def public_lsg(lsg_id):
    lsg = db.session.get(Lsg, lsg_id)
    if lsg is None:
        raise NotFound()
    return lsg


def officials(lsg):
    """Names and positions only: no private contact data leaves the LSG's members."""
    rows = db.session.execute(
        db.select(LsgMembership).where(LsgMembership.lsg_id == lsg.id, LsgMembership.status == MembershipStatus.APPROVED)
        .order_by(LsgMembership.decided_at, LsgMembership.id)).scalars()
    return [Official(m.user.name, m.position) for m in rows if m.user.active]


def public_projects(lsg):
    """Its projects the public may see, newest first."""
    return db.session.scalars(db.select(Project).where(Project.lsg_id == lsg.id, Project.status.in_(PUBLIC_STATUSES))
                              .order_by(Project.created_at.desc(), Project.id.desc())).all()
