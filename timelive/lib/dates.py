"""The days TimeLive accepts, for every input: entries, expenses, filters, settings.

One bound everywhere, far enough from the calendar's ends that any time zone
offset, a day's or a week's arithmetic stays inside what Python and the
databases can represent (0001-01-01 to 9999-12-31), and still wide enough for
any real timesheet.
"""

import datetime as dt

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)
RANGE_MESSAGE = f"Choose a date between {FIRST_DAY:%-d %b %Y} and {LAST_DAY:%-d %b %Y}."


def day_in_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def day_problem(day: dt.date | None) -> str:
    """Why `day` is refused, or ""."""
    return "" if day is None or day_in_range(day) else RANGE_MESSAGE


def moment_problem(moment: dt.datetime | None) -> str:
    """Why `moment` is refused, or "": its own calendar day (in its own offset) must be in range.

    Only the date is read, with no conversion, so an extreme value cannot overflow here.
    """
    if moment is None or day_in_range(moment.date()):
        return ""
    return f"Choose a time between {FIRST_DAY:%-d %b %Y} and {LAST_DAY:%-d %b %Y}."
