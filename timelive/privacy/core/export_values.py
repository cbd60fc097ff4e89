"""Plain JSON values for export rows."""

import datetime as dt
import decimal


def plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    return value


def row(obj, *fields, **extra) -> dict:
    """`fields` of `obj` (dotted paths follow relations), then `extra` as given."""
    out = {}
    for field in fields:
        value = obj
        for part in field.split("."):
            value = getattr(value, part) if value is not None else None
        out[field.replace(".", "_")] = plain(value)
    out.update({key: plain(value) for key, value in extra.items()})
    return out
