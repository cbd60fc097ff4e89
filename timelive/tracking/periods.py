"""Timesheet periods: which days belong together for a timesheet."""

import calendar
import datetime as dt

from timelive.orgs.models import TimesheetPeriod

# Bi-weekly periods count from this Monday unless the organisation sets its own anchor.
DEFAULT_ANCHOR = dt.date(2024, 1, 1)


def week_start(day: dt.date, first_weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


def week_days(day: dt.date, first_weekday: int) -> list[dt.date]:
    start = week_start(day, first_weekday)
    return [start + dt.timedelta(days=i) for i in range(7)]


def period_bounds(org, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the organisation's timesheet period holding `day`."""
    kind = org.timesheet_period
    if kind == TimesheetPeriod.DAILY:
        return day, day
    if kind == TimesheetPeriod.WEEKLY:
        start = week_start(day, org.week_start)
        return start, start + dt.timedelta(days=6)
    if kind == TimesheetPeriod.BIWEEKLY:
        anchor = org.period_anchor or week_start(DEFAULT_ANCHOR, org.week_start)
        offset = (day - anchor).days // 14
        start = anchor + dt.timedelta(days=14 * offset)
        return start, start + dt.timedelta(days=13)
    last = calendar.monthrange(day.year, day.month)[1]
    if kind == TimesheetPeriod.SEMIMONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=last)
    return day.replace(day=1), day.replace(day=last)


def previous_period(org, day: dt.date) -> tuple[dt.date, dt.date]:
    start, _ = period_bounds(org, day)
    return period_bounds(org, start - dt.timedelta(days=1))


def next_period(org, day: dt.date) -> tuple[dt.date, dt.date]:
    _, end = period_bounds(org, day)
    return period_bounds(org, end + dt.timedelta(days=1))
