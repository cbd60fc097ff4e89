"""Money: one rounding rule, to the minor unit of each currency (ISO 4217, from babel's CLDR
data: JPY has none, EUR two, KWD three), so that lines and totals agree on every page and export."""

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision


@cache
def minor_units(currency: str) -> int:
    """Decimal places of the currency; babel answers 2 for a code it does not know."""
    return get_currency_precision(currency.upper())


def round_money(value: Decimal, currency: str, *, max_places: int | None = None) -> Decimal:
    """Half up (what invoices and payroll expect, not banker's rounding), to the currency's minor
    unit, or to `max_places` when a column holds fewer decimals than the currency has."""
    places = minor_units(currency)
    if max_places is not None:
        places = min(places, max_places)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
