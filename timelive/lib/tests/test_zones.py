import datetime as dt
import zoneinfo

import pytest

from timelive.lib.zones import (
    CURRENCIES,
    NonExistentTime,
    is_time_zone,
    localize,
    seconds_between,
    start_of_day,
    time_zone_choices,
)


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


# Wall-clock times across daylight-saving changes (2026). Each zone: the day its clocks go
# forward (a gap), the day they go back (a repeated hour), a time in the gap and the
# offsets before and after.
CHANGES = [
    # zone, forward day, back day, a skipped time, a repeated time, its first offset (minutes)
    ("Europe/London", dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.time(1, 30), dt.time(1, 30), 60),
    ("America/New_York", dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.time(2, 30), dt.time(1, 30), -240),
    # Lord Howe shifts by 30 minutes only.
    ("Australia/Lord_Howe", dt.date(2026, 10, 4), dt.date(2026, 4, 5), dt.time(2, 15), dt.time(1, 45), 660),
    ("Pacific/Chatham", dt.date(2026, 9, 27), dt.date(2026, 4, 5), dt.time(3, 0), dt.time(3, 0), 825),
]
SHIFT = {"Australia/Lord_Howe": 1800}


@pytest.mark.parametrize("name,forward,back,skipped,repeated,first_offset", CHANGES)
def test_days_last_as_long_as_the_clocks_say(name, forward, back, skipped, repeated, first_offset):
    zone = zoneinfo.ZoneInfo(name)
    shift = SHIFT.get(name, 3600)

    def length(day):
        return seconds_between(start_of_day(day, zone), start_of_day(day + dt.timedelta(days=1), zone))

    assert length(forward) == 86400 - shift
    assert length(back) == 86400 + shift
    assert length(forward - dt.timedelta(days=7)) == 86400


@pytest.mark.parametrize("name,forward,back,skipped,repeated,first_offset", CHANGES)
def test_a_skipped_time_is_refused_and_a_repeated_one_is_its_first_occurrence(name, forward, back, skipped, repeated,
                                                                             first_offset):
    zone = zoneinfo.ZoneInfo(name)
    with pytest.raises(NonExistentTime, match=f"does not exist on .* in {name} \\(clocks go forward\\)"):
        localize(dt.datetime.combine(forward, skipped), zone)
    first = localize(dt.datetime.combine(back, repeated), zone)
    assert first.utcoffset() == dt.timedelta(minutes=first_offset)
    # fold=1 asked for explicitly is still read as the first occurrence.
    assert localize(dt.datetime.combine(back, repeated).replace(fold=1), zone) == first


def test_durations_are_elapsed_time_not_wall_clock_differences():
    zone = zoneinfo.ZoneInfo("Europe/London")
    spring = [localize(dt.datetime(2026, 3, 29, h, 30), zone) for h in (0, 3)]
    autumn = [localize(dt.datetime(2026, 10, 25, h, 30), zone) for h in (0, 3)]
    assert seconds_between(*spring) == 7200
    assert seconds_between(*autumn) == 14400
    # Different offsets of one moment make no difference.
    moment = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    assert seconds_between(moment, moment.astimezone(zoneinfo.ZoneInfo("Pacific/Chatham"))) == 0


def test_the_skipped_time_message_reads_well():
    with pytest.raises(NonExistentTime) as caught:
        localize(dt.datetime(2026, 3, 29, 1, 30), zoneinfo.ZoneInfo("Europe/London"))
    assert str(caught.value) == "01:30 does not exist on 29 Mar 2026 in Europe/London (clocks go forward)."


def test_a_day_starting_in_a_gap_starts_when_the_clocks_change():
    # Santiago moves from midnight to 01:00 on 6 Sep 2026: the day starts at 04:00 UTC.
    start = start_of_day(dt.date(2026, 9, 6), zoneinfo.ZoneInfo("America/Santiago"))
    assert start == dt.datetime(2026, 9, 6, 4, tzinfo=dt.UTC)
    assert start.astimezone(zoneinfo.ZoneInfo("America/Santiago")).time() == dt.time(1, 0)
