"""Projects: officials write them, moderators decide on them, everyone sees the published version.

Every state change goes through ``move_project`` (the table of allowed transitions) and writes an
AuditEvent. A published project keeps its published version (``published_snapshot``) visible
while its officials edit the working copy; the edits go to review as a revision.
"""
from datetime import timedelta

from flask_babel import gettext as _

from app.authz import can_edit_project, can_moderate, can_see_unpublished_project, is_official_of, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    CURRENCIES,
    PUBLIC_STATUSES,
    AuditEvent,
    CofinancingShare,
    District,
    Milestone,
    Municipality,
    Need,
    NeedKind,
    Photo,
    PhotoKind,
    Pledge,
    Project,
    ProjectStatus,
    ProjectUpdate,
    RevisionState,
    ShareSource,
    Skill,
    SpendingLine,
)
from app.models._common import utcnow
from app.money import MAX_AMOUNT, format_money
from app.services.alerts import project_published
from app.services.audit import record_event

S = ProjectStatus
ALLOWED_TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.PUBLISHED, S.CHANGES_REQUESTED, S.REJECTED, S.CANCELLED},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.CANCELLED},
    # Back to changes_requested is "unpublish": hidden until fixed and approved again.
    S.PUBLISHED: {S.FUNDED, S.IN_PROGRESS, S.COMPLETED, S.CHANGES_REQUESTED, S.CANCELLED},
    # Back to published: a refund took the money below the targets.
    S.FUNDED: {S.PUBLISHED, S.IN_PROGRESS, S.COMPLETED, S.CHANGES_REQUESTED, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.CHANGES_REQUESTED, S.CANCELLED},
    S.REJECTED: set(),
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
EDITABLE_STATUSES = {S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED, S.FUNDED, S.IN_PROGRESS}
UPDATABLE_STATUSES = {S.PUBLISHED, S.FUNDED, S.IN_PROGRESS}
# The public decisions log lists these, with their reasons.
DECISION_ACTIONS = ("project.published", "project.revision_published", "project.rejected", "project.unpublished")
STALE_AFTER = timedelta(days=90)

# Kyrgyzstan's bounding box, with a margin: a map point outside it is a typo.
LAT_RANGE, LON_RANGE = (39.0, 43.5), (69.0, 81.0)
MAX_SLOTS = 500
MAX_QUANTITY = 10**7


# ---------------------------------------------------------------- lookups and visibility


def get_project(project_id):
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound()
    return project


def visible_project(viewer, project_id):
    """The project if this viewer may see it; drafts and rejected ones look missing to others."""
    project = get_project(project_id)
    if project.is_public or can_see_unpublished_project(viewer, project):
        return project
    raise NotFound()


def published_projects(*, page=1, per_page=12):
    query = (
        db.select(Project)
        .where(Project.status.in_(PUBLIC_STATUSES))
        .order_by(Project.published_at.desc(), Project.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def projects_of_official(official):
    lsg_ids = [m.lsg_id for m in official.memberships if is_official_of(official, m.lsg)]
    if not lsg_ids:
        return []
    return db.session.scalars(
        db.select(Project).where(Project.lsg_id.in_(lsg_ids)).order_by(Project.updated_at.desc())
    ).all()


def lsgs_of_official(official):
    return [m.lsg for m in official.memberships if is_official_of(official, m.lsg)]


# ---------------------------------------------------------------- writing a project


def _check_fields(*, title, currency, budget, lat, lon, starts_on, ends_on, **_ignored):
    if not (title or "").strip():
        raise InvalidInput(_("Please give the project a title."), field="title")
    if currency not in CURRENCIES:
        raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
    if budget is None or not 0 <= budget <= MAX_AMOUNT:
        raise InvalidInput(_("Enter the total budget as a positive amount."), field="budget")
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="lat")
    if lat is not None and not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise InvalidInput(_("The map point is outside Kyrgyzstan."), field="lat")
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_("The end date is before the start date."), field="ends_on")


def _apply_fields(project, fields):
    project.title = fields["title"].strip()
    project.summary = (fields.get("summary") or "").strip()
    project.description = (fields.get("description") or "").strip()
    project.sector = fields.get("sector")
    project.currency = fields["currency"]
    project.budget = fields["budget"]
    project.lat, project.lon = fields.get("lat"), fields.get("lon")
    project.starts_on, project.ends_on = fields.get("starts_on"), fields.get("ends_on")


def create_project(official, lsg, **fields):
    """A new draft for one of the official's LSGs, placed in that LSG's municipality."""
    require(is_official_of, official, lsg)
    _check_fields(**fields)
    project = Project(lsg=lsg, municipality=lsg.municipality, created_by=official, status=S.DRAFT)
    _apply_fields(project, fields)
    db.session.add(project)
    db.session.flush()
    record_event(official, "project.created", project)
    return project


def _begin_edit(official, project):
    """Check that the official may edit now; an edit of a published project starts a revision."""
    require(can_edit_project, official, project)
    if project.status == S.SUBMITTED or project.revision_state == RevisionState.SUBMITTED:
        raise InvalidTransition(_("The project is waiting for a moderator. You can edit it again after the review."))
    if project.status not in EDITABLE_STATUSES:
        raise InvalidTransition(_("This project can no longer be edited."))
    if project.is_public and project.revision_state is None:
        project.revision_state = RevisionState.EDITING


def update_project(official, project, **fields):
    _begin_edit(official, project)
    _check_fields(**fields)
    _apply_fields(project, fields)
    db.session.flush()
    return project


def _check_amount(value, field, message):
    if value is None or not 0 < value <= MAX_AMOUNT:
        raise InvalidInput(message, field=field)


def add_need(official, project, kind, **fields):
    _begin_edit(official, project)
    kind = NeedKind(kind)
    title = (fields.get("title") or "").strip()
    need = Need(kind=kind, title=title)  # joined to the project only once it is valid
    if kind == NeedKind.FUNDS:
        _check_amount(fields.get("target_amount"), "target_amount", _("Enter the amount needed."))
        currency = fields.get("currency") or project.currency
        if currency not in CURRENCIES:
            raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
        need.target_amount, need.currency = fields["target_amount"], currency
        need.title = title or _("Funds")
    elif kind == NeedKind.SKILL:
        skill = fields.get("skill")
        if not isinstance(skill, Skill):
            raise InvalidInput(_("Choose a skill from the list."), field="skill")
        slots = fields.get("slots")
        if slots is None or not 1 <= slots <= MAX_SLOTS:
            raise InvalidInput(_("The number of places must be between 1 and %(max)d.", max=MAX_SLOTS), field="slots")
        starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
        if not starts_on or not ends_on:
            raise InvalidInput(_("Give the first and the last day when the skill is needed."), field="starts_on")
        if ends_on < starts_on:
            raise InvalidInput(_("The end date is before the start date."), field="ends_on")
        need.skill, need.slots = skill, slots
        need.starts_on, need.ends_on = starts_on, ends_on
        need.on_site = bool(fields.get("on_site", True))
        need.requirements = (fields.get("requirements") or "").strip()
        need.verified_required = bool(fields.get("verified_required"))
        need.title = title  # empty: pages show the skill's name in the reader's language
    else:
        item = (fields.get("item") or "").strip()
        if not item:
            raise InvalidInput(_("Say what item is needed."), field="item")
        quantity = fields.get("quantity")
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(_("Enter how many are needed."), field="quantity")
        need.item, need.quantity = item, quantity
        need.unit = (fields.get("unit") or "").strip()
        need.title = title or item
    need.project = project
    db.session.add(need)
    db.session.flush()
    return need


def _owned(model, project, item_id):
    item = db.session.get(model, item_id)
    if item is None or item.project_id != project.id:
        raise NotFound()
    return item


def needs_holding_pledges(project):
    """Ids of the project's needs that hold pledges: those are closed, never removed."""
    return set(db.session.scalars(db.select(Pledge.need_id).where(Pledge.project_id == project.id).distinct()))


def remove_need(official, project, need_id):
    _begin_edit(official, project)
    need = _owned(Need, project, need_id)
    if need.id in needs_holding_pledges(project):
        raise Conflict(_("This need holds pledges, so it cannot be removed. Close it instead: it then takes "
                         "no new pledges and keeps the ones it has."))
    project.needs.remove(need)  # delete-orphan: gone at the flush
    db.session.flush()


def close_need(official, project, need_id, *, reason):
    """No new pledges on this need; what it holds stays, for its officials to confirm or reject."""
    require(can_edit_project, official, project)
    need = _owned(Need, project, need_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    if need.closed_at is not None:
        raise InvalidTransition(_("This need is already closed."))
    need.closed_at, need.closed_reason = utcnow(), reason[:2000]
    db.session.flush()
    record_event(official, "need.closed", need, reason=need.closed_reason, project_id=project.id)
    return need


def add_share(official, project, *, source, planned, received=0, label="", conditional=False, condition=""):
    _begin_edit(official, project)
    _check_amount(planned, "planned", _("Enter the planned amount of this share."))
    if received is None or not 0 <= received <= MAX_AMOUNT:
        raise InvalidInput(_("The received amount cannot be negative."), field="received")
    if conditional and not (condition or "").strip():
        raise InvalidInput(_("Say when the conditional share is released."), field="condition")
    share = CofinancingShare(
        project=project, source=ShareSource(source), planned=planned, received=received,
        label=(label or "").strip(), conditional=bool(conditional),
        condition=(condition or "").strip() if conditional else "",
    )
    db.session.add(share)
    db.session.flush()
    return share


def remove_share(official, project, share_id):
    _begin_edit(official, project)
    project.shares.remove(_owned(CofinancingShare, project, share_id))
    db.session.flush()


def add_milestone(official, project, *, title, amount, due_on=None):
    _begin_edit(official, project)
    if not (title or "").strip():
        raise InvalidInput(_("Say what will be done."), field="title")
    if amount is None or not 0 <= amount <= MAX_AMOUNT:
        raise InvalidInput(_("Enter the cost of this milestone."), field="amount")
    milestone = Milestone(project=project, title=title.strip(), amount=amount, due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def remove_milestone(official, project, milestone_id):
    _begin_edit(official, project)
    milestone = _owned(Milestone, project, milestone_id)
    spent = db.session.scalar(db.select(db.func.count(SpendingLine.id)).filter_by(milestone_id=milestone.id))
    if spent:
        raise InvalidTransition(_("Spending has been reported against this milestone; it cannot be removed."))
    project.milestones.remove(milestone)
    db.session.flush()


def add_photo(official, project, upload, *, caption=""):
    from app.uploads import store_image

    _begin_edit(official, project)
    stored = store_image(upload)
    db.session.expire(project, ["photos"])  # a view-only collection: reload it, never trust a stale one
    photo = Photo(
        project=project, kind=PhotoKind.GALLERY, filename=stored.name, width=stored.width,
        height=stored.height, caption=(caption or "").strip()[:200],
        is_cover=not any(p.is_cover for p in project.photos),
    )
    db.session.add(photo)
    db.session.flush()
    db.session.expire(project, ["photos"])
    return photo


def remove_photo(official, project, photo_id):
    _begin_edit(official, project)
    photo = _owned(Photo, project, photo_id)
    if photo.kind != PhotoKind.GALLERY:
        raise NotFound()
    was_cover = photo.is_cover
    db.session.delete(photo)
    db.session.flush()
    db.session.expire(project, ["photos"])
    if was_cover and project.photos:
        project.photos[0].is_cover = True
    # The file stays: a published version may still show it until the revision is approved.


def set_cover(official, project, photo_id):
    _begin_edit(official, project)
    chosen = _owned(Photo, project, photo_id)
    for photo in project.photos:
        photo.is_cover = photo.id == chosen.id
    db.session.flush()


# ---------------------------------------------------------------- completeness and review


def problems(project):
    """What keeps the project from being submitted, in words the official can act on."""
    found = []
    if project.sector is None:
        found.append(_("Choose a sector."))
    if not project.summary:
        found.append(_("Write a short summary."))
    if not project.description:
        found.append(_("Write a description."))
    if not project.budget:
        found.append(_("Enter the total budget."))
    if not project.needs:
        found.append(_("Add at least one need."))
    shares = sum(s.planned for s in project.shares)
    if shares != project.budget:
        found.append(_("The co-financing shares add up to %(shares)s, but the budget is %(budget)s.",
                       shares=format_money(shares, project.currency),
                       budget=format_money(project.budget, project.currency)))
    milestones = sum(m.amount for m in project.milestones)
    if milestones != project.budget:
        found.append(_("The milestones add up to %(total)s, but the budget is %(budget)s.",
                       total=format_money(milestones, project.currency),
                       budget=format_money(project.budget, project.currency)))
    return found


def move_project(project, new_status):
    """The one way a project's status changes: only along ALLOWED_TRANSITIONS."""
    if new_status not in ALLOWED_TRANSITIONS[project.status]:
        raise InvalidTransition()
    project.status = new_status


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    return reason


def submit_project(official, project):
    require(can_edit_project, official, project)
    in_revision = project.is_public and project.revision_state in (RevisionState.EDITING,
                                                                     RevisionState.CHANGES_REQUESTED)
    if not in_revision and project.status not in (S.DRAFT, S.CHANGES_REQUESTED):
        raise InvalidTransition(_("Only a draft, or a project with changes, can be sent for review."))
    found = problems(project)
    if found:
        raise InvalidInput(" ".join(found))
    if in_revision:
        project.revision_state = RevisionState.SUBMITTED
        action = "project.revision_submitted"
    else:
        move_project(project, S.SUBMITTED)
        action = "project.submitted"
    project.submitted_at = utcnow()
    db.session.flush()
    record_event(official, action, project)
    return project


def _begin_decision(moderator, project):
    require(can_moderate, moderator)
    if is_official_of(moderator, project.lsg):
        raise PermissionDenied(_("You are an official of this LSG; another moderator must decide."))
    # Two moderators at once: the second waits for the first, then sees the project decided.
    db.session.refresh(project, with_for_update=True)


def _awaiting_revision_review(project):
    return project.is_public and project.revision_state == RevisionState.SUBMITTED


def publish_project(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = _reason(reason)
    current = snapshot(project)
    if _awaiting_revision_review(project):
        project.revision_state = None
        action = "project.revision_published"
    else:
        if project.status != S.SUBMITTED:
            raise InvalidTransition(_("Only a project waiting for review can be published."))
        move_project(project, S.PUBLISHED)
        project.published_at = project.published_at or utcnow()
        action = "project.published"
    project.published_snapshot = current
    project.reviewed_snapshot = current
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, action, project, reason=reason)
    if action == "project.published":
        project_published(project)
    return project


def request_changes(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = _reason(reason)
    if _awaiting_revision_review(project):
        project.revision_state = RevisionState.CHANGES_REQUESTED
        action = "project.revision_changes_requested"
    else:
        if project.status != S.SUBMITTED:
            raise InvalidTransition(_("Only a project waiting for review can be sent back for changes."))
        move_project(project, S.CHANGES_REQUESTED)
        action = "project.changes_requested"
    project.reviewed_snapshot = snapshot(project)
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, action, project, reason=reason)
    return project


def reject_project(moderator, project, *, reason):
    _begin_decision(moderator, project)
    reason = _reason(reason)
    if _awaiting_revision_review(project):
        raise InvalidTransition(_("Changes to a published project cannot be rejected; request changes instead."))
    if project.status != S.SUBMITTED:
        raise InvalidTransition(_("Only a project waiting for review can be rejected."))
    move_project(project, S.REJECTED)
    project.reviewed_snapshot = snapshot(project)
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, "project.rejected", project, reason=reason)
    return project


def unpublish_project(moderator, project, *, reason):
    """Take a public project down until its officials fix it and a moderator approves it again."""
    _begin_decision(moderator, project)
    reason = _reason(reason)
    if not project.is_public or project.status == S.COMPLETED:
        raise InvalidTransition(_("Only a public, unfinished project can be unpublished."))
    move_project(project, S.CHANGES_REQUESTED)
    project.revision_state = None
    project.review_reason = reason
    db.session.flush()
    record_event(moderator, "project.unpublished", project, reason=reason)
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
    if not (can_edit_project(actor, project) or can_moderate(actor)):
        raise PermissionDenied()
    reason = _reason(reason)
    if S.CANCELLED not in ALLOWED_TRANSITIONS[project.status]:
        raise InvalidTransition(_("This project is already closed."))
    move_project(project, S.CANCELLED)
    project.revision_state = None
    db.session.flush()
    record_event(actor, "project.cancelled", project, reason=reason)
    return project


def set_overfunding(official, project, allowed):
    """Whether money is still taken once the targets are met. It changes nothing the public was
    promised, so it needs no review; it is audited."""
    require(can_edit_project, official, project)
    if project.status not in EDITABLE_STATUSES:
        raise InvalidTransition(_("This project can no longer be edited."))
    project.accepts_overfunding = bool(allowed)
    db.session.flush()
    record_event(official, "project.overfunding_allowed" if allowed else "project.overfunding_refused", project)
    return project


def start_work(official, project):
    require(can_edit_project, official, project)
    if project.status not in (S.PUBLISHED, S.FUNDED):
        raise InvalidTransition(_("Work can start only on a published project."))
    move_project(project, S.IN_PROGRESS)
    db.session.flush()
    record_event(official, "project.started", project)
    return project


def review_queue(moderator, *, region_id=None, sector_id=None):
    """Projects and revisions waiting for a moderator, oldest first."""
    require(can_moderate, moderator)
    query = (
        db.select(Project)
        .where(db.or_(Project.status == S.SUBMITTED, Project.revision_state == RevisionState.SUBMITTED))
        .order_by(Project.submitted_at, Project.id)
    )
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


# ---------------------------------------------------------------- updates and spending


def post_update(official, project, *, body, spending=(), photos=(), final_report=False):
    """News with optional photos and spending lines [(milestone_id, amount, purpose, receipt)]."""
    from app.uploads import store_image

    require(can_edit_project, official, project)
    if project.status not in UPDATABLE_STATUSES:
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
        _check_amount(amount, "spending", _("Enter the amount spent."))
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
        stored = store_image(upload)
        db.session.add(Photo(project=project, update_id=update.id, kind=PhotoKind.UPDATE,
                             filename=stored.name, width=stored.width, height=stored.height))
    project.last_update_at = update.created_at or utcnow()
    db.session.flush()
    record_event(official, "project.update_posted", update.project, update_id=update.id,
                 spent=total, currency=project.currency)
    if final_report:
        move_project(project, S.COMPLETED)
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
    if project.status not in UPDATABLE_STATUSES:
        return False
    last = project.last_update_at or project.published_at
    today = today or utcnow()
    return last is not None and today - last > STALE_AFTER


# ---------------------------------------------------------------- versions and differences


def snapshot(project):
    """The project as plain data: what the public sees once approved, and what diffs compare."""
    return {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "sector": project.sector.code if project.sector else None,
        "municipality": project.municipality.code,
        "lat": project.lat,
        "lon": project.lon,
        "currency": project.currency,
        "budget": project.budget,
        "starts_on": project.starts_on.isoformat() if project.starts_on else None,
        "ends_on": project.ends_on.isoformat() if project.ends_on else None,
        "needs": [
            {
                "id": n.id, "kind": n.kind.value, "title": n.title, "target_amount": n.target_amount,
                "currency": n.currency, "skill": n.skill.code if n.skill else None, "slots": n.slots,
                "starts_on": n.starts_on.isoformat() if n.starts_on else None,
                "ends_on": n.ends_on.isoformat() if n.ends_on else None, "on_site": n.on_site,
                "requirements": n.requirements, "verified_required": n.verified_required,
                "item": n.item, "quantity": n.quantity, "unit": n.unit,
            }
            for n in project.needs
        ],
        "shares": [
            {"id": s.id, "source": s.source.value, "label": s.label, "planned": s.planned,
             "received": s.received, "conditional": s.conditional, "condition": s.condition}
            for s in project.shares
        ],
        "milestones": [
            {"id": m.id, "title": m.title, "due_on": m.due_on.isoformat() if m.due_on else None,
             "amount": m.amount}
            for m in project.milestones
        ],
        "photos": [
            {"id": p.id, "filename": p.filename, "caption": p.caption, "is_cover": p.is_cover,
             "width": p.width, "height": p.height}
            for p in project.photos
        ],
    }


SCALAR_FIELDS = ("title", "summary", "description", "sector", "municipality", "lat", "lon", "currency",
                 "budget", "starts_on", "ends_on")
LIST_FIELDS = ("needs", "shares", "milestones", "photos")


def _without_ids(items):
    return [{k: v for k, v in item.items() if k != "id"} for item in items]


def diff(before, after):
    """[(field, before, after)] for what changed between two snapshots (lists compared as wholes)."""
    if before is None:
        return []
    changes = [(f, before.get(f), after.get(f)) for f in SCALAR_FIELDS if before.get(f) != after.get(f)]
    for field in LIST_FIELDS:
        old, new = _without_ids(before.get(field) or []), _without_ids(after.get(field) or [])
        if old != new:
            removed = [item for item in old if item not in new]
            added = [item for item in new if item not in old]
            changes.append((field, removed, added))
    return changes


def changes_since_review(project):
    return diff(project.reviewed_snapshot, snapshot(project))
