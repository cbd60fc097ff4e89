"""The account part of the privacy page (deactivation, objections, restriction),
and the administrators' deactivation of accounts their organisation manages
(reached from a member's page, routed in timelive/orgs/urls.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from timelive.accounts.throttle import current_password_error
from timelive.orgs.access import get_admin_membership, get_member_for_user

from ..models import ObjectionTo, Purpose
from ..states import (
    StateRefused,
    deactivation_refusal,
    do_deactivate,
    do_object,
    do_reactivate,
    granted_marketing_purposes,
)


def center_context(request) -> dict:
    """What the privacy page shows of this feature."""
    user = request.user
    return {
        "deactivation_refusal": deactivation_refusal(user, acting_user=user),
        "marketing_granted": [Purpose(p).label for p in granted_marketing_purposes(user)],
    }


def _back_to_center():
    return redirect(reverse("privacy:center") + "#account")


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        help_text="To be sure it is you.",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        error = current_password_error(self.user, password)
        if error:
            raise ValidationError(f"{error} Nothing was changed.")
        return password


@login_required
def deactivate(request):
    """Deactivate one's own account: a confirmation page that asks for the password."""
    user = request.user
    refusal = deactivation_refusal(user, acting_user=user)
    if refusal and request.method == "POST":
        messages.error(request, refusal)
        return _back_to_center()
    form = ConfirmPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_deactivate(user, acting_user=user)
        except StateRefused as exc:
            messages.error(request, str(exc))
            return _back_to_center()
        # Every session already ended with the deactivation; this one clears the browser's too.
        logout(request)
        messages.success(request, "Your account is deactivated and you are logged out everywhere. Nothing was deleted. "
                                  "We sent you an email that says how to use it again.")
        return redirect("accounts:login")
    return render(request, "privacy/account/deactivate.html", {"form": form, "refusal": refusal},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def object_to(request):
    """Object to marketing or to research and development use: one click, no email confirmation."""
    to = request.POST.get("to", "")
    if to not in ObjectionTo.values:
        messages.error(request, "That choice was not understood; nothing changed.")
        return _back_to_center()
    try:
        withdrawn = do_object(request.user, to, acting_user=request.user)
    except StateRefused as exc:
        messages.error(request, str(exc))
        return _back_to_center()
    if to == ObjectionTo.RESEARCH:
        messages.success(request, "Your objection is recorded: from now on you are left out of usage statistics.")
    elif withdrawn:
        names = ", ".join(Purpose(p).label.lower() for p in withdrawn)
        messages.success(request, f"Your objection is recorded and your consent is withdrawn for: {names}. "
                                  "We will not use your data for marketing unless you agree again.")
    else:
        messages.success(request, "Your objection is recorded. You had not agreed to any marketing, so there "
                                  "was nothing to withdraw; we will not use your data for marketing.")
    return _back_to_center()


# An organisation's administrators, for accounts it manages.


class DeactivationReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit log and told to the person in the email about it.",
    )


@login_required
def deactivate_member(request, slug, code):
    membership = get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    person = member.user
    back = reverse("orgs:member", args=[slug, code])
    refusal = deactivation_refusal(person, acting_user=request.user, org=membership.org)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    form = DeactivationReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_deactivate(person, acting_user=request.user, org=membership.org, reason=form.cleaned_data["reason"])
        except StateRefused as exc:
            messages.error(request, str(exc))
            return redirect(back)
        if person.pk == request.user.pk:
            logout(request)
            messages.success(request, "Your account is deactivated and you are logged out everywhere.")
            return redirect("accounts:login")
        messages.success(request, f"{person} is deactivated: logged out everywhere, their API tokens no longer work "
                                  "and they cannot log in. Everything they entered stays; you can reactivate them here.")
        return redirect(back)
    return render(request, "privacy/account/deactivate_member.html",
                  {"member": member, "person": person, "form": form, "cancel_url": back},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def reactivate_member(request, slug, code):
    membership = get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    try:
        do_reactivate(member.user, acting_user=request.user, org=membership.org)
    except StateRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user} can log in again. We told them by email.")
    return redirect("orgs:member", slug=slug, code=code)
