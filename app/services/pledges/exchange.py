"""The admins' exchange rates (reading them, and converting, is app/ledger.py)."""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from app.authz import can_administer, require
from app.errors import InvalidInput
from app.extensions import db
from app.ledger import rate_of
from app.models import CURRENCIES, RATE_SCALE, ExchangeRate
from app.money import valid_rate
from app.services.audit import record_event


def set_rate(admin, currency, som_per_unit):
    """Set how many som one unit of ``currency`` is worth (a Decimal such as 87.45)."""
    require(can_administer, admin)
    if currency not in CURRENCIES or currency == "KGS":
        raise InvalidInput(_("Choose one of the currencies offered."), field="currency")
    if not valid_rate(som_per_unit):
        raise InvalidInput(_("Enter how many som one unit is worth, e.g. 87.45."), field="rate")
    micro = int((som_per_unit * RATE_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    rate = rate_of(currency) or ExchangeRate(currency=currency)
    previous = rate.som_per_unit_micro
    rate.som_per_unit_micro, rate.updated_by_id = micro, admin.id
    db.session.add(rate)
    db.session.flush()
    record_event(admin, "rate.set", rate, currency=currency, previous=previous, rate=micro)
    return rate
