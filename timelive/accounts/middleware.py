import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone

from .devices import describe_device

# How often the session's "last active" time is written, at most.
TOUCH_EVERY = 60
SESSION_ENDED = "Your session has ended. Please log in again."


class SessionTimeoutMiddleware:
    """Ends sessions that were idle too long or are too old (ASVS 7.3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.session_timed_out = False
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The message store is set up by MessageMiddleware, which runs after this
        # middleware's __call__ but before any process_view.
        if getattr(request, "session_timed_out", False):
            messages.info(request, SESSION_ENDED, fail_silently=True)
        return None

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
            request.session_timed_out = True
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
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # Leave nothing behind in the worker thread for whatever runs next in it.
            timezone.deactivate()


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has ended is sent to the login page as a whole
    page, instead of having the login form swapped into a table cell."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            from django.conf import settings
            from django.http import HttpResponse
            from django.shortcuts import resolve_url

            location = response["Location"]
            if location.startswith(resolve_url(settings.LOGIN_URL)):
                redirect = HttpResponse(status=204)
                redirect["HX-Redirect"] = location
                return redirect
        return response
