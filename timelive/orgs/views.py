import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from timelive.accounts.forms import NewAccountForm
from timelive.accounts.models import User
from timelive.lib.csv import safe_writer

from . import actions, checklist, history
from .access import (
    get_admin_membership,
    get_invitation_for_user,
    get_member_for_user,
    get_membership,
    user_memberships,
)
from .forms import AuditFilterForm, InviteForm, NewOrganizationForm, OrganizationForm, RoleForm, SetupForm
from .managed import admin_manages
from .models import AuditLog, Membership, Organization, Role

PAGE_SIZE = 50


def home(request):
    """Send people to the organisation they last worked in."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    memberships = list(user_memberships(request.user))
    if not memberships:
        return render(request, "orgs/no_org.html")
    chosen = next((m for m in memberships if m.org_id == request.user.last_org_id), memberships[0])
    return redirect("orgs:dashboard", slug=chosen.org.slug)


def remember_org(user, org):
    if user.last_org_id != org.id:
        user.last_org = org
        user.save(update_fields=["last_org"])


@login_required
def dashboard(request, slug):
    membership = get_membership(request, slug)
    remember_org(request.user, membership.org)
    org = membership.org
    context = {"membership": membership}
    if membership.is_admin:
        context["member_count"] = org.memberships.filter(is_active=True).count()
        context["pending_invitations"] = org.invitations.pending().count()
        context["getting_started"] = checklist.checklist(org)
    return render(request, "orgs/dashboard.html", context)


@login_required
@require_POST
def dismiss_getting_started(request, slug):
    membership = get_admin_membership(request, slug)
    if membership.org.getting_started_closed_at is None:
        checklist.close(membership.org)
    messages.success(request, "The getting-started list is hidden. Everything in it stays in the sidebar.")
    return redirect("orgs:dashboard", slug=slug)


@login_required
def new_org(request):
    if settings.TIMELIVE_EDITION != "cloud":
        raise Http404("This install has one organisation.")
    if request.method == "POST":
        form = NewOrganizationForm(request.POST)
        if form.is_valid():
            org = actions.do_create_organization(
                form.cleaned_data["name"], request.user,
                time_zone=form.cleaned_data["time_zone"], currency=form.cleaned_data["currency"],
            )
            messages.success(request, f"{org.name} is ready. Invite your team from the Team page.")
            return redirect("orgs:dashboard", slug=org.slug)
    else:
        form = NewOrganizationForm(initial={"time_zone": request.user.time_zone})
    return render(request, "orgs/new_org.html", {"form": form})


def lock_setup():
    """Two first visits submitting at once must not make two organisations. SQLite
    already runs one writing transaction at a time; PostgreSQL needs a lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SETUP_LOCK_KEY])


# Any fixed number, the same in every process.
SETUP_LOCK_KEY = 7_245_301


def setup(request):
    """First visit to an empty On-Premises install: create the organisation and its owner."""
    if settings.TIMELIVE_EDITION != "onprem" or Organization.objects.exists():
        raise Http404
    if request.method == "POST":
        form = SetupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            # All or nothing: a failure must not leave an owner without an
            # organisation. Checked again inside, for a second submit of the page.
            with transaction.atomic():
                lock_setup()
                if Organization.objects.exists():
                    raise Http404
                user = User.objects.create_user(data["email"], data["password"], full_name=data["full_name"],
                                                time_zone=data["time_zone"],
                                                # The person installing TimeLive is trusted with its first
                                                # address: invitations must work before mail is set up.
                                                email_verified_at=timezone.now())
                org = actions.do_create_organization(data["name"], user, time_zone=data["time_zone"],
                                                     currency=data["currency"], edition="onprem")
            login(request, user, backend="timelive.accounts.backends.EmailBackend")
            messages.success(request, f"{org.name} is set up. Invite your colleagues from the Team page.")
            return redirect("orgs:dashboard", slug=org.slug)
    else:
        form = SetupForm()
    return render(request, "orgs/setup.html", {"form": form})


# Team


@login_required
def team(request, slug):
    membership = get_membership(request, slug)
    if membership.is_external:
        raise_forbidden()
    show_removed = membership.is_admin and request.GET.get("removed") == "1"
    members = (
        Membership.objects.filter(org=membership.org, is_active=not show_removed)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page links keep the "removed" filter.
    context = {"page": page, "show_removed": show_removed, "roles": Role.choices,
               "query": "removed=1" if show_removed else ""}
    if membership.is_admin:
        context["invitations"] = membership.org.invitations.pending().select_related("invited_by").order_by("-created_at")
        context["invite_form"] = InviteForm(can_invite_owner=membership.is_owner)
    return render(request, "orgs/team.html", context)


def raise_forbidden(message="Your role in this organisation does not allow this."):
    raise PermissionDenied(message)


def get_colleague(request, slug, code) -> Membership:
    """A member whose profile the requesting person may see.

    Externals see names only; profiles, pictures and the optional details are
    for colleagues.
    """
    membership = get_membership(request, slug)
    member = get_member_for_user(request, code)
    if membership.is_external and member.user_id != request.user.id:
        raise_forbidden("Profiles are visible to members of the organisation.")
    return member


@login_required
def member_profile(request, slug, code):
    member = get_colleague(request, slug, code)
    context = {"member": member, "person": member.user, "role_form": RoleForm(initial={"role": member.role})}
    if request.membership.is_admin:
        # Deactivating the whole account is for the organisation that manages it.
        context["manages_account"] = admin_manages(request.membership, member.user)
    return render(request, "orgs/member.html", context)


@login_required
@cache_control(private=True, max_age=3600)
def member_picture(request, slug, code):
    member = get_colleague(request, slug, code)
    if not member.user.picture:
        raise Http404
    try:
        picture = member.user.picture.open("rb")
    except FileNotFoundError:
        # The row names a file that is gone (restored backup, cleaned disk).
        raise Http404
    return FileResponse(picture, content_type="image/png")


@login_required
@require_POST
def change_role(request, slug, code):
    get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose one of the roles offered.")
    else:
        try:
            actions.do_change_role(member, form.cleaned_data["role"], acting_user=request.user)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            member.refresh_from_db(fields=["role"])
            messages.success(request, f"{member.user} is now {member.get_role_display()}.")
    return redirect("orgs:member", slug=slug, code=code)


@login_required
def remove_member(request, slug, code):
    get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    if request.method == "POST":
        try:
            actions.do_remove_member(member, acting_user=request.user)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
            return redirect("orgs:member", slug=slug, code=code)
        messages.success(request, f"{member.user} no longer has access. Their entries stay with the organisation.")
        if member.user_id == request.user.id:
            return redirect("home")
        return redirect("orgs:team", slug=slug)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove {member.user}?",
        "message": "They lose access at once. Their time entries and comments stay; you can restore them later.",
        "button": "Remove",
        "cancel_url": reverse("orgs:member", args=[slug, code]),
    })


@login_required
@require_POST
def restore_member(request, slug, code):
    get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    try:
        actions.do_restore_member(member, acting_user=request.user)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user} has access again.")
    return redirect("orgs:member", slug=slug, code=code)


# Invitations


@login_required
@require_POST
def invite(request, slug):
    membership = get_admin_membership(request, slug)
    form = InviteForm(request.POST, can_invite_owner=membership.is_owner)
    status = 400
    if not request.user.is_email_verified:
        form.add_error(None, "Please confirm your own email address before inviting others.")
    if form.is_valid():
        try:
            invitation, _ = actions.do_invite_member(
                membership.org, form.cleaned_data["email"], form.cleaned_data["role"], acting_user=request.user
            )
        except actions.InvitationLimitReached as exc:
            form.add_error(None, str(exc))
            status = 429
        except actions.ActionError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("orgs:team", slug=slug)
    members = Membership.objects.filter(org=membership.org, is_active=True).select_related("user").order_by("user__full_name")
    context = {
        "page": Paginator(members, PAGE_SIZE).get_page(1),
        "invitations": membership.org.invitations.pending().select_related("invited_by").order_by("-created_at"),
        "invite_form": form,
        "roles": Role.choices,
    }
    return render(request, "orgs/team.html", context, status=status)


@login_required
@require_POST
def revoke_invitation(request, slug, code):
    get_admin_membership(request, slug)
    invitation = get_invitation_for_user(request, code)
    try:
        actions.do_revoke_invitation(invitation, acting_user=request.user)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("orgs:team", slug=slug)


def accept_invitation(request, token):
    """The emailed link. Works for people with and without an account."""
    invitation = actions.find_invitation(token)
    if invitation is None:
        return render(request, "orgs/invitation.html", {"problem": "This invitation link is not valid."}, status=404)
    if invitation.status != "pending":
        return render(request, "orgs/invitation.html", {
            "problem": f"{invitation.problem} Ask {invitation.org.name}'s administrator for a new one.",
        }, status=410)
    existing = User.objects.filter(email=invitation.email).first()
    context = {"invitation": invitation, "existing": existing}
    if request.user.is_authenticated:
        if request.user.email != invitation.email:
            context["problem"] = (f"This invitation was sent to {invitation.email}, but you are logged in as "
                                  f"{request.user.email}. Log out and follow the link again.")
            return render(request, "orgs/invitation.html", context, status=403)
        if request.method == "POST":
            return _accept(request, invitation, request.user)
        return render(request, "orgs/invitation.html", context)
    if existing is not None:
        # They have an account: log in first, then come back here.
        return render(request, "orgs/invitation.html", context)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = actions.do_accept_invitation_as_new_user(
                invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password"]
            )
        except actions.ActionError as exc:
            return render(request, "orgs/invitation.html", {"problem": str(exc)}, status=409)
        login(request, user, backend="timelive.accounts.backends.EmailBackend")
        return _welcome(request, user, membership)
    context["form"] = form
    return render(request, "orgs/invitation.html", context, status=400 if form.errors else 200)


def _accept(request, invitation, user):
    try:
        membership = actions.do_accept_invitation(invitation, user)
    except actions.ActionError as exc:
        return render(request, "orgs/invitation.html", {"problem": str(exc)}, status=409)
    return _welcome(request, user, membership)


def _welcome(request, user, membership):
    remember_org(user, membership.org)
    messages.success(request, f"Welcome to {membership.org.name}!")
    return redirect("orgs:dashboard", slug=membership.org.slug)


# Settings and audit


@login_required
def org_settings(request, slug):
    membership = get_admin_membership(request, slug)
    org = membership.org
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        actions.do_change_org_settings(org, changes, acting_user=request.user)
        messages.success(request, "Settings saved.")
        return redirect("orgs:settings", slug=slug)
    return render(request, "orgs/settings.html", {"form": form}, status=400 if form.errors else 200)


def filtered_audit_logs(request, org):
    form = AuditFilterForm(request.GET or None, org=org)
    logs = AuditLog.objects.filter(org=org).select_related("actor")
    if form.is_valid():
        # Dates are days in the viewer's time zone, the one the page shows times in.
        logs = history.filter_logs(logs, **form.cleaned_data, zone=timezone.get_current_timezone())
    return form, logs


TARGET_PAGES = {"timeentry": "tracking:edit_entry", "submission": "approvals:submission"}


@login_required
def audit_log(request, slug):
    membership = get_admin_membership(request, slug)
    form, logs = filtered_audit_logs(request, membership.org)
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each row with its changes in words, and a link to what it is about where that has a page.
    rows = []
    for item in history.history_items(page):
        details = {k: v for k, v in item.log.details.items() if k != history.CHANGES} \
            if isinstance(item.log.details, dict) else item.log.details
        route = TARGET_PAGES.get(item.log.target_type)
        link = reverse(route, args=[slug, item.log.target_id]) if route and item.log.target_id else ""
        rows.append((item, details, link))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orgs/audit.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()})


@login_required
def audit_log_csv(request, slug):
    membership = get_admin_membership(request, slug)
    _, logs = filtered_audit_logs(request, membership.org)
    # Names and labels come from users: cells that would run as formulas are defused.
    writer = safe_writer()

    def rows():
        yield writer.writerow(["time_utc", "actor", "event", "target_type", "target_id", "target", "details",
                               "changes"])
        for log in logs.iterator(chunk_size=1000):
            # Field-level changes ({field: [old, new]}, as JSON) get their own column; the rest stays in details.
            details, changes = log.details, ""
            if isinstance(details, dict) and history.CHANGES in details:
                details = {k: v for k, v in details.items() if k != history.CHANGES}
                changes = json.dumps(log.details[history.CHANGES], sort_keys=True, ensure_ascii=False, default=str)
            yield writer.writerow([
                log.created_at.astimezone(dt.UTC).isoformat(), log.actor.email if log.actor else "", log.event,
                log.target_type, log.target_id, log.target_label,
                json.dumps(details, sort_keys=True, ensure_ascii=False, default=str), changes,
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{membership.org.slug}-audit.csv"'
    return response


# Error pages


def csrf_failure(request, reason=""):
    return render(request, "errors/403.html", {
        "message": "The form had expired or came from another site. Please go back, reload the page and try again.",
    }, status=403)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return HttpResponse('{"detail": "Not found.", "code": "not_found"}', status=404, content_type="application/json")
    return TemplateResponse(request, "errors/404.html", status=404)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "You do not have access to this page."
    if request.path.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message, "code": "permission_denied"}), status=403,
                            content_type="application/json")
    return TemplateResponse(request, "errors/403.html", {"message": message}, status=403)


def server_error(request):
    if request.path.startswith("/api/"):
        return HttpResponse('{"detail": "Server error.", "code": "server_error"}', status=500,
                            content_type="application/json")
    return render(request, "errors/500.html", status=500)


