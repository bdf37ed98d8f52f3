"""Money facts: exchange rates, conversion, what counts toward a need, and who gave to whom.

Read-only questions about pledges that the pledge workflow (app/services/pledges), the project
page and the search documents all ask. It sits below services and search and depends only on the
models, so the index never depends on the workflow that makes pledges.

Money counts once an official confirmed it (or Stripe said it was paid); it is kept in the need's
currency at the rate of that moment (stored with the pledge). Amounts are integers in minor units.
"""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from app.errors import InvalidInput
from app.extensions import db
from app.models import (
    COUNTED_STATUSES,
    RATE_SCALE,
    ExchangeRate,
    NeedKind,
    Pledge,
    PledgeKind,
    PledgeMethod,
    PledgeStatus,
    Project,
    ProjectStatus,
)
from app.models._common import utcnow
from app.money import MAX_AMOUNT

# ---------------------------------------------------------------- who takes what

# A funded project takes no more money (unless its officials accept overfunding), but still
# people and goods.
ACCEPTING_STATUSES = (ProjectStatus.PUBLISHED, ProjectStatus.FUNDED, ProjectStatus.IN_PROGRESS)


def takes_pledges(project, kind):
    """Whether the project takes pledges for a need of this kind now (a NeedKind or its value):
    the one statement of the "takes money" rule, used by the service, the page and its buttons."""
    if NeedKind(kind) == NeedKind.FUNDS and project.status == ProjectStatus.FUNDED:
        return bool(project.accepts_overfunding)
    return project.status in ACCEPTING_STATUSES


def accepts_pledges(need):
    return takes_pledges(need.project, need.kind)


# ---------------------------------------------------------------- exchange rates


def rates():
    return {r.currency: r for r in db.session.scalars(db.select(ExchangeRate))}


def currencies_without_rate(currencies):
    """Those of ``currencies`` no amount can be converted from or to yet (som always can)."""
    wanted = set(currencies) - {"KGS"}
    if not wanted:
        return []
    known = set(db.session.scalars(db.select(ExchangeRate.currency).where(ExchangeRate.currency.in_(wanted))))
    return sorted(wanted - known)


def rate_of(currency):
    return db.session.scalar(db.select(ExchangeRate).filter_by(currency=currency))


def _som_per_unit_micro(currency, known_rates=None):
    if currency == "KGS":
        return RATE_SCALE
    rate = rate_of(currency) if known_rates is None else known_rates.get(currency)
    if rate is None:
        raise InvalidInput(_("There is no exchange rate for %(currency)s yet; choose another currency.",
                             currency=currency), field="currency")
    return rate.som_per_unit_micro


def convert(amount, from_currency, to_currency, *, known_rates=None):
    """(converted amount in minor units, rate used × 10⁶): exact integer arithmetic, rounded half up.

    ``known_rates``: what ``rates()`` gave, read once for a page that converts many amounts."""
    source = _som_per_unit_micro(from_currency, known_rates)
    target = _som_per_unit_micro(to_currency, known_rates)
    converted = (Decimal(amount) * source / target).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    rate_micro = (Decimal(source) * RATE_SCALE / target).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(converted), int(rate_micro)


# ---------------------------------------------------------------- progress


def confirmed_totals(need_ids):
    """{need_id: what counts so far}: money in the need's currency, goods, or places taken."""
    if not need_ids:
        return {}
    rows = db.session.execute(
        db.select(Pledge.need_id, db.func.sum(Pledge.converted_amount), db.func.sum(Pledge.quantity),
                  db.func.count(Pledge.starts_on))
        .where(Pledge.need_id.in_(need_ids), Pledge.status.in_(COUNTED_STATUSES))
        .group_by(Pledge.need_id)
    ).all()
    # Money in minor units, goods as a quantity, skills as the number of places taken.
    return {need_id: int(money or goods or places or 0) for need_id, money, goods, places in rows}


def counted_money_pledges(project, pledges=None):
    """The project's confirmed money pledges: picked from ``pledges`` when the caller has read a
    superset of them already (the project page's public ledger), else read."""
    if pledges is not None:
        return [p for p in pledges if p.project_id == project.id and p.status in COUNTED_STATUSES
                and p.kind == PledgeKind.FUNDS]
    return db.session.scalars(
        db.select(Pledge).where(Pledge.project_id == project.id, Pledge.status.in_(COUNTED_STATUSES),
                                Pledge.kind == PledgeKind.FUNDS)).all()


def confirmed_diaspora_money(project, pledges=None):
    """Confirmed money pledged on the project's funds needs in its currency (the diaspora's share)."""
    total = 0
    for pledge in counted_money_pledges(project, pledges):
        # converted_amount is in the need's currency; a need may ask for dollars in a som project.
        if pledge.need.currency == project.currency:
            total += pledge.converted_amount
        else:
            total += convert(pledge.converted_amount, pledge.need.currency, project.currency)[0]
    return total


def holds_its_money(pledge):
    """A card pledge keeps its share of the need while its donor pays, until ``held_until``."""
    return (pledge.method == PledgeMethod.CARD and pledge.status == PledgeStatus.PENDING
            and pledge.held_until is not None and pledge.held_until > utcnow())


def held_amount(need, *, besides=None):
    """Money that card pledges hold on the need while their donors pay (``besides``: not this one)."""
    held = db.select(db.func.coalesce(db.func.sum(Pledge.converted_amount), 0)).where(
        Pledge.need_id == need.id, Pledge.method == PledgeMethod.CARD, Pledge.status == PledgeStatus.PENDING,
        Pledge.held_until > utcnow())
    if besides is not None:
        held = held.where(Pledge.id != besides.id)
    return int(db.session.scalar(held))  # PostgreSQL sums integers as numeric


def remaining(need, *, besides=None):
    """How much money a need still takes: its target less what counts and what card payments
    under way hold; without limit once its officials accept overfunding. Call it after
    ``lock_for_update(need)`` when what it answers decides a write."""
    if need.project.accepts_overfunding:
        return MAX_AMOUNT
    counted = confirmed_totals([need.id]).get(need.id, 0)
    return max(0, need.target_amount - counted - held_amount(need, besides=besides))


def ledger_totals(project, pledges=None):
    """{currency: counted money} — per currency, the sum of the progress bars of its needs."""
    totals = {}
    for pledge in counted_money_pledges(project, pledges):
        totals[pledge.need.currency] = totals.get(pledge.need.currency, 0) + pledge.converted_amount
    return totals


def targets_met(project):
    """Every money need of the project has its target counted (and it has at least one)."""
    money_needs = [n for n in project.needs if n.kind == NeedKind.FUNDS]
    totals = confirmed_totals([n.id for n in money_needs])
    return bool(money_needs) and all(totals.get(n.id, 0) >= n.target_amount for n in money_needs)


def funding_progress(project, needs, totals, *, known_rates=None):
    """Counted share of the money asked for, 0..1, while the project takes money; else None.

    needs are the published snapshot's needs (dicts), totals what confirmed_totals gave for them.
    None too while a need's currency has no exchange rate: the share is not known then.
    ``known_rates`` as for ``convert``."""
    if project.status != ProjectStatus.PUBLISHED:
        return None
    asked = got = 0
    for need in needs:
        if need["kind"] != NeedKind.FUNDS.value or not need.get("target_amount"):
            continue
        target = need["target_amount"]
        done = min(totals.get(need["id"], 0), target)
        if need.get("currency") and need["currency"] != project.currency:
            try:
                target = convert(target, need["currency"], project.currency, known_rates=known_rates)[0]
                done = convert(done, need["currency"], project.currency, known_rates=known_rates)[0]
            except InvalidInput:  # no rate for that currency yet
                return None
        asked += target
        got += done
    return round(got / asked, 6) if asked else None


# ---------------------------------------------------------------- who gave to whom


def lsgs_pledged_to_by(user_ids):
    """{user id: ids of the LSGs whose projects they pledged to (any pledge not withdrawn)}."""
    pledged = {}
    if not user_ids:
        return pledged
    rows = db.session.execute(
        db.select(Pledge.member_id, Project.lsg_id).join(Project, Pledge.project_id == Project.id)
        .where(Pledge.member_id.in_(user_ids), Pledge.status != PledgeStatus.WITHDRAWN).distinct()
    )
    for user_id, lsg_id in rows:
        pledged.setdefault(user_id, set()).add(lsg_id)
    return pledged
