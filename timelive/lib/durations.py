"""Durations: whole seconds inside, `h:mm` for people, many ways to type them."""

import re
from decimal import ROUND_HALF_UP, Decimal

MAX_DAY_SECONDS = 24 * 3600

_HM = re.compile(r"^(?P<h>\d{1,3}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2}))?$")
_UNITS = re.compile(
    r"(?P<num>\d{1,6}(?:[.,]\d+)?)\s*"
    # A unit ends where the letters do, so "2h30m" reads as two parts.
    r"(?P<unit>hours|hour|hrs|hr|h|minutes|minute|mins|min|m|seconds|second|secs|sec|s)(?![a-z])",
    re.I,
)
# "3h20" means three hours twenty.
_H_THEN_M = re.compile(r"^(?P<h>\d{1,3})\s*h\s*(?P<m>\d{1,2})$")
_DECIMAL = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")
# Nobody types more than this; larger values are mistakes, not work.
MAX_PARSED_SECONDS = 1000 * 3600


class DurationError(ValueError):
    """The text is not a duration we understand; the message says why."""


def parse_duration(text: str) -> int:
    """Seconds in "2:30", "2.5h", "2,5", "150m", "1h 30m", "90 min" or "2" (hours): always whole minutes.

    One rule for every form: minutes beside hours go up to 59 ("1:75" and "2h 75m"
    are refused alike; "75m" alone is fine); seconds are refused, since time is kept
    and shown in whole minutes (":00" seconds, as other tools write h:mm:ss, lose
    nothing and pass); decimal hours or minutes round to the nearest minute, and
    what rounds to nothing is refused rather than read as 0.
    Raises DurationError with a message for people.
    """
    value = (text or "").strip().lower()
    if not value:
        raise DurationError("Enter a duration, like 1:30, 1.5h or 90m.")
    if value.startswith("-"):
        raise DurationError("A duration cannot be negative.")
    match = _HM.match(value)
    if match:
        if match["s"] is not None and int(match["s"]) != 0:
            raise DurationError(_NO_SECONDS)
        return _capped(_minutes(int(match["h"]), Decimal(match["m"])) * 60)
    match = _H_THEN_M.match(value)
    if match:
        return _capped(_minutes(int(match["h"]), Decimal(match["m"])) * 60)
    if _UNITS.search(value):
        rest = _UNITS.sub("", value).strip()
        if rest:
            raise DurationError(f"“{text}” is not a duration we understand. Try 1:30, 1.5h or 90m.")
        parts = {}
        for part in _UNITS.finditer(value):
            unit = part["unit"][0]
            if unit == "s":
                raise DurationError(_NO_SECONDS)
            if unit in parts:
                raise DurationError("Give hours and minutes once each, as in 1h 30m.")
            parts[unit] = Decimal(part["num"].replace(",", "."))
        if "h" in parts and "m" in parts:
            return _capped(_minutes(parts["h"], parts["m"]) * 60)
        return _capped(_rounded_minutes(parts.get("h", Decimal(0)) * 60 + parts.get("m", Decimal(0))) * 60)
    if not _DECIMAL.match(value):
        raise DurationError(f"“{text}” is not a duration we understand. Try 1:30, 1.5h or 90m.")
    return _capped(_rounded_minutes(Decimal(value.replace(",", ".")) * 60) * 60)


_NO_SECONDS = "Time is kept in whole minutes: leave out the seconds, as in 1:30 or 90m."


def _minutes(hours, minutes: Decimal) -> int:
    """Hours and the minutes beside them (under 60), in whole minutes."""
    if minutes >= 60:
        raise DurationError("Minutes go up to 59 beside hours, as in 1:45 or 1h 45m (or write 105m).")
    return _rounded_minutes(Decimal(hours) * 60 + minutes)


def _rounded_minutes(minutes: Decimal) -> int:
    """To the nearest whole minute (half up); more than zero that rounds to zero is refused."""
    whole = int(minutes.to_integral_value(rounding=ROUND_HALF_UP))
    if whole == 0 and minutes > 0:
        raise DurationError("That is less than a minute: time is kept in whole minutes.")
    return whole


def _capped(seconds: int) -> int:
    if seconds > MAX_PARSED_SECONDS:
        raise DurationError("That is far too long for one entry.")
    return seconds


def format_duration(seconds: int | None) -> str:
    """`h:mm`, rounded down to the minute; empty for None."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    minutes = abs(int(seconds)) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def decimal_hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))
