from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from timelive.accounts.views import safe_next

from ..actions import do_acknowledge_policy, do_record_consent
from ..consents import consent_overview
from ..forms import ConsentForm
from ..models import ConsentMethod, PolicyDocument, PolicyVersion, purpose_description


@require_safe
def policy(request, kind):
    """The version of a policy in force now, for anyone."""
    document = get_object_or_404(PolicyDocument, kind=kind)
    now = timezone.now()
    versions = list(
        PolicyVersion.objects.published().filter(document=document).select_related("document").order_by("-effective_at", "-id")
    )
    current = next((v for v in versions if v.effective_at <= now), None)
    upcoming = [v for v in versions if v.effective_at > now]
    return render(request, "privacy/policy.html", {
        "document": document, "version": current, "upcoming": upcoming[-1] if upcoming else None,
        "has_archive": len(versions) > 1 or bool(upcoming),
    })


@require_safe
def archive(request, kind):
    """Every published version of a policy, newest first, with what changed."""
    document = get_object_or_404(PolicyDocument, kind=kind)
    now = timezone.now()
    versions = list(
        PolicyVersion.objects.published().filter(document=document).select_related("document").order_by("-effective_at", "-id")
    )
    current = next((v for v in versions if v.effective_at <= now), None)
    return render(request, "privacy/archive.html", {"document": document, "versions": versions, "current": current})


@require_safe
def version(request, kind, code):
    """One version of a policy: old, current or announced. Operators may preview drafts."""
    found = get_object_or_404(PolicyVersion.objects.select_related("document"), code=code, document__kind=kind)
    if not found.is_published and not request.user.is_staff:
        raise Http404("No such version.")
    current = PolicyVersion.objects.current(kind)
    return render(request, "privacy/version.html", {"document": found.document, "version": found, "current": current})


@login_required
@require_POST
def acknowledge(request, code):
    found = get_object_or_404(PolicyVersion.objects.published().select_related("document"), code=code)
    do_acknowledge_policy(request.user, found)
    messages.success(request, f"Thank you for reading the {found.document.title.lower()} ({found.label}).")
    return redirect(safe_next(request))


@login_required
def consents(request):
    """Each purpose with its current state and history; grant or withdraw with one click."""
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That choice was not understood; nothing changed.")
            return redirect("privacy:consents")
        purpose, granted = form.cleaned_data["purpose"], form.cleaned_data["granted"]
        record = do_record_consent(request.user, purpose, granted, method=ConsentMethod.CONSENT_PAGE,
                                   source="Your consents page")
        what = purpose_description(purpose)
        if record is None:
            messages.info(request, "Your choice was already recorded; nothing changed.")
        elif granted:
            messages.success(request, f"Thank you. You agreed: “{what}” You can withdraw it here at any time.")
        else:
            messages.success(request, f"You withdrew your consent: “{what}” This does not affect what was "
                                      "done with it before you withdrew it.")
        return redirect("privacy:consents")
    return render(request, "privacy/consents.html", {"purposes": consent_overview(request.user)})
