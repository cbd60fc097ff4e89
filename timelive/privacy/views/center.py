from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import account, deletion, exports, requests


@login_required
@require_safe
def center(request):
    """The person's privacy page: a copy of their data, their requests, their account."""
    context = {}
    for feature in (exports, requests, account, deletion):
        context.update(feature.center_context(request))
    return render(request, "privacy/center.html", context)
