"""Money is an integer count of minor units (tyiyn, cents, kopecks) with a currency; never a float."""
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency
from flask_babel import get_locale

MINOR_PER_MAJOR = 100
LOCAL_SOM_LANGUAGES = ("ru", "ky")
MAX_AMOUNT = 10**14  # a hundred billion som in tyiyn: far above any village budget


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


def percent(part: int, whole: int) -> int:
    """Progress as a whole percentage, capped at 100; 0 when there is nothing to reach."""
    if not whole or whole <= 0:
        return 0
    return min(100, int(part * 100 // whole))
