from decimal import Decimal

import pytest

from timelive.lib.money import minor_units, round_money


@pytest.mark.parametrize("currency,places", [("EUR", 2), ("usd", 2), ("JPY", 0), ("CLP", 0), ("KWD", 3), ("BHD", 3)])
def test_each_currency_has_its_own_minor_unit(currency, places):
    assert minor_units(currency) == places


@pytest.mark.parametrize("value,currency,expected", [
    ("10.005", "EUR", "10.01"),   # half up, not to even
    ("10.015", "EUR", "10.02"),
    ("1234.5", "JPY", "1235"),
    ("0.0005", "KWD", "0.001"),
    ("33.3333", "KWD", "33.333"),
    ("-2.345", "EUR", "-2.35"),   # away from zero for refunds too
])
def test_amounts_round_half_up_to_the_minor_unit(value, currency, expected):
    assert str(round_money(Decimal(value), currency)) == expected


def test_a_column_with_fewer_decimals_caps_the_places():
    assert str(round_money(Decimal("1.2345"), "KWD", max_places=2)) == "1.23"
    assert str(round_money(Decimal("1.5"), "JPY", max_places=2)) == "2"
