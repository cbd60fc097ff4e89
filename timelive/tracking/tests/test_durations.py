import pytest

from timelive.lib.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("2:30", 9000), ("2.5h", 9000), ("2,5", 9000), ("150m", 9000), ("1h 30m", 5400), ("90 min", 5400),
        ("3h20", 12000), ("2", 7200), ("0:05", 300), ("1:00:30", 3630), ("2 hours 15 minutes", 8100), (" 1.5 H ", 5400),
    ],
)
def test_it_reads_the_ways_people_type_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-1", "-0:30", "1:75", "1e400", "nan", "inf", "99999", "2h banana", "3h75"])
def test_it_refuses_what_is_not_a_duration(text):
    with pytest.raises(DurationError):
        parse_duration(text)


def test_it_formats_as_hours_and_minutes():
    assert format_duration(0) == "0:00"
    assert format_duration(9000) == "2:30"
    assert format_duration(59) == "0:00"
    assert format_duration(90000) == "25:00"
    assert format_duration(None) == ""
