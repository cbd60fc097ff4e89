import datetime as dt
from types import SimpleNamespace

import pytest

from timelive.tracking.periods import next_period, period_bounds, previous_period, week_days

D = dt.date


def org(kind, week_start=0, anchor=None):
    return SimpleNamespace(timesheet_period=kind, week_start=week_start, period_anchor=anchor)


@pytest.mark.parametrize(
    "kind,day,expected",
    [
        ("daily", D(2026, 11, 28), (D(2026, 11, 28), D(2026, 11, 28))),
        ("weekly", D(2026, 11, 28), (D(2026, 11, 23), D(2026, 11, 29))),
        ("weekly", D(2026, 11, 23), (D(2026, 11, 23), D(2026, 11, 29))),
        ("semimonthly", D(2026, 2, 15), (D(2026, 2, 1), D(2026, 2, 15))),
        ("semimonthly", D(2026, 2, 16), (D(2026, 2, 16), D(2026, 2, 28))),
        ("semimonthly", D(2028, 2, 20), (D(2028, 2, 16), D(2028, 2, 29))),
        ("monthly", D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        ("biweekly", D(2024, 1, 14), (D(2024, 1, 1), D(2024, 1, 14))),
        ("biweekly", D(2024, 1, 15), (D(2024, 1, 15), D(2024, 1, 28))),
        ("biweekly", D(2023, 12, 31), (D(2023, 12, 18), D(2023, 12, 31))),
    ],
)
def test_it_finds_the_period_of_a_day(kind, day, expected):
    assert period_bounds(org(kind), day) == expected


def test_it_starts_weeks_on_the_organisations_day():
    assert period_bounds(org("weekly", week_start=6), D(2026, 11, 28)) == (D(2026, 11, 22), D(2026, 11, 28))
    assert week_days(D(2026, 11, 28), 6)[0] == D(2026, 11, 22)


def test_it_uses_the_organisations_anchor_for_two_week_periods():
    o = org("biweekly", anchor=D(2026, 1, 5))
    assert period_bounds(o, D(2026, 1, 18)) == (D(2026, 1, 5), D(2026, 1, 18))
    assert period_bounds(o, D(2026, 1, 19)) == (D(2026, 1, 19), D(2026, 2, 1))


def test_it_moves_to_the_previous_and_next_period():
    o = org("semimonthly")
    assert previous_period(o, D(2026, 3, 3)) == (D(2026, 2, 16), D(2026, 2, 28))
    assert next_period(o, D(2026, 3, 3)) == (D(2026, 3, 16), D(2026, 3, 31))
