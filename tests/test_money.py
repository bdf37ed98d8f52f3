"""Money: typed the local way, kept as integers of minor units, shown in the reader's locale."""
import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from app.forms import MoneyField
from app.money import format_money, percent
from flask_wtf import FlaskForm


class AmountForm(FlaskForm):
    class Meta:
        csrf = False

    amount = MoneyField()


@pytest.mark.parametrize("typed, minor", [("5000", 500000), ("5 000", 500000), ("5\u00a0000,50", 500050),
                                          ("1500000.5", 150000050), ("0", 0)])
def test_amounts_typed_the_local_way(plain_app, typed, minor):
    with plain_app.test_request_context():
        form = AmountForm(formdata=MultiDict({"amount": typed}))
        assert form.validate() and form.amount.data == minor


@pytest.mark.parametrize("typed", ["lots", "-1", "1.234", "1e400", "NaN", "100000000000000"])
def test_bad_amounts_are_refused(plain_app, typed):
    with plain_app.test_request_context():
        form = AmountForm(formdata=MultiDict({"amount": typed}))
        assert not form.validate() and form.amount.data is None


@pytest.mark.parametrize("locale, minor, currency, text", [
    ("ru", 500000, "KGS", "5\u00a0000\u00a0сом"),
    ("ky", 500050, "KGS", "5\u00a0000,50\u00a0сом"),
    ("en", 150000, "USD", "$1,500"),
    ("en", 500000, "KGS", "KGS5,000"),
])
def test_format_money(plain_app, locale, minor, currency, text):
    with plain_app.test_request_context(), force_locale(locale):
        assert format_money(minor, currency) == text


def test_percent_is_capped_and_safe():
    assert (percent(50, 200), percent(300, 200), percent(5, 0)) == (25, 100, 0)
