"""Officials write a project: its fields, needs, co-financing shares, milestones and photos.

An edit of a published project starts a revision: the public keeps seeing the published version
(``published_snapshot``) until a moderator approves the changes.
"""
from flask_babel import format_date
from flask_babel import gettext as _

from app.authz import can_edit_project, is_official_of, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.ledger import convert
from app.models import (
    CURRENCIES,
    CofinancingShare,
    Milestone,
    Need,
    NeedKind,
    Photo,
    PhotoKind,
    Pledge,
    PledgeMethod,
    PledgeStatus,
    Project,
    ProjectStatus,
    RevisionState,
    ShareSource,
    Skill,
    SpendingLine,
)
from app.models._common import utcnow
from app.money import MAX_AMOUNT, format_money
from app.services.audit import record_event
from app.services.decisions import required_reason
from app.services.notifications import need_param, notify_all
from app.uploads import store_image

# Kyrgyzstan's bounding box, with a margin: a map point outside it is a typo.
LAT_RANGE, LON_RANGE = (39.0, 43.5), (69.0, 81.0)
MAX_SLOTS = 500
MAX_QUANTITY = 10**7


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
    project = Project(lsg=lsg, municipality=lsg.municipality, created_by=official, status=ProjectStatus.DRAFT)
    _apply_fields(project, fields)
    db.session.add(project)
    db.session.flush()
    record_event(official, "project.created", project)
    return project


def _begin_edit(official, project):
    """Check that the official may edit now; an edit of a published project starts a revision."""
    require(can_edit_project, official, project)
    if project.awaiting_review:
        raise InvalidTransition(_("The project is waiting for a moderator. You can edit it again after the review."))
    if not project.is_editable:
        raise InvalidTransition(_("This project can no longer be edited."))
    if project.is_public and project.revision_state is None:
        project.revision_state = RevisionState.EDITING


def update_project(official, project, **fields):
    _begin_edit(official, project)
    _check_fields(**fields)
    _apply_fields(project, fields)
    db.session.flush()
    return project


def check_amount(value, field, message):
    if value is None or not 0 < value <= MAX_AMOUNT:
        raise InvalidInput(message, field=field)


def _check_within_budget(project, amount, currency):
    """A funds need cannot ask for more than the whole project costs (converted at today's rate;
    a currency with no rate yet is not compared)."""
    if not project.budget:
        return
    if currency != project.currency:
        try:
            amount, _rate = convert(amount, currency, project.currency)
        except InvalidInput:
            return
    if amount > project.budget:
        raise InvalidInput(_("This is more than the whole budget of the project (%(budget)s).",
                             budget=format_money(project.budget, project.currency)), field="target_amount")


def _check_within_dates(project, starts_on, ends_on):
    """A skill is needed while the project runs, not before its start or after its end."""
    if project.starts_on and starts_on < project.starts_on:
        raise InvalidInput(_("The project starts on %(date)s: the skill cannot be needed before.",
                             date=format_date(project.starts_on, "medium")), field="starts_on")
    if project.ends_on and ends_on > project.ends_on:
        raise InvalidInput(_("The project ends on %(date)s: the skill cannot be needed after.",
                             date=format_date(project.ends_on, "medium")), field="ends_on")


def add_need(official, project, kind, **fields):
    _begin_edit(official, project)
    kind = NeedKind(kind)
    title = (fields.get("title") or "").strip()
    need = Need(kind=kind, title=title)  # joined to the project only once it is valid
    if kind == NeedKind.FUNDS:
        check_amount(fields.get("target_amount"), "target_amount", _("Enter the amount needed."))
        currency = fields.get("currency") or project.currency
        if currency not in CURRENCIES:
            raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
        _check_within_budget(project, fields["target_amount"], currency)
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
        _check_within_dates(project, starts_on, ends_on)
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


REMOVABLE = {"needs": Need, "shares": CofinancingShare, "milestones": Milestone, "photos": Photo}


def removable_item(official, project, collection, item_id):
    """The need, share, milestone or photo of this project an official is about to remove."""
    require(can_edit_project, official, project)
    item = _owned(REMOVABLE[collection], project, item_id)
    if isinstance(item, Photo) and item.kind != PhotoKind.GALLERY:
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
    reason = required_reason(reason, limit=2000)
    if need.closed_at is not None:
        raise InvalidTransition(_("This need is already closed."))
    need.closed_at, need.closed_reason = utcnow(), reason
    db.session.flush()
    record_event(official, "need.closed", need, reason=need.closed_reason, project_id=project.id)
    # Members whose pledges wait for the officials hear that the need closed (card payments under
    # way are not affected: Stripe settles them).
    waiting = db.session.scalars(db.select(Pledge).where(
        Pledge.need_id == need.id, Pledge.status == PledgeStatus.PENDING, Pledge.method != PledgeMethod.CARD)
        .order_by(Pledge.id)).all()
    notify_all([pledge.member for pledge in waiting], "need_closed", project=project, besides=(official,),
               need=need_param(need), reason=reason,
               title=project.told_title)
    return need


def add_share(official, project, *, source, planned, received=0, label="", conditional=False, condition="",
              counts_volunteer_work=False):
    _begin_edit(official, project)
    check_amount(planned, "planned", _("Enter the planned amount of this share."))
    if received is None or not 0 <= received <= MAX_AMOUNT:
        raise InvalidInput(_("The received amount cannot be negative."), field="received")
    if conditional and not (condition or "").strip():
        raise InvalidInput(_("Say when the conditional share is released."), field="condition")
    if counts_volunteer_work and ShareSource(source) != ShareSource.DIASPORA:
        raise InvalidInput(_("Only the diaspora's share can count volunteer work."), field="counts_volunteer_work")
    share = CofinancingShare(
        project=project, source=ShareSource(source), planned=planned, received=received,
        label=(label or "").strip(), conditional=bool(conditional),
        condition=(condition or "").strip() if conditional else "",
        counts_volunteer_work=bool(counts_volunteer_work),
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
    _begin_edit(official, project)
    stored = store_image(upload, responsive=True)  # shown on pages: with its variants
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


def set_overfunding(official, project, allowed):
    """Whether money is still taken once the targets are met. It changes nothing the public was
    promised, so it needs no review; it is audited."""
    require(can_edit_project, official, project)
    if not project.is_editable:
        raise InvalidTransition(_("This project can no longer be edited."))
    project.accepts_overfunding = bool(allowed)
    db.session.flush()
    record_event(official, "project.overfunding_allowed" if allowed else "project.overfunding_refused", project)
    return project


# ---------------------------------------------------------------- completeness


def problems_by_step(project):
    """What keeps the project from being submitted, each with the editor step that fixes it
    (``basics``, ``needs``, ``plan``, ``milestones``), in words the official can act on."""
    found = []
    if project.sector is None:
        found.append(("basics", _("Choose a sector.")))
    if not project.summary:
        found.append(("basics", _("Write a short summary.")))
    if not project.description:
        found.append(("basics", _("Write a description.")))
    if not project.budget:
        found.append(("basics", _("Enter the total budget.")))
    if not project.needs:
        found.append(("needs", _("Add at least one need.")))
    shares = sum(s.planned for s in project.shares)
    if shares != project.budget:
        found.append(("plan", _("The co-financing shares add up to %(shares)s, but the budget is %(budget)s.",
                                shares=format_money(shares, project.currency),
                                budget=format_money(project.budget, project.currency))))
    milestones = sum(m.amount for m in project.milestones)
    if milestones != project.budget:
        found.append(("milestones", _("The milestones add up to %(total)s, but the budget is %(budget)s.",
                                      total=format_money(milestones, project.currency),
                                      budget=format_money(project.budget, project.currency))))
    return found


def problems(project):
    """What keeps the project from being submitted, in words the official can act on."""
    return [message for _step, message in problems_by_step(project)]
