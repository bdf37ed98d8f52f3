"""Pledges on a project's needs: money (offline, or by card through app/payments), goods, and
skill offers for places of a skill need.

Money counts only once an official of the project's LSG confirmed it (or Stripe's signed webhook
said it was paid), converted into the need's currency at the admins' rate of that moment (the
rate is stored with the pledge). A pledge's status only moves forward, and every move is audited.
"""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from app.authz import can_administer, can_edit_project, is_authenticated, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    COUNTED_STATUSES,
    CURRENCIES,
    RATE_SCALE,
    ExchangeRate,
    Need,
    NeedKind,
    Pledge,
    PledgeKind,
    PledgeMethod,
    PledgeStatus,
    Project,
    ProjectStatus,
)
from app.models._common import utcnow
from app.money import MAX_AMOUNT, format_money
from app.ledger import (  # noqa: F401  (money facts, re-exported for callers of this service)
    ACCEPTING_STATUSES,
    accepts_pledges,
    confirmed_diaspora_money,
    confirmed_totals,
    convert,
    ledger_totals,
    rate_of,
    rates,
    remaining,
    takes_pledges,
    targets_met,
)
from app.services.audit import record_event
from app.services.projects import move_project

P = PledgeStatus
ALLOWED_TRANSITIONS = {
    P.PENDING: {P.CONFIRMED, P.PAID, P.FAILED, P.ACCEPTED, P.DECLINED, P.REJECTED, P.EXPIRED, P.WITHDRAWN},
    P.ACCEPTED: {P.WITHDRAWN},  # the member can no longer come: the place is free again
    P.DECLINED: set(),
    P.FAILED: {P.PAID},  # the member tried again with another card on the same payment
    P.PAID: {P.REFUNDED},
    P.REFUNDED: set(),
    P.CONFIRMED: set(),
    P.REJECTED: set(),
    P.EXPIRED: set(),
    P.WITHDRAWN: set(),
}
OFFLINE_METHODS = (PledgeMethod.BANK_TRANSFER, PledgeMethod.MOBILE_WALLET, PledgeMethod.CASH)


# ---------------------------------------------------------------- exchange rates


def set_rate(admin, currency, som_per_unit):
    """Set how many som one unit of ``currency`` is worth (a Decimal such as 87.45)."""
    require(can_administer, admin)
    if currency not in CURRENCIES or currency == "KGS":
        raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
    if som_per_unit is None or not Decimal("0.000001") <= som_per_unit <= Decimal(1_000_000):
        raise InvalidInput(_("Enter how many som one unit is worth, e.g. 87.45."), field="rate")
    micro = int((som_per_unit * RATE_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    rate = rate_of(currency) or ExchangeRate(currency=currency)
    previous = rate.som_per_unit_micro
    rate.som_per_unit_micro, rate.updated_by_id = micro, admin.id
    db.session.add(rate)
    db.session.flush()
    record_event(admin, "rate.set", rate, currency=currency, previous=previous, rate=micro)
    return rate


# ---------------------------------------------------------------- making a pledge


def _accepting(need):
    if not accepts_pledges(need):
        if need.project.status == ProjectStatus.FUNDED:
            raise Conflict(_("This project is fully funded; thank you! It takes no more money."))
        raise InvalidTransition(_("This project does not take pledges now."))


def get_public_need(need_id):
    need = db.session.get(Need, need_id)
    if need is None or not need.project.is_public:
        raise NotFound()
    return need


def check_money_pledge(need, amount, currency):
    """The checks every money pledge passes, by card or offline: (converted amount, rate used)."""
    _accepting(need)
    if need.kind != NeedKind.FUNDS:
        raise InvalidInput(_("This need is not for money."))
    if currency not in CURRENCIES:
        raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
    if amount is None or not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(_("Enter the amount you give."), field="amount")
    converted, rate_micro = convert(amount, currency, need.currency)
    if converted <= 0:
        raise InvalidInput(_("Enter the amount you give."), field="amount")
    left = remaining(need)
    if converted > left:
        raise InvalidInput(_("Only %(left)s is still needed here.", left=format_money(left, need.currency)),
                           field="amount")
    return converted, rate_micro


def pledge_money(member, need, *, amount, currency, method, reference="", anonymous=False):
    """Record an offline payment the member made or will make; it counts once an official confirms."""
    require(is_authenticated, member)
    method = PledgeMethod(method)
    if method not in OFFLINE_METHODS:
        raise InvalidInput(_("Choose how you pay."), field="method")
    converted, rate_micro = check_money_pledge(need, amount, currency)
    pledge = Pledge(
        need=need, project=need.project, member=member, kind=PledgeKind.FUNDS, method=method, amount=amount,
        currency=currency, converted_amount=converted, rate_micro=rate_micro,
        reference=(reference or "").strip()[:120], anonymous=bool(anonymous),
    )
    db.session.add(pledge)
    db.session.flush()
    record_event(member, "pledge.created", pledge, amount=amount, currency=currency,
                 converted=converted, rate=rate_micro, method=method.value)
    return pledge


def pledge_goods(member, need, *, quantity, note="", anonymous=False):
    require(is_authenticated, member)
    _accepting(need)
    if need.kind != NeedKind.IN_KIND:
        raise InvalidInput(_("This need is not for goods."))
    if quantity is None or not 0 < quantity <= need.quantity:
        raise InvalidInput(_("Enter a quantity between 1 and %(max)d.", max=need.quantity), field="quantity")
    pledge = Pledge(need=need, project=need.project, member=member, kind=PledgeKind.IN_KIND,
                    method=PledgeMethod.GOODS, quantity=quantity, note=(note or "").strip()[:2000],
                    anonymous=bool(anonymous))
    db.session.add(pledge)
    db.session.flush()
    record_event(member, "pledge.created", pledge, quantity=quantity)
    return pledge


def _holds_verified(member, skill):
    from app.models.profiles import MemberProfile, ProfileSkill, SkillStatus

    return bool(db.session.scalar(
        db.select(db.func.count(ProfileSkill.id)).join(MemberProfile)
        .where(MemberProfile.user_id == member.id, ProfileSkill.skill_id == skill.id,
               ProfileSkill.status == SkillStatus.VERIFIED)
    ))


def offer_skill(member, need, *, starts_on, ends_on, note=""):
    """Offer to take one place of a skill need for some days inside its window."""
    require(is_authenticated, member)
    _accepting(need)
    if need.kind != NeedKind.SKILL:
        raise InvalidInput(_("This need is not for a skill."))
    if not starts_on or not ends_on or ends_on < starts_on:
        raise InvalidInput(_("Give the first and the last day you can come."), field="starts_on")
    if starts_on < need.starts_on or ends_on > need.ends_on:
        raise InvalidInput(_("Choose days between %(start)s and %(end)s.", start=need.starts_on.isoformat(),
                             end=need.ends_on.isoformat()), field="starts_on")
    if need.verified_required and not _holds_verified(member, need.skill):
        raise InvalidInput(_("This place needs a verified credential for %(skill)s. Upload your licence or "
                             "diploma on your profile; a moderator checks it.", skill=need.skill.name))
    taken = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == need.id, Pledge.member_id == member.id, Pledge.status.in_((P.PENDING, P.ACCEPTED))))
    if taken:
        raise Conflict(_("You have already offered to help here."))
    pledge = Pledge(need=need, project=need.project, member=member, kind=PledgeKind.SKILL,
                    method=PledgeMethod.VOLUNTEER, starts_on=starts_on, ends_on=ends_on,
                    note=(note or "").strip()[:2000])
    db.session.add(pledge)
    db.session.flush()
    record_event(member, "pledge.created", pledge, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    return pledge


def accept_offer(official, pledge):
    """Give the member one place. The need's row is locked while places are counted, so two
    officials accepting at once can never fill more places than there are."""
    require(can_edit_project, official, pledge.project)
    if pledge.kind != PledgeKind.SKILL:
        raise InvalidInput(_("Only skill offers are accepted; confirm money and goods instead."))
    db.session.refresh(pledge.need, with_for_update=True)
    accepted = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == pledge.need_id, Pledge.status == P.ACCEPTED))
    if accepted >= pledge.need.slots:
        raise Conflict(_("All places of this need are taken."))
    _move(official, pledge, P.ACCEPTED, "pledge.accepted")
    return pledge


def decline_offer(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    _move(official, pledge, P.DECLINED, "pledge.declined", reason=reason)
    return pledge


# ---------------------------------------------------------------- deciding on a pledge


def get_pledge(pledge_id):
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound()
    return pledge


def _move(actor, pledge, new_status, action, reason=None, reference=None):
    # Two officials at once: the second waits, then sees the pledge already decided.
    db.session.refresh(pledge, with_for_update=True)
    if new_status not in ALLOWED_TRANSITIONS[pledge.status]:
        raise InvalidTransition(_("This pledge has already been decided."))
    if reference:
        pledge.reference = reference.strip()[:120]
    pledge.status = new_status
    pledge.decided_by_id = actor.id if actor is not None else None
    pledge.decided_at = utcnow()
    pledge.decision_reason = reason
    db.session.flush()
    record_event(actor, action, pledge, reason=reason, reference=pledge.reference)


def confirm_pledge(official, pledge, *, reference=""):
    """The money arrived (or the goods were delivered): it now counts toward the need."""
    require(can_edit_project, official, pledge.project)
    if pledge.kind == PledgeKind.SKILL or pledge.method == PledgeMethod.CARD:
        raise InvalidInput(_("This pledge is not confirmed by hand."))
    if pledge.kind == PledgeKind.FUNDS and remaining(pledge.need) < pledge.converted_amount:
        raise Conflict(_("Confirming this would go beyond the need's target. Reject it with a reason, "
                         "or raise the target first."))
    _move(official, pledge, P.CONFIRMED, "pledge.confirmed", reference=reference)
    _mark_funded_when_complete(official, pledge.project)
    return pledge


def reject_pledge(official, pledge, *, reason):
    require(can_edit_project, official, pledge.project)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field="reason")
    _move(official, pledge, P.REJECTED, "pledge.rejected", reason=reason)
    return pledge


def withdraw_pledge(member, pledge):
    if member is None or pledge.member_id != getattr(member, "id", None):
        raise PermissionDenied()
    if pledge.method == PledgeMethod.CARD:  # Stripe may still take the money: it decides
        raise InvalidTransition(_("A card payment cannot be withdrawn here; ask for a refund."))
    _move(member, pledge, P.WITHDRAWN, "pledge.withdrawn")
    return pledge


CARD_OUTCOMES = {P.PAID: "pledge.paid", P.FAILED: "pledge.failed", P.REFUNDED: "pledge.refunded"}


def settle_card_payment(pledge, new_status, *, event_id):
    """Move a card pledge as Stripe's signed webhook says. Returns False, changing nothing, when
    the event is stale (a late "failed" after "paid", a second "paid"): events may arrive twice,
    late or out of order, and only forward moves count."""
    db.session.refresh(pledge, with_for_update=True)
    if pledge.method != PledgeMethod.CARD or new_status not in ALLOWED_TRANSITIONS[pledge.status]:
        return False
    _move(None, pledge, new_status, CARD_OUTCOMES[new_status], reference=event_id)
    if new_status == P.PAID:
        _mark_funded_when_complete(None, pledge.project)
    elif new_status == P.REFUNDED:
        _reopen_when_short(pledge.project)
    return True


def expire_pending(older_than_days):
    """Pending pledges older than the period expire (run by `flask pledges expire`)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    expired = db.session.scalars(
        db.select(Pledge).where(Pledge.status == P.PENDING, Pledge.created_at < cutoff,
                                Pledge.method != PledgeMethod.CARD)  # card payments: Stripe decides
    ).all()
    for pledge in expired:
        _move(None, pledge, P.EXPIRED, "pledge.expired", reason=f"pending for more than {older_than_days} days")
    return expired


def _mark_funded_when_complete(actor, project):
    """When every money need has its target confirmed, the project is funded."""
    if project.status == ProjectStatus.PUBLISHED and targets_met(project):
        move_project(project, ProjectStatus.FUNDED)
        db.session.flush()
        record_event(actor, "project.funded", project)


def _reopen_when_short(project):
    """A refund that takes a funded project below its targets opens it to money again."""
    if project.status == ProjectStatus.FUNDED and not targets_met(project):
        move_project(project, ProjectStatus.PUBLISHED)
        db.session.flush()
        record_event(None, "project.reopened", project, reason="a refund took it below its targets")


# ---------------------------------------------------------------- lists


def pending_for_project(official, project):
    require(can_edit_project, official, project)
    return db.session.scalars(
        db.select(Pledge).where(Pledge.project_id == project.id, Pledge.status == P.PENDING)
        .order_by(Pledge.created_at, Pledge.id)
    ).all()


def public_ledger(project):
    """Every pledge that is pending or confirmed, newest first: what the village is told it gets."""
    return db.session.scalars(
        db.select(Pledge).where(Pledge.project_id == project.id,
                                Pledge.status.in_((P.PENDING, *COUNTED_STATUSES, P.REFUNDED)))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def pledges_of(member):
    return db.session.scalars(
        db.select(Pledge).where(Pledge.member_id == member.id).order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def receipt(member, pledge_id):
    """A confirmed pledge's receipt, for its member (or the project's officials)."""
    pledge = get_pledge(pledge_id)
    if pledge.member_id != getattr(member, "id", None) and not can_edit_project(member, pledge.project):
        raise NotFound()
    if pledge.status not in COUNTED_STATUSES:
        raise InvalidTransition(_("A receipt exists once the pledge is confirmed."))
    return pledge


# ---------------------------------------------------------------- statements

HOURS_PER_DAY = 8  # a day of volunteer work, as the statements count it


def member_statement(member, year):
    """A member's year: counted money (by currency, as given), goods, and skill days as hours."""
    require(is_authenticated, member)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    counted = db.session.scalars(
        db.select(Pledge).where(Pledge.member_id == member.id, Pledge.status.in_(COUNTED_STATUSES),
                                Pledge.created_at >= start, Pledge.created_at < end)
        .order_by(Pledge.created_at, Pledge.id)
    ).all()
    money = {}
    hours = 0
    for pledge in counted:
        if pledge.kind == PledgeKind.FUNDS:
            money[pledge.currency] = money.get(pledge.currency, 0) + pledge.amount
        elif pledge.kind == PledgeKind.SKILL:
            hours += ((pledge.ends_on - pledge.starts_on).days + 1) * HOURS_PER_DAY
    return {"year": year, "pledges": counted, "money": money, "hours": hours}


def lsg_statement(official, lsg, year):
    """Money an LSG received in a year, per project, in each project's currency."""
    from app.authz import can_moderate, is_official_of

    if not (is_official_of(official, lsg) or can_moderate(official)):
        raise PermissionDenied()
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = {}
    for pledge in db.session.scalars(
        db.select(Pledge).join(Pledge.project).where(
            Pledge.kind == PledgeKind.FUNDS, Pledge.status.in_(COUNTED_STATUSES),
            Pledge.decided_at >= start, Pledge.decided_at < end, Project.lsg_id == lsg.id)
    ):
        project = pledge.project
        amount = pledge.converted_amount
        if pledge.need.currency != project.currency:
            amount = convert(amount, pledge.need.currency, project.currency)[0]
        entry = rows.setdefault(project.id, {"project": project, "count": 0, "total": 0})
        entry["count"] += 1
        entry["total"] += amount
    return {"year": year, "lsg": lsg, "projects": sorted(rows.values(), key=lambda r: r["project"].id)}
