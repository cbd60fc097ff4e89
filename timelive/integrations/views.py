import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from timelive.accounts.throttle import current_password_error
from timelive.orgs.access import get_admin_membership, user_memberships
from timelive.orgs.actions import ActionError

from .actions import do_create_token, do_install_integration, do_remove_integration, do_revoke_token
from .forms import InstalledIntegrationForm
from .models import ApiToken, DeliveryAttempt, InstalledIntegration

EXPIRY_CHOICES = [("", "Never"), ("7", "In 7 days"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “Payroll export”.")
    org = forms.ChoiceField(label="Organisation", required=False)
    expires_in = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, required=False)
    # A token acts as the person without their password: whoever borrows an open
    # session must not be able to mint one.
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, memberships=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.orgs = {m.org.slug: m.org for m in memberships}
        self.fields["org"].choices = [("", "All my organisations")] + [(s, o.name) for s, o in self.orgs.items()]

    def clean_password(self):
        password = self.cleaned_data["password"]
        error = current_password_error(self.user, password)
        if error:
            raise forms.ValidationError(error)
        return password


# The page may show a new secret: no browser or proxy may keep a copy.
@never_cache
@login_required
def tokens(request):
    memberships = list(user_memberships(request.user))
    form = TokenForm(request.POST or None, memberships=memberships, user=request.user)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in"]
        expires_at = timezone.now() + dt.timedelta(days=int(days)) if days else None
        org = form.orgs.get(form.cleaned_data["org"]) if form.cleaned_data["org"] else None
        token, new_secret = do_create_token(request.user, form.cleaned_data["name"], org=org, expires_at=expires_at)
        form = TokenForm(memberships=memberships, user=request.user)
    user_tokens = ApiToken.objects.filter(user=request.user).select_related("org").order_by("-created_at")
    return render(request, "integrations/tokens.html", {"form": form, "tokens": user_tokens, "new_secret": new_secret},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_token(request, code):
    token = ApiToken.objects.filter(user=request.user, code=code).first()
    if token is None:
        raise Http404
    do_revoke_token(token, acting_user=request.user)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("integrations:tokens")


# Installed integrations: administrators record what they connect; members see it on the
# organisation's subprocessors page (privacy.views.subprocessors.org_subprocessors).


@login_required
def installed_integrations(request, slug):
    membership = get_admin_membership(request, slug)
    org = membership.org
    form = InstalledIntegrationForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        integration = do_install_integration(org, acting_user=request.user, **form.cleaned_data)
        messages.success(request, f"{integration.name} is now listed for the members of {org.name}.")
        return redirect("integrations:installed", slug=slug)
    integrations = InstalledIntegration.objects.filter(org=org).select_related("installed_by")
    # Current ones first, by name; then the removed ones, most recently removed first.
    integrations = integrations.order_by(models.F("removed_at").desc(nulls_first=True), "name", "id")
    return render(request, "integrations/installed.html", {"form": form, "integrations": integrations},
                  status=400 if form.errors else 200)


@login_required
def remove_integration(request, slug, code):
    get_admin_membership(request, slug)
    integration = InstalledIntegration.objects.filter(org=request.org, code=code).first()
    if integration is None:
        raise Http404
    back = reverse("integrations:installed", args=[slug])
    if request.method == "POST":
        try:
            do_remove_integration(integration, acting_user=request.user)
        except ActionError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, f"{integration.name} is removed. Members still see that it was used, and until when.")
        return redirect(back)
    if integration.removed_at is not None:
        messages.info(request, f"{integration.name} was already removed on {integration.removed_at:%-d %B %Y}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove {integration.name}?",
        "message": f"Record that {request.org.name} no longer uses {integration.name}. Disconnect it in "
                   f"{integration.name} itself too: this only updates the list the members see.",
        "button": "Remove",
        "cancel_url": back,
    })



# The personal calendar feed: a secret address, made and revoked by the person.


@never_cache
@login_required
def calendar_feed(request):
    from .models import CalendarFeed

    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(request, "Your calendar address is revoked: calendars using it get nothing any more.")
            return redirect("integrations:calendar_feed")
        _, secret = CalendarFeed.issue(request.user)
        feed_url = request.build_absolute_uri(reverse("integrations:feed", args=[secret]))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "integrations/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


@require_safe
def feed(request, secret):
    from timelive.lib.codes import hash_secret

    from .feeds import calendar_for
    from .models import CalendarFeed

    if len(secret) > 100:
        raise Http404
    found = CalendarFeed.objects.select_related("user").filter(token_hash=hash_secret(secret),
                                                              user__is_active=True).first()
    if found is None:
        raise Http404
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=now)
    response = HttpResponse(calendar_for(found.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="timelive.ics"'
    return response


# Webhooks (owners and administrators).


def _org_webhook(request, slug, code):
    from .models import Webhook

    get_admin_membership(request, slug)
    webhook = Webhook.objects.filter(org=request.org, code=code).first()
    if webhook is None:
        raise Http404
    return webhook


@never_cache
@login_required
def webhooks(request, slug):
    from .actions import do_create_webhook
    from .forms import WebhookForm
    from .models import Webhook

    membership = get_admin_membership(request, slug)
    form = WebhookForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        webhook, new_secret = do_create_webhook(membership.org, acting_user=request.user, **form.cleaned_data)
        form = WebhookForm()
    hooks = Webhook.objects.filter(org=membership.org)
    return render(request, "integrations/webhooks.html", {"form": form, "webhooks": hooks, "new_secret": new_secret},
                  status=400 if form.errors else 200)


@login_required
def webhook(request, slug, code):
    from .forms import WebhookForm

    hook = _org_webhook(request, slug, code)
    form = WebhookForm(request.POST or None, initial={"title": hook.title, "url": hook.url, "events": hook.events})
    if request.method == "POST" and form.is_valid():
        hook.title, hook.url, hook.events = form.cleaned_data["title"], form.cleaned_data["url"], form.cleaned_data["events"]
        hook.save(update_fields=["title", "url", "events"])
        messages.success(request, f"The webhook “{hook.title}” is saved.")
        return redirect("integrations:webhook", slug=slug, code=code)
    attempts = (DeliveryAttempt.objects.filter(delivery__webhook=hook).select_related("delivery")
                .order_by("-at", "-id")[:100])
    return render(request, "integrations/webhook.html", {"webhook": hook, "form": form, "attempts": attempts},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def toggle_webhook(request, slug, code):
    hook = _org_webhook(request, slug, code)
    hook.is_active = not hook.is_active
    hook.consecutive_failures = 0
    hook.disabled_reason = "" if hook.is_active else f"Turned off by {request.user.full_name}."
    hook.save(update_fields=["is_active", "consecutive_failures", "disabled_reason"])
    messages.success(request, f"The webhook “{hook.title}” is {'on' if hook.is_active else 'off'}.")
    return redirect("integrations:webhook", slug=slug, code=code)


@login_required
@require_POST
def test_webhook(request, slug, code):
    from .models import WebhookEvent
    from .webhooks import queue_deliveries

    hook = _org_webhook(request, slug, code)
    queue_deliveries([hook], WebhookEvent.PING, request.org, [{"webhook": hook.code, "message": "A test event."}])
    messages.success(request, "A test event is on its way; its result appears in the log below.")
    return redirect("integrations:webhook", slug=slug, code=code)


@login_required
def delete_webhook(request, slug, code):
    from .actions import do_delete_webhook

    hook = _org_webhook(request, slug, code)
    back = reverse("integrations:webhooks", args=[slug])
    if request.method == "POST":
        do_delete_webhook(hook, acting_user=request.user)
        messages.success(request, f"The webhook “{hook.title}” is deleted.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Delete the webhook “{hook.title}”?",
        "message": f"No more events go to {hook.url}, and its delivery log is deleted. Members still see that it "
                   "was used, and until when.",
        "button": "Delete", "cancel_url": back,
    })
