import pytest

from timelive.lib.zones import CURRENCIES, is_time_zone, time_zone_choices


def test_it_offers_real_zones_and_utc():
    names = [name for name, _ in time_zone_choices()]
    assert "UTC" in names
    assert "Europe/Paris" in names
    assert "Pacific/Tahiti" in names
    assert names == sorted(names)
    assert dict(time_zone_choices())["America/New_York"] == "America/New York"
    assert all(is_time_zone(name) for name in names[:50])


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/", "\x00"])
def test_it_refuses_what_is_not_a_time_zone(name):
    assert not is_time_zone(name)


def test_it_lists_iso_currency_codes():
    codes = [code for code, _ in CURRENCIES]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 3 and code.isupper() for code in codes)
