"""Moderators decide on projects: publish, request changes, reject, unpublish; officials submit and cancel.

A new project is decided on by status (draft → submitted → published...); the changes to a published
project by its ``revision_state``, while the published version stays visible. Every decision has a
reason and an AuditEvent; the public decisions log lists the publications, rejections and removals.
"""
from flask_babel import gettext as _

from app.authz import can_cancel_project, can_decide_on_project, can_edit_project, can_moderate, require
from app.errors import InvalidInput, InvalidTransition
from app.extensions import db
from app.models import AuditEvent, District, Municipality, Project, ProjectStatus, RevisionState
from app.models._common import lock_for_update, utcnow
from app.outbox import enqueue
from app.services.audit import record_event
from app.services.decisions import required_reason
from app.services.follows import tell_project_published
from app.services.notifications import notify_all, officials_of
from app.services.projects.editing import problems
from app.services.projects.lookups import get_project
from app.services.projects.versions import snapshot

# The public decisions log lists these, with their reasons.
DECISION_ACTIONS = ("project.published", "project.revision_published", "project.rejected", "project.unpublished",
                    "project.hidden",  # a question or answer on it hidden by a moderator
                    "project.mission_signed", "project.mission_sent_back")  # the ministry on a mission's site


def submit_project(official, project):
    require(can_edit_project, official, project)
    if not project.can_be_submitted:
        raise InvalidTransition(_("Only a draft, or a project with changes, can be sent for review."))
    found = problems(project)
    if found:
        raise InvalidInput(" ".join(found))
    if project.in_revision:
        project.revision_state = RevisionState.SUBMITTED
        action = "project.revision_submitted"
    else:
        project.move_to(ProjectStatus.SUBMITTED)
        action = "project.submitted"
    project.submitted_at = utcnow()
    db.session.flush()
    record_event(official, action, project)
    return project


def _begin_decision(moderator, project):
    require(can_moderate, moderator)
    require(can_decide_on_project, moderator, project,
            message=_("You are an official of this LSG; another moderator must decide."))
    # Two moderators at once: the second waits for the first, then sees the project decided.
    lock_for_update(project)


def _tell_officials(moderator, project, kind, reason):
    """The LSG's officials hear of a moderator's decision (never the moderator who took it)."""
    notify_all(officials_of(project.lsg), kind, project=project, besides=(moderator,), reason=reason)


def publish_project(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = required_reason(reason)
    current = snapshot(project)
    if project.revision_awaiting_review:
        project.revision_state = None
        action = "project.revision_published"
    else:
        if project.status != ProjectStatus.SUBMITTED:
            raise InvalidTransition(_("Only a project waiting for review can be published."))
        project.move_to(ProjectStatus.PUBLISHED)
        project.published_at = project.published_at or utcnow()
        action = "project.published"
    project.published_snapshot = current
    project.reviewed_snapshot = current
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, action, project, reason=reason)
    _tell_officials(moderator, project, "project_published", reason)
    if action == "project.published":
        enqueue("alert", "project", project.id)  # the worker mails the saved searches it matches
        tell_project_published(moderator, project)
    return project


def request_changes(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = required_reason(reason)
    if project.revision_awaiting_review:
        project.revision_state = RevisionState.CHANGES_REQUESTED
        action = "project.revision_changes_requested"
    else:
        if project.status != ProjectStatus.SUBMITTED:
            raise InvalidTransition(_("Only a project waiting for review can be sent back for changes."))
        project.move_to(ProjectStatus.CHANGES_REQUESTED)
        action = "project.changes_requested"
    project.reviewed_snapshot = snapshot(project)
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, action, project, reason=reason)
    _tell_officials(moderator, project, "project_changes_requested", reason)
    return project


def reject_project(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = required_reason(reason)
    if project.revision_awaiting_review:
        raise InvalidTransition(_("Changes to a published project cannot be rejected; request changes instead."))
    if project.status != ProjectStatus.SUBMITTED:
        raise InvalidTransition(_("Only a project waiting for review can be rejected."))
    project.move_to(ProjectStatus.REJECTED)
    project.reviewed_snapshot = snapshot(project)
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, "project.rejected", project, reason=reason)
    _tell_officials(moderator, project, "project_rejected", reason)
    return project


def unpublish_project(moderator, project, *, reason):
    """Take a public project down until its officials fix it and a moderator approves it again."""
    _begin_decision(moderator, project)
    reason = required_reason(reason)
    if not project.can_be_unpublished:
        raise InvalidTransition(_("Only a public, unfinished project can be unpublished."))
    project.move_to(ProjectStatus.CHANGES_REQUESTED)
    project.revision_state = None
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, "project.unpublished", project, reason=reason)
    _tell_officials(moderator, project, "project_unpublished", reason)
    return project


DECISIONS = {"publish": publish_project, "request_changes": request_changes, "reject": reject_project}


def decide_many(moderator, project_ids, decision, *, reason):
    """The same decision, with the same reason, on several projects; each audited on its own."""
    require(can_moderate, moderator)
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose a decision."), field="decision")
    if not project_ids:
        raise InvalidInput(_("Select at least one project."), field="project_ids")
    return [DECISIONS[decision](moderator, get_project(pid), reason=reason) for pid in project_ids]


def cancel_project(actor, project, *, reason):
    require(can_cancel_project, actor, project)
    reason = required_reason(reason)
    if not project.can_be_cancelled:
        raise InvalidTransition(_("This project is already closed."))
    project.move_to(ProjectStatus.CANCELLED)
    project.revision_state = None
    db.session.flush()
    record_event(actor, "project.cancelled", project, reason=reason)
    return project


def review_queue(moderator, *, region_id=None, sector_id=None):
    """Projects and revisions waiting for a moderator, oldest first."""
    require(can_moderate, moderator)
    query = db.select(Project).where(Project.awaiting_review).order_by(Project.submitted_at, Project.id)
    if region_id:
        query = query.join(Municipality).join(District).where(District.region_id == region_id)
    if sector_id:
        query = query.where(Project.sector_id == sector_id)
    return db.session.scalars(query).all()


def project_for_review(moderator, project_id):
    require(can_moderate, moderator)
    return get_project(project_id)


def _decisions_query():
    return (
        db.select(AuditEvent)
        .where(AuditEvent.target_type == "projects", AuditEvent.action.in_(DECISION_ACTIONS))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )


def _with_projects(events):
    ids = {e.target_id for e in events}
    found = {p.id: p for p in db.session.scalars(db.select(Project).where(Project.id.in_(ids)))} if ids else {}
    return [(e, found[e.target_id]) for e in events if e.target_id in found]


def public_decisions(*, page=1, per_page=50):
    """(pagination, [(event, project)]): publish, reject and unpublish decisions with their reasons."""
    pagination = db.paginate(_decisions_query(), page=page, per_page=per_page, error_out=False)
    return pagination, _with_projects(pagination.items)


def all_public_decisions():
    return _with_projects(db.session.scalars(_decisions_query()).all())


def public_decisions_before(before_id=None, *, limit=50):
    """[(event, project)] newest first by id, at most ``limit`` + 1: keyset pages for the open-data API."""
    query = _decisions_query().order_by(None).order_by(AuditEvent.id.desc()).limit(limit + 1)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return _with_projects(db.session.scalars(query).all())
