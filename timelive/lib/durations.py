"""Durations: whole seconds inside, `h:mm` for people, many ways to type them."""

import re
from decimal import Decimal

MAX_DAY_SECONDS = 24 * 3600

_HM = re.compile(r"^(?P<h>\d{1,3}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2}))?$")
_UNITS = re.compile(
    r"(?P<num>\d{1,6}(?:[.,]\d+)?)\s*(?P<unit>hours|hour|hrs|hr|h|minutes|minute|mins|min|m|seconds|second|secs|sec|s)\b", re.I
)
# "3h20" means three hours twenty.
_H_THEN_M = re.compile(r"^(?P<h>\d{1,3})\s*h\s*(?P<m>\d{1,2})$")
_DECIMAL = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")
# Nobody types more than this; larger values are mistakes, not work.
MAX_PARSED_SECONDS = 1000 * 3600


class DurationError(ValueError):
    """The text is not a duration we understand; the message says why."""


def parse_duration(text: str) -> int:
    """Seconds in "2:30", "2.5h", "2,5", "150m", "1h 30m", "90 min" or "2" (hours).

    Raises DurationError with a message for people.
    """
    value = (text or "").strip().lower()
    if not value:
        raise DurationError("Enter a duration, like 1:30, 1.5h or 90m.")
    if value.startswith("-"):
        raise DurationError("A duration cannot be negative.")
    match = _HM.match(value)
    if match:
        minutes = int(match["m"])
        seconds = int(match["s"] or 0)
        if minutes > 59 or seconds > 59:
            raise DurationError("Minutes and seconds go up to 59, as in 1:45.")
        return _capped(int(match["h"]) * 3600 + minutes * 60 + seconds)
    match = _H_THEN_M.match(value)
    if match:
        if int(match["m"]) > 59:
            raise DurationError("Minutes go up to 59, as in 3h45.")
        return _capped(int(match["h"]) * 3600 + int(match["m"]) * 60)
    if _UNITS.search(value):
        rest = _UNITS.sub("", value).strip()
        if rest:
            raise DurationError(f"“{text}” is not a duration we understand. Try 1:30, 1.5h or 90m.")
        total = Decimal(0)
        for part in _UNITS.finditer(value):
            number = Decimal(part["num"].replace(",", "."))
            unit = part["unit"][0]
            total += number * {"h": 3600, "m": 60, "s": 1}[unit]
        return _capped(int(total.to_integral_value()))
    if not _DECIMAL.match(value):
        raise DurationError(f"“{text}” is not a duration we understand. Try 1:30, 1.5h or 90m.")
    hours = Decimal(value.replace(",", "."))
    return _capped(int((hours * 3600).to_integral_value()))


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
