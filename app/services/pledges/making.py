"""Making a pledge: money offline (by card: app/payments), goods, or an offer of a skill's days."""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from app.authz import is_authenticated, require
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.ledger import accepts_pledges, convert, remaining
from app.models import (
    CURRENCIES,
    Need,
    NeedKind,
    Pledge,
    PledgeKind,
    PledgeMethod,
    PledgeStatus,
    ProjectStatus,
    SkillStatus,
)
from app.models._common import utcnow
from app.money import MAX_AMOUNT, format_money
from app.services.audit import record_event
from app.services.notifications import money_param, need_param, notify_all, officials_of
from app.services.profiles import credential_status

OFFLINE_METHODS = (PledgeMethod.BANK_TRANSFER, PledgeMethod.MOBILE_WALLET, PledgeMethod.CASH)


def check_accepting(need):
    if need.closed_at is not None:
        raise Conflict(_("This need is closed; it takes no new pledges."))
    if not accepts_pledges(need):
        if need.project.status == ProjectStatus.FUNDED:
            raise Conflict(_("This project is fully funded; thank you! It takes no more money."))
        raise InvalidTransition(_("This project does not take pledges now."))


def is_published_need(need):
    """Only needs of the version the moderators approved take pledges: a need added in a revision
    that is not approved yet does not exist for the public."""
    snapshot = need.project.published_snapshot or {}
    return need.project.is_public and need.id in {n.get("id") for n in snapshot.get("needs", ())}


def get_public_need(need_id):
    need = db.session.get(Need, need_id)
    if need is None or not is_published_need(need):
        raise NotFound()
    return need


def check_money_pledge(need, amount, currency):
    """The checks every money pledge passes, by card or offline: (converted amount, rate used)."""
    check_accepting(need)
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
    if left == 0:
        raise Conflict(_("Other donors are paying what is still needed here, so no money is left to pledge "
                         "right now. If a payment does not go through, its share is free again within "
                         "%(minutes)d minutes.", minutes=current_app.config["CARD_HOLD_MINUTES"]))
    if converted > left:
        raise InvalidInput(_("Only %(left)s is still needed here.", left=format_money(left, need.currency)),
                           field="amount")
    return converted, rate_micro


def hold_money(pledge):
    """Keep the card pledge's share of the need for it while its donor pays (CARD_HOLD_MINUTES)."""
    pledge.held_until = utcnow() + timedelta(minutes=current_app.config["CARD_HOLD_MINUTES"])


def tell_officials(pledge):
    """The project's officials hear of a new pledge (a card pledge once paid); never its own member."""
    kinds = {PledgeKind.FUNDS: "pledge_received", PledgeKind.SKILL: "offer_received",
             PledgeKind.IN_KIND: "goods_pledge_received"}
    params = {"amount": money_param(pledge.amount, pledge.currency)} if pledge.kind == PledgeKind.FUNDS else {}
    notify_all(officials_of(pledge.project.lsg), kinds[pledge.kind], project=pledge.project,
               besides=(pledge.member,), member=pledge.member.name, need=need_param(pledge.need), **params)


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
    tell_officials(pledge)
    return pledge


def pledge_goods(member, need, *, quantity, note="", anonymous=False):
    require(is_authenticated, member)
    check_accepting(need)
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
    tell_officials(pledge)
    return pledge


def _check_credential(member, skill):
    """A place that needs a verified credential: say what the member still has to do, or wait for."""
    status = credential_status(member, skill)
    if status == SkillStatus.VERIFIED:
        return
    if status == SkillStatus.PENDING:
        raise InvalidInput(_("This place needs a verified credential for %(skill)s. Your licence or diploma is "
                             "waiting for a moderator's check; you can offer your time once it is verified.",
                             skill=skill.name))
    raise InvalidInput(_("This place needs a verified credential for %(skill)s. Upload your licence or "
                         "diploma on your profile; a moderator checks it.", skill=skill.name))


def offer_skill(member, need, *, starts_on, ends_on, note=""):
    """Offer to take one place of a skill need for some days inside its window."""
    require(is_authenticated, member)
    check_accepting(need)
    if need.kind != NeedKind.SKILL:
        raise InvalidInput(_("This need is not for a skill."))
    if not starts_on or not ends_on or ends_on < starts_on:
        raise InvalidInput(_("Give the first and the last day you can come."), field="starts_on")
    if starts_on < need.starts_on or ends_on > need.ends_on:
        raise InvalidInput(_("Choose days between %(start)s and %(end)s.", start=need.starts_on.isoformat(),
                             end=need.ends_on.isoformat()), field="starts_on")
    if need.verified_required:
        _check_credential(member, need.skill)
    taken = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == need.id, Pledge.member_id == member.id, Pledge.status.in_((PledgeStatus.PENDING, PledgeStatus.ACCEPTED))))
    if taken:
        raise Conflict(_("You have already offered to help here."))
    pledge = Pledge(need=need, project=need.project, member=member, kind=PledgeKind.SKILL,
                    method=PledgeMethod.VOLUNTEER, starts_on=starts_on, ends_on=ends_on,
                    note=(note or "").strip()[:2000])
    db.session.add(pledge)
    db.session.flush()
    record_event(member, "pledge.created", pledge, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    tell_officials(pledge)
    return pledge
