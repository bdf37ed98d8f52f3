"""Payment references (app/payment_refs.py) at work: the page after an offline pledge, the
printable payment slip, and officials finding a pledge by the reference on a transfer."""
from flask_babel import gettext as _

from app.authz import can_find_pledge_by_reference, can_see_receipt, is_pledge_owner, require, require_visible
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import LsgMembership, MembershipStatus, Pledge, PledgeKind, Project
from app.payment_refs import NotAReference, parse
from app.services.pledges.deciding import get_pledge
from app.services.pledges.making import OFFLINE_METHODS

TYPOS = {
    "length": lambda: _("A reference has 8 characters after BRG, like BRG-7K4M-X2QH: check that none is "
                        "missing or extra."),
    "characters": lambda: _("A reference has no 0, O, 1, I or L and no other signs: check the characters you "
                            "typed."),
    "check": lambda: _("This reference has a typo: check the last character, then the others."),
}


def is_offline_money(pledge):
    return pledge.kind == PledgeKind.FUNDS and pledge.method in OFFLINE_METHODS


def offline_pledge(user, pledge_id):
    """An offline money pledge for its own member (the page after pledging, the payment slip) or the
    project's officials (the slip); anybody else finds nothing."""
    pledge = get_pledge(pledge_id)
    if not can_see_receipt(user, pledge) or not is_offline_money(pledge):
        raise NotFound()
    return pledge


def made_pledge(member, pledge_id):
    """The page right after an offline pledge: only its member sees it."""
    pledge = offline_pledge(member, pledge_id)
    require_visible(is_pledge_owner, member, pledge)
    return pledge


def find_by_reference(official, text):
    """The pledge of one of the official's LSGs with this reference. A typo is told apart from a
    reference nobody has; a pledge of another LSG is not found, as if it did not exist."""
    require(can_find_pledge_by_reference, official)
    if text is None:
        return None  # the search page, before anything was typed
    try:
        ref = parse(text)
    except NotAReference as wrong:
        raise InvalidInput(TYPOS[wrong.reason](), field="ref") from None
    pledge = db.session.scalar(
        db.select(Pledge).join(Pledge.project).where(
            Pledge.payment_ref == ref,
            Project.lsg_id.in_(db.select(LsgMembership.lsg_id).where(
                LsgMembership.user_id == official.id, LsgMembership.status == MembershipStatus.APPROVED))))
    if pledge is None:
        raise InvalidInput(_("No pledge to your local government has the reference %(ref)s. Check it against "
                             "the bank statement, or ask the donor.", ref=ref), field="ref")
    return pledge

