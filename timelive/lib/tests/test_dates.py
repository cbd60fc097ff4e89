import datetime as dt

import pytest

from timelive.lib.dates import FIRST_DAY, LAST_DAY, RANGE_MESSAGE, day_problem, moment_problem


def test_it_accepts_the_days_inside_the_range():
    assert day_problem(FIRST_DAY) == day_problem(LAST_DAY) == day_problem(dt.date(2026, 12, 4)) == ""
    assert day_problem(None) == ""


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1, 1, 2), dt.date(1500, 1, 1), dt.date(1989, 12, 31),
                                 dt.date(2201, 1, 1), dt.date(9000, 6, 1), dt.date.max])
def test_it_refuses_the_days_outside(day):
    assert day_problem(day) == RANGE_MESSAGE == "Choose a date between 1 Jan 1990 and 31 Dec 2200."


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:45", "9999-12-31T23:59:59-13:45", "0001-01-01T00:30",
                                  "9999-12-31T22:00-05:00"])
def test_extreme_moments_are_refused_without_overflowing(text):
    assert "between" in moment_problem(dt.datetime.fromisoformat(text))


def test_it_accepts_a_moment_inside():
    assert moment_problem(dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)) == ""
    assert moment_problem(None) == ""
