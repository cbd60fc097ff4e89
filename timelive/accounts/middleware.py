import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from .devices import describe_device

# How often the session's "last active" time is written, at most.
TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    """Ends sessions that were idle too long or are too old (ASVS 7.3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = time.time()
        login_at = session.get("login_at")
        last_seen = session.get("last_seen", login_at)
        if login_at is not None and (
            now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            or now - (last_seen or login_at) > settings.SESSION_IDLE_TIMEOUT
        ):
            logout(request)
            messages.info(request, "Your session has ended. Please log in again.")
            return
        if login_at is None:
            session["login_at"] = now
        if last_seen is None or now - last_seen > TOUCH_EVERY:
            session["last_seen"] = now
            if not session.get("device"):
                session["device"] = describe_device(request.headers.get("User-Agent", ""))


class UserTimeZoneMiddleware:
    """Show times in the person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import zoneinfo

        from django.utils import timezone

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
