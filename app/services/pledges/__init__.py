"""Pledges on a project's needs: money (offline, or by card through app/payments), goods, and
skill offers for places of a skill need.

Money counts only once an official of the project's LSG confirmed it (or Stripe's signed webhook
said it was paid), converted into the need's currency at the admins' rate of that moment (the
rate is stored with the pledge). A pledge's status only moves forward, and every move is audited.

The service is split by concern: making (making.py), deciding (deciding.py), the admins' rates
(exchange.py), lists, receipts and statements (statements.py). The money facts they rest on (rates,
conversion, what counts, who takes pledges) are in app/ledger.py; the names callers use are
re-exported here, so ``from app.services import pledges`` reads as one service.
"""
from app.ledger import (
    ACCEPTING_STATUSES,
    accepts_pledges,
    confirmed_diaspora_money,
    confirmed_totals,
    convert,
    currencies_without_rate,
    holds_its_money,
    ledger_totals,
    rates,
    remaining,
    takes_pledges,
)
from app.services.pledges.deciding import (
    ALLOWED_TRANSITIONS,
    CARD_OUTCOMES,
    accept_offer,
    confirm_pledge,
    decline_offer,
    expire_pending,
    get_pledge,
    lock_card_pledge,
    reject_pledge,
    renew_hold,
    settle_card_payment,
    withdraw_pledge,
)
from app.services.pledges.making import (
    OFFLINE_METHODS,
    check_money_pledge,
    get_public_need,
    hold_money,
    is_published_need,
    offer_skill,
    pledge_goods,
    pledge_money,
)
from app.services.pledges.exchange import set_rate
from app.services.pledges.references import find_by_reference, is_offline_money, made_pledge, offline_pledge
from app.services.pledges.statements import (
    HOURS_PER_DAY,
    IncomingPledge,
    incoming_pledges,
    lsg_statement,
    member_statement,
    pending_for_project,
    pledges_of,
    public_ledger,
    receipt,
)

__all__ = [
    "ACCEPTING_STATUSES", "ALLOWED_TRANSITIONS", "CARD_OUTCOMES", "HOURS_PER_DAY", "IncomingPledge", "OFFLINE_METHODS",
    "accept_offer", "accepts_pledges", "check_money_pledge", "confirm_pledge", "confirmed_diaspora_money",
    "confirmed_totals", "convert", "currencies_without_rate", "hold_money", "holds_its_money",
    "is_published_need", "lock_card_pledge", "renew_hold", "decline_offer", "expire_pending", "get_pledge", "get_public_need",
    "incoming_pledges", "ledger_totals", "lsg_statement", "member_statement", "offer_skill", "pending_for_project", "pledge_goods",
    "pledge_money", "pledges_of", "public_ledger", "rates", "receipt", "reject_pledge", "remaining",
    "set_rate", "find_by_reference", "is_offline_money", "made_pledge", "offline_pledge",
    "settle_card_payment", "takes_pledges", "withdraw_pledge",
]
