from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .models import Organization

# Paths that must work before the install has an organisation.
SETUP_EXEMPT = ("/setup/", "/static/", "/api/", "/operator/")


class OnPremSetupMiddleware:
    """On an empty On-Premises install, send every page to the setup page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.set_up = False

    def __call__(self, request):
        if settings.TIMELIVE_EDITION == "onprem" and not self.set_up:
            if Organization.objects.exists():
                self.set_up = True
            elif not request.path.startswith(SETUP_EXEMPT):
                return redirect(reverse("orgs:setup"))
        return self.get_response(request)
