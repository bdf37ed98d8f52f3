"""After publication: work starts, officials post news and spending, and the project completes."""
from datetime import timedelta

from flask_babel import gettext as _

from app.authz import can_edit_project, require
from app.errors import InvalidInput, InvalidTransition
from app.extensions import db
from app.models import Milestone, Photo, PhotoKind, ProjectStatus, ProjectUpdate, SpendingLine
from app.models._common import shown_until, utcnow
from app.services.audit import record_event
from app.services.follows import tell_update_posted
from app.services.projects.editing import check_amount
from app.uploads import store_image

STALE_AFTER = timedelta(days=90)


def start_work(official, project):
    require(can_edit_project, official, project)
    if project.status not in (ProjectStatus.PUBLISHED, ProjectStatus.FUNDED):
        raise InvalidTransition(_("Work can start only on a published project."))
    project.move_to(ProjectStatus.IN_PROGRESS)
    db.session.flush()
    record_event(official, "project.started", project)
    return project


def post_update(official, project, *, body, spending=(), photos=(), final_report=False):
    """News with optional photos and spending lines [(milestone_id, amount, purpose, receipt)]."""
    require(can_edit_project, official, project)
    if not project.takes_updates:
        raise InvalidTransition(_("Updates can be posted only on a published project."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write what happened."), field="body")
    update = ProjectUpdate(project=project, author=official, body=body, is_final_report=bool(final_report))
    db.session.add(update)
    db.session.flush()
    total = 0
    for milestone_id, amount, purpose, receipt in spending:
        milestone = db.session.get(Milestone, milestone_id) if milestone_id else None
        if milestone is None or milestone.project_id != project.id:
            raise InvalidInput(_("Choose the milestone the money was spent on."))
        check_amount(amount, "spending", _("Enter the amount spent."))
        if not (purpose or "").strip():
            raise InvalidInput(_("Say what the money was spent on."))
        line = SpendingLine(update=update, milestone=milestone, amount=amount, purpose=purpose.strip())
        if receipt:
            stored = store_image(receipt)
            line.receipt = Photo(project=project, update_id=update.id, kind=PhotoKind.RECEIPT,
                                 filename=stored.name, width=stored.width, height=stored.height)
        db.session.add(line)
        total += amount
    for upload in photos:
        stored = store_image(upload, responsive=True)  # shown on the project page
        db.session.add(Photo(project=project, update_id=update.id, kind=PhotoKind.UPDATE,
                             filename=stored.name, width=stored.width, height=stored.height))
    project.last_update_at = update.created_at or utcnow()
    db.session.flush()
    record_event(official, "project.update_posted", update.project, update_id=update.id,
                 spent=total, currency=project.currency)
    tell_update_posted(official, update)
    if final_report:
        project.move_to(ProjectStatus.COMPLETED)
        project.revision_state = None
        db.session.flush()
        record_event(official, "project.completed", project, update_id=update.id)
    return update


def milestone_spending(project):
    """[(milestone, planned, spent)] — money reported against work done."""
    spent = dict(
        db.session.execute(
            db.select(SpendingLine.milestone_id, db.func.sum(SpendingLine.amount))
            .join(Milestone)
            .where(Milestone.project_id == project.id)
            .group_by(SpendingLine.milestone_id)
        ).all()
    )
    return [(m, m.amount, int(spent.get(m.id) or 0)) for m in project.milestones]


def is_stale(project, today=None):
    """A public, unfinished project with no update for 90 days."""
    if not project.takes_updates:
        return False
    last = project.last_update_at or project.published_at
    if last is None:
        return False
    today = today or utcnow()
    if today - last <= STALE_AFTER:
        shown_until(last + STALE_AFTER)
    return today - last > STALE_AFTER
