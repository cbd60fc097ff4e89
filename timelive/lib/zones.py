"""Time zone and currency choices."""

import datetime as dt
import zoneinfo
from functools import cache


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(n, n.replace("_", " ")) for n in names]


def is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# ISO 4217 codes of the currencies our customers bill in most.
CURRENCIES = [
    ("USD", "US dollar"), ("EUR", "Euro"), ("GBP", "Pound sterling"), ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"), ("NZD", "New Zealand dollar"), ("CHF", "Swiss franc"),
    ("JPY", "Japanese yen"), ("CNY", "Chinese yuan"), ("INR", "Indian rupee"), ("SGD", "Singapore dollar"),
    ("HKD", "Hong Kong dollar"), ("SEK", "Swedish krona"), ("NOK", "Norwegian krone"), ("DKK", "Danish krone"),
    ("PLN", "Polish złoty"), ("CZK", "Czech koruna"), ("HUF", "Hungarian forint"), ("RON", "Romanian leu"),
    ("BRL", "Brazilian real"), ("MXN", "Mexican peso"), ("ARS", "Argentine peso"), ("CLP", "Chilean peso"),
    ("COP", "Colombian peso"), ("ZAR", "South African rand"), ("NGN", "Nigerian naira"), ("KES", "Kenyan shilling"),
    ("EGP", "Egyptian pound"), ("AED", "UAE dirham"), ("SAR", "Saudi riyal"), ("ILS", "Israeli new shekel"),
    ("TRY", "Turkish lira"), ("KRW", "South Korean won"), ("TWD", "New Taiwan dollar"), ("THB", "Thai baht"),
    ("MYR", "Malaysian ringgit"), ("IDR", "Indonesian rupiah"), ("PHP", "Philippine peso"), ("VND", "Vietnamese đồng"),
    ("PKR", "Pakistani rupee"), ("BDT", "Bangladeshi taka"), ("UAH", "Ukrainian hryvnia"),
]


# Wall-clock times in a zone. Python compares and subtracts two times of the same
# tzinfo by their wall clocks, ignoring a daylight-saving change between them, so
# durations are always worked out in UTC (seconds_between).


class NonExistentTime(ValueError):
    """A local time skipped when the clocks went forward; the message says so."""


def localize(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """`naive` read as a wall-clock time in `zone`.

    An ambiguous time (the hour repeated when clocks go back) is its first
    occurrence (fold=0); a time that does not exist (skipped when clocks go
    forward) raises NonExistentTime. Precondition: `naive` lies at least a day
    inside the calendar (see timelive.lib.dates), so converting it cannot overflow.
    """
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive.replace(fold=0):
        raise NonExistentTime(f"{naive:%H:%M} does not exist on {naive:%-d %b %Y} in {zone.key} (clocks go forward).")
    return aware


def start_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first moment of a local day, in UTC. Where clocks go forward across midnight,
    the day starts at the moment of the change (its first wall time that exists)."""
    midnight = dt.datetime.combine(day, dt.time.min)
    try:
        return localize(midnight, zone).astimezone(dt.UTC)
    except NonExistentTime:
        pass
    # The earliest moment whose local day is `day` (or later): found by halving, in whole seconds.
    hi = midnight.replace(tzinfo=zone).astimezone(dt.UTC)
    lo = hi - dt.timedelta(days=2)
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).date() >= day:
            hi = mid
        else:
            lo = mid
    return hi


def seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    """Elapsed whole seconds between two aware times, however their offsets differ."""
    return int((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds())
