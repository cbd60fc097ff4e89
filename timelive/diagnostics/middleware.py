import time

from django.conf import settings
from django.utils import timezone

from timelive.lib.ip import client_ip

from .log import request_log
from .paths import loggable_path

# Authentication pages are never logged: a row there would pair an address with
# the moment a person logged in, signed up or minted a token.
UNLOGGED_VIEWS = frozenset({
    "accounts:login", "accounts:logout", "accounts:signup", "accounts:password_change",
    "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "integrations:tokens", "operator_login", "orgs:accept_invitation", "orgs:setup",
})


def minute(at):
    """Times to the minute only: exact times could be matched with last_login or session activity."""
    return at.replace(second=0, microsecond=0)


class RequestLogMiddleware:
    """Writes one row per request to the diagnostics log (TIMELIVE_DIAGNOSTICS).

    Placed after WhiteNoise, so static files never reach it; the check on
    STATIC_URL covers static files served any other way. Overhead measured on
    a SQLite file in WAL mode: about 0.04 ms per request, batched writes
    included; tests/test_middleware.py (test_it_is_cheap) keeps it under 1 ms.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/") if settings.STATIC_URL else None

    def __call__(self, request):
        if not settings.TIMELIVE_DIAGNOSTICS or (self.static_prefix and request.path.startswith(self.static_prefix)):
            return self.get_response(request)
        at = minute(timezone.now())
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in UNLOGGED_VIEWS:
            return response
        request_log.add((at, request.method[:10], loggable_path(request), response.status_code, duration_ms,
                         client_ip(request)))
        return response
