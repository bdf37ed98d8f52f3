"""Money is an integer count of minor units (tyiyn, cents, kopecks) with a currency; never a float."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

MINOR_PER_MAJOR = 100
LOCAL_SOM_LANGUAGES = ("ru", "ky")
MAX_AMOUNT = 10**14  # a hundred billion som in tyiyn: far above any village budget
# Som per one unit of a foreign currency, kept to six decimals (micro-som).
MIN_RATE, MAX_RATE = Decimal("0.000001"), Decimal(1_000_000)
RATE_SCALE = 1_000_000  # rates are stored as integers: som per unit of the currency, times a million
RATE_MESSAGE = _l("Enter how many som one unit is worth, e.g. 87.45.")


def _decimal(text: str, message) -> Decimal:
    """A finite Decimal from what a person typed ("5 000", "5000,50"); ValueError(message) otherwise."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if len(text) > 40:  # no amount or rate needs more; also keeps "1e999999" from being computed
        raise ValueError(message)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(message) from None
    if not value.is_finite():  # nan, inf: Decimal accepts them, no amount or rate is one
        raise ValueError(message)
    return value


def parse_amount(text: str) -> int:
    """An amount typed in major units as an int of minor units; ValueError with the reason."""
    value = _decimal(text, _l("Enter an amount such as 5000 or 5000.50."))
    if value < 0:
        raise ValueError(_l("The amount cannot be negative."))
    if value.as_tuple().exponent < -2:
        raise ValueError(_l("Use at most two decimals."))
    if value.adjusted() > 15 or value * MINOR_PER_MAJOR > MAX_AMOUNT:  # adjusted(): no overflow on 1e999999
        raise ValueError(_l("This amount is too large."))
    return to_minor(value)


def parse_rate(text: str) -> Decimal:
    """Som per one unit of a currency (87.45), between MIN_RATE and MAX_RATE; ValueError otherwise."""
    value = _decimal(text, RATE_MESSAGE)
    if not MIN_RATE <= value <= MAX_RATE:
        raise ValueError(RATE_MESSAGE)
    return value


def valid_rate(value) -> bool:
    """What set_rate accepts, whoever calls it: a finite Decimal within the bounds."""
    return isinstance(value, Decimal) and value.is_finite() and MIN_RATE <= value <= MAX_RATE


def to_minor(value: Decimal | int | None) -> int | None:
    """A user-entered amount in major units (Decimal from a form) as minor units."""
    if value is None:
        return None
    return int((Decimal(value) * MINOR_PER_MAJOR).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_major(amount: int | None) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(amount) / MINOR_PER_MAJOR


def format_money(amount: int | None, currency: str) -> str:
    """5 000 сом, $1,234.50 — whole amounts without the empty decimals, in the reader's locale."""
    if amount is None:
        return ""
    locale = get_locale() or Locale.parse("en")
    pattern = locale.currency_formats["standard"].pattern
    if amount % MINOR_PER_MAJOR == 0:
        pattern = pattern.replace(".00", "")
    text = format_currency(to_major(amount), currency, format=pattern, locale=locale, currency_digits=False)
    if currency == "KGS" and locale.language in LOCAL_SOM_LANGUAGES:
        text = text.replace("KGS", "сом")  # CLDR has no symbol for the som in Russian
    return text


def format_rate(micro: int | None) -> str:
    """A rate kept in micro-units as people write it in the reader's locale: 87,45, never 87.4500."""
    if micro is None:
        return ""
    value = (Decimal(micro) / RATE_SCALE).normalize()
    return format_decimal(value, locale=get_locale() or Locale.parse("en"), decimal_quantization=False)


def percent(part: int, whole: int) -> int:
    """Progress as a whole percentage, capped at 100; 0 when there is nothing to reach."""
    if not whole or whole <= 0:
        return 0
    return min(100, int(part * 100 // whole))
