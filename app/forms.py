"""Input pieces shared by several blueprints: form fields, the ``id`` URL converter, query ints.

Bounds live here once, so that no route or form can hand the database a number it cannot hold
(SQLite keeps 64 bits, PostgreSQL's INTEGER 32) or a rate that is not a number.
"""
import math

from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import Field, FloatField, IntegerField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.money import parse_amount, parse_rate, to_major

MAX_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL; ids and counts never go beyond
MIN_INT = -(2**31)


class IdConverter(BaseConverter):
    """``<id:project_id>``: a row id 1..MAX_ID written without leading zeros; anything else is 404."""

    regex = r"[1-9][0-9]{0,9}"
    weight = 50  # like werkzeug's int: a number part sorts before a string part
    part_isolating = True

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value):
        return str(int(value))


def query_int(value):
    """``request.args.get("page", 1, type=query_int)``: a non-negative int the database can hold;
    anything else (too large, negative, not a number) falls back to the default."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 10:
        raise ValueError(value)
    number = int(text)
    if number > MAX_ID:
        raise ValueError(value)
    return number


class BoundedIntegerField(IntegerField):
    """An IntegerField whose value always fits the database's INTEGER, whatever validators follow."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not MIN_INT <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(_l("This number is too large."))


class _ParsedField(Field):
    """A text input whose value comes from one parser in app.money (ValueError → field error)."""

    widget = TextInput()
    parse = None

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, data):
        return str(data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        if not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = type(self).parse(valuelist[0])
        except ValueError:
            self.data = None
            raise


class MoneyField(_ParsedField):
    """An amount typed as "5 000", "5000,50" or "5000.50"; ``data`` is an int of minor units."""

    parse = staticmethod(parse_amount)

    def format(self, data):
        major = f"{to_major(data):f}"
        return major.rstrip("0").rstrip(".") if "." in major else major


class RateField(_ParsedField):
    """Som per one unit of a currency (87.45); ``data`` is a finite Decimal within the bounds."""

    parse = staticmethod(parse_rate)

    def format(self, data):
        return f"{data:f}"


class FiniteFloatField(FloatField):
    """A FloatField that refuses nan and inf (which pass any NumberRange unnoticed)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(_l("Enter a number."))


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for several choices; ``data`` is always a list (empty when none is ticked, also
    when the request carried no form at all)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        super().process_data(value)
        if self.data is None:
            self.data = []
