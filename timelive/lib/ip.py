"""The client's IP address, as diagnostics and brute-force protection see it."""

import ipaddress
from functools import lru_cache

from django.conf import settings


# The same few addresses come again and again; parsing each costs more than the rest of the row.
@lru_cache(maxsize=4096)
def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    # Some proxies append the port: "203.0.113.7:5123", "[2001:db8::1]:5123".
    host = value[1:].split("]", 1)[0] if value.startswith("[") else value.rsplit(":", 1)[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind a proxy (TIMELIVE_BEHIND_PROXY) the address in
    X-Forwarded-For that the outermost of our TIMELIVE_TRUSTED_PROXIES added.

    Proxies append to X-Forwarded-For, so its left-most entries are whatever the
    client sent; counting from the right keeps a client from choosing its own
    address (and so from escaping the brute-force limits). None when unknown.
    """
    if settings.TIMELIVE_BEHIND_PROXY:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return _valid(hops[-min(settings.TIMELIVE_TRUSTED_PROXIES, len(hops))])
    return _valid(request.META.get("REMOTE_ADDR", ""))
