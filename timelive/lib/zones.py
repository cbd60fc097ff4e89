"""Time zone and currency choices."""

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
