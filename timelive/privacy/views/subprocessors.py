"""Who else processes personal data ("Sharing with subprocessors").

The operator's list is public, readable before anyone signs up. Members of an
organisation also see the integrations their administrators connected, which
receive the organisation's data on top of the operator's subprocessors.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from timelive.integrations.models import InstalledIntegration
from timelive.orgs.access import get_membership

from ..models import Subprocessor


def listed_subprocessors():
    return Subprocessor.objects.filter(is_active=True).order_by("position", "name", "id")


@require_safe
def subprocessors(request):
    return render(request, "privacy/subprocessors.html", {"subprocessors": listed_subprocessors()})


@require_safe
@login_required
def org_subprocessors(request, slug):
    membership = get_membership(request, slug)
    integrations = list(InstalledIntegration.objects.filter(org=membership.org).order_by("name", "id"))
    removed = sorted((i for i in integrations if i.removed_at), key=lambda i: i.removed_at, reverse=True)
    return render(request, "privacy/subprocessors_org.html", {
        "subprocessors": listed_subprocessors(),
        "integrations": [i for i in integrations if not i.removed_at],
        "removed_integrations": removed,
    })
