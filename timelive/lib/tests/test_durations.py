import pytest

from timelive.lib.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("2:30", 9000), ("2.5h", 9000), ("2,5", 9000), ("150m", 9000), ("1h 30m", 5400), ("90 min", 5400),
        ("3h20", 12000), ("2", 7200), ("0:05", 300), ("2 hours 15 minutes", 8100), (" 1.5 H ", 5400),
        ("0:59", 3540), ("2h 59m", 10740), ("2h30m", 9000), ("75m", 4500), ("0", 0), ("0:00", 0),
        # Zero seconds, as other tools write h:mm:ss, lose nothing.
        ("1:30:00", 5400),
    ],
)
def test_it_reads_the_ways_people_type_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-1", "-0:30", "1:75", "1e400", "nan", "inf", "99999", "2h banana", "3h75"])
def test_it_refuses_what_is_not_a_duration(text):
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["1:75", "1:60", "2h 75m", "2h75m", "2 hours 60 minutes", "3h75", "1.5h 60m"])
def test_minutes_beside_hours_go_up_to_59_in_every_form(text):
    with pytest.raises(DurationError, match="Minutes go up to 59"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["0:00:30", "1:00:30", "30s", "1h 20s", "90 seconds", "0:00:60"])
def test_it_refuses_seconds_as_time_is_kept_in_whole_minutes(text):
    with pytest.raises(DurationError, match="whole minutes"):
        parse_duration(text)


@pytest.mark.parametrize("text,seconds", [("1.33h", 4800), ("0.1", 360), ("1.5m", 120), ("1,01h", 3660)])
def test_decimal_hours_and_minutes_round_to_the_nearest_minute(text, seconds):
    assert parse_duration(text) == seconds
    assert seconds % 60 == 0


@pytest.mark.parametrize("text", ["0.001h", "0.4m", "0,005"])
def test_it_refuses_less_than_a_minute_rather_than_reading_it_as_nothing(text):
    with pytest.raises(DurationError, match="less than a minute"):
        parse_duration(text)


def test_it_refuses_a_unit_given_twice():
    with pytest.raises(DurationError, match="once"):
        parse_duration("1h 2h")


def test_it_formats_as_hours_and_minutes():
    assert format_duration(0) == "0:00"
    assert format_duration(9000) == "2:30"
    assert format_duration(59) == "0:00"
    assert format_duration(90000) == "25:00"
    assert format_duration(None) == ""
