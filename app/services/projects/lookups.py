"""Finding projects, and who sees which: drafts and rejected projects look missing to the public."""
from sqlalchemy.orm import joinedload, selectinload

from app.authz import can_edit_project, can_see_unpublished_project, is_official_of, require
from app.errors import NotFound
from app.extensions import db
from app.models import PUBLIC_STATUSES, District, Municipality, Need, Project, ProjectUpdate, SpendingLine

# What a project page shows of the project itself, loaded with it: one query per list (on
# PostgreSQL each statement is a round trip), never one per need, update or spending line.
PAGE_LOADS = (
    joinedload(Project.lsg),
    joinedload(Project.sector),
    joinedload(Project.municipality).joinedload(Municipality.district).joinedload(District.region),
    selectinload(Project.needs).joinedload(Need.skill),
    selectinload(Project.milestones),
    selectinload(Project.updates).options(
        selectinload(ProjectUpdate.spending).options(joinedload(SpendingLine.milestone),
                                                     joinedload(SpendingLine.receipt)),
        selectinload(ProjectUpdate.photos)),
)


def get_project(project_id):
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound()
    return project


def visible_project(viewer, project_id):
    """The project if this viewer may see it; drafts and rejected ones look missing to others."""
    return _seen_by(viewer, get_project(project_id))


def project_for_page(viewer, project_id):
    """``visible_project`` with the lists its page shows loaded in a few queries."""
    project = db.session.scalar(db.select(Project).where(Project.id == project_id).options(*PAGE_LOADS))
    if project is None:
        raise NotFound()
    return _seen_by(viewer, project)


def _seen_by(viewer, project):
    if project.is_public or can_see_unpublished_project(viewer, project):
        return project
    raise NotFound()


def editable_project(official, project_id):
    """The project if this official may work on it (its LSG's); missing or forbidden otherwise."""
    project = visible_project(official, project_id)
    require(can_edit_project, official, project)
    return project


def published_projects(*, page=1, per_page=12):
    query = (
        db.select(Project)
        .where(Project.status.in_(PUBLIC_STATUSES))
        .order_by(Project.published_at.desc(), Project.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def lsgs_of_official(official):
    return [m.lsg for m in official.memberships if is_official_of(official, m.lsg)]


def projects_of_official(official):
    lsg_ids = [lsg.id for lsg in lsgs_of_official(official)]
    if not lsg_ids:
        return []
    return db.session.scalars(
        db.select(Project).where(Project.lsg_id.in_(lsg_ids)).order_by(Project.updated_at.desc())
    ).all()
