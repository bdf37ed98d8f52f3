"""An LSG's payment details: where donors send money. Changing them is the classic fraud, so a change
never takes effect at once: the officials send it, a moderator approves (or rejects) it with a
reason, and only then does the page show it — with the day it changed — and the officials and the
donors whose offline pledges wait are told. Until then the page keeps the previous approved details.

Also the admins' wallet kinds (Elsom, MBank, O!Dengi…) the details may name.
"""
import re

from flask_babel import gettext as _

from app.authz import can_administer, can_decide_payment_details, can_edit_lsg, can_moderate, require
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import (PaymentDetails, PaymentDetailsStatus, Pledge, PledgeKind, PledgeMethod, PledgeStatus, Project,
                        User, WalletKind)
from app.services.audit import record_event
from app.services.decisions import decide, required_reason
from app.services.notifications import date_param, localized, notify_all, officials_of

SEEDED_WALLET_KINDS = ("Elsom", "MBank", "O!Dengi")
LIMITS = {"bank_name": 200, "recipient": 200, "budget_code": 32}

_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_KG_ACCOUNT = re.compile(r"[0-9]{16}")
_BUDGET_CODE = re.compile(r"[A-Za-z0-9./-]*")
_KG_MOBILE = re.compile(r"(?:\+?996|0)([0-9]{9})")


# ---------------------------------------------------------------- wallet kinds (admins)


def seed_wallet_kinds():
    """The wallet services every LSG may name; idempotent (never re-adds one an admin removed
    while another with its name exists). Returns how many were added."""
    known = set(db.session.scalars(db.select(WalletKind.name)))
    added = [WalletKind(name=name) for name in SEEDED_WALLET_KINDS if name not in known]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def wallet_kinds():
    return db.session.scalars(db.select(WalletKind).order_by(WalletKind.name, WalletKind.id)).all()


def add_wallet_kind(admin, name):
    require(can_administer, admin)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("This field is required."), field="name")
    if len(name) > 60:
        raise InvalidInput(_("At most %(max)d characters.", max=60), field="name")
    if db.session.scalar(db.select(WalletKind).where(db.func.lower(WalletKind.name) == name.lower())):
        raise InvalidInput(_("This wallet kind exists already."), field="name")
    kind = WalletKind(name=name)
    db.session.add(kind)
    db.session.flush()
    record_event(admin, "wallet_kind.added", kind, name=name)
    return kind


def remove_wallet_kind(admin, kind_id):
    """Details already approved keep the kind's name they were approved with."""
    require(can_administer, admin)
    kind = db.session.get(WalletKind, kind_id)
    if kind is None:
        raise NotFound()
    record_event(admin, "wallet_kind.removed", kind, name=kind.name)
    db.session.delete(kind)
    db.session.flush()


# ---------------------------------------------------------------- checks


def _compact(value):
    return re.sub(r"[\s-]+", "", value or "").upper()


def clean_bic(value):
    bic = _compact(value)
    if not bic:
        raise InvalidInput(_("This field is required."), field="bic")
    if len(bic) not in (8, 11) or not _BIC.fullmatch(bic):
        raise InvalidInput(_("A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters "
                             "or digits for the place, and optionally 3 for the branch (e.g. KICBKG22)."), field="bic")
    return bic


def iban_checksum_ok(iban):
    """The ISO 13616 check: the first four characters moved to the end, letters as 10..35, mod 97 is 1."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


def clean_account(value):
    """An IBAN (format and mod-97 checked) or a Kyrgyz bank account of 16 digits."""
    account = _compact(value)
    if not account:
        raise InvalidInput(_("This field is required."), field="account")
    if account[:2].isalpha():
        if not _IBAN.fullmatch(account):
            raise InvalidInput(_("An IBAN starts with 2 letters and 2 digits, then 11 to 30 letters or digits."),
                               field="account")
        if not iban_checksum_ok(account):
            raise InvalidInput(_("This IBAN's check digits do not match: please look for a typo."), field="account")
        return account
    if not _KG_ACCOUNT.fullmatch(account):
        raise InvalidInput(_("Enter the account number: 16 digits for a Kyrgyz bank account, or an IBAN."),
                           field="account")
    return account


def clean_wallet_number(value, field):
    """A Kyrgyz mobile number, kept as +996 and 9 digits; empty means "no such wallet"."""
    number = re.sub(r"[\s()-]+", "", value or "")
    if not number:
        return ""
    match = _KG_MOBILE.fullmatch(number)
    if not match:
        raise InvalidInput(_("Enter a Kyrgyz mobile number: +996 and 9 digits (e.g. +996 555 123 456)."), field=field)
    return "+996" + match.group(1)


def _text(value, field, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > LIMITS[field]:
        raise InvalidInput(_("At most %(max)d characters.", max=LIMITS[field]), field=field)
    return value


# ---------------------------------------------------------------- officials propose, moderators decide


def verified_payment_details(lsg):
    """The details a moderator approved last for ``lsg`` (a PaymentDetails), or None: what donors see."""
    return db.session.scalar(
        db.select(PaymentDetails).where(PaymentDetails.lsg_id == lsg.id,
                                        PaymentDetails.status == PaymentDetailsStatus.APPROVED)
        .order_by(PaymentDetails.decided_at.desc(), PaymentDetails.id.desc()).limit(1))


def pending_payment_details(lsg):
    """The change waiting for a moderator, or None."""
    return db.session.scalar(
        db.select(PaymentDetails).where(PaymentDetails.lsg_id == lsg.id,
                                        PaymentDetails.status == PaymentDetailsStatus.PENDING)
        .order_by(PaymentDetails.id.desc()).limit(1))


def propose_payment_details(official, lsg, *, bank_name, bic, account, recipient, budget_code="", wallets=None):
    """Send a change for review; ``wallets``: {wallet kind id: number} (an empty number: none).
    A change still waiting is replaced by this one. Nothing the public sees changes yet."""
    require(can_edit_lsg, official, lsg)
    budget_code = _text(budget_code, "budget_code", required=False)
    if not _BUDGET_CODE.fullmatch(budget_code):
        raise InvalidInput(_("A budget code has only letters, digits, dots, slashes and hyphens."),
                           field="budget_code")
    kinds = {kind.id: kind for kind in wallet_kinds()}
    listed = []
    for kind_id, number in (wallets or {}).items():
        kind = kinds.get(kind_id)
        if kind is None:
            raise InvalidInput(_("This wallet kind is no longer offered."))
        number = clean_wallet_number(number, f"wallet_{kind_id}")
        if number:
            listed.append({"kind": kind.name, "number": number})
    change = PaymentDetails(lsg=lsg, bank_name=_text(bank_name, "bank_name"), bic=clean_bic(bic),
                            account=clean_account(account), recipient=_text(recipient, "recipient"),
                            budget_code=budget_code, wallets=listed, proposed_by=official)
    for waiting in db.session.scalars(db.select(PaymentDetails).where(
            PaymentDetails.lsg_id == lsg.id, PaymentDetails.status == PaymentDetailsStatus.PENDING)):
        waiting.status = PaymentDetailsStatus.REPLACED
    db.session.add(change)
    db.session.flush()
    record_event(official, "payment_details.proposed", change, lsg_id=lsg.id, bic=change.bic, account=change.account)
    return change


def pending_changes(moderator):
    require(can_moderate, moderator)
    return db.session.scalars(db.select(PaymentDetails).where(PaymentDetails.status == PaymentDetailsStatus.PENDING)
                              .order_by(PaymentDetails.created_at, PaymentDetails.id)).all()


def change_for_review(moderator, change_id):
    require(can_moderate, moderator)
    change = db.session.get(PaymentDetails, change_id)
    if change is None:
        raise NotFound()
    return change


def pending_donors(lsg):
    """Members whose offline pledges of money to the LSG's projects wait for confirmation: they are
    the ones who may still transfer to the account (a card payment goes through Stripe instead)."""
    return db.session.scalars(
        db.select(User).where(User.id.in_(
            db.select(Pledge.member_id).join(Project, Pledge.project_id == Project.id)
            .where(Project.lsg_id == lsg.id, Pledge.status == PledgeStatus.PENDING, Pledge.kind == PledgeKind.FUNDS,
                   Pledge.method != PledgeMethod.CARD))).order_by(User.id)).all()


def _decide(moderator, change, status, action, reason):
    require(can_decide_payment_details, moderator, change)
    reason = required_reason(reason, limit=2000)
    decide(moderator, change, status, action, allowed_from=(PaymentDetailsStatus.PENDING,),
           already_decided=_("This change has been decided on already."), reason=reason, lsg_id=change.lsg_id)
    return change


def approve_payment_details(moderator, change, *, reason):
    """The change takes effect; the officials and the donors with offline pledges waiting are told, once each."""
    _decide(moderator, change, PaymentDetailsStatus.APPROVED, "payment_details.approved", reason)
    lsg = change.lsg
    notify_all([*officials_of(lsg), *pending_donors(lsg)], "payment_details_changed", lsg=localized(lsg), lsg_id=lsg.id,
               date=date_param(change.decided_at.date()))
    return change


def reject_payment_details(moderator, change, *, reason):
    """The previous approved details stay; the officials hear why."""
    _decide(moderator, change, PaymentDetailsStatus.REJECTED, "payment_details.rejected", reason)
    notify_all(officials_of(change.lsg), "payment_details_rejected", lsg=localized(change.lsg),
               lsg_id=change.lsg_id, reason=reason)
    return change

