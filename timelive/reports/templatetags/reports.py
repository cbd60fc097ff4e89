from django import template

from timelive.lib.money import minor_units

register = template.Library()


@register.filter
def money(value, currency):
    """1234.5, "EUR" → "1,234.50 EUR" (the currency's own number of decimals)."""
    if value is None:
        return "—"
    places = minor_units(currency)
    return f"{value:,.{places}f} {currency}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
