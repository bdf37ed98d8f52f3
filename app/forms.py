"""Form pieces shared by several blueprints."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

from app.money import MAX_AMOUNT, MINOR_PER_MAJOR, to_major, to_minor


class MoneyField(Field):
    """An amount typed as "5 000", "5000,50" or "5000.50"; ``data`` is an int of minor units."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        major = to_major(self.data)
        return f"{major:f}".rstrip("0").rstrip(".") if "." in f"{major:f}" else f"{major:f}"

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            self.data = None
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter an amount such as 5000 or 5000.50.")) from None
        if not value.is_finite() or value < 0:
            self.data = None
            raise ValueError(_l("The amount cannot be negative."))
        if value.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_l("Use at most two decimals."))
        if value * MINOR_PER_MAJOR > MAX_AMOUNT:
            self.data = None
            raise ValueError(_l("This amount is too large."))
        self.data = to_minor(value)
