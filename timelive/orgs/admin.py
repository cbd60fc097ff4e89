"""The operator console: organisations, trials and people. Every change is audited."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.utils import timezone

from .actions import audit, do_change_org_plan
from .models import AuditEvent, AuditLog, Invitation, Membership, Organization, Plan, Role


def _jsonable(value):
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _changes(form, old: dict, *, added: bool) -> dict:
    """{field: {"old", "new"}} for what the form really changed (never a password hash)."""
    changes = {}
    for field in form.changed_data:
        if field in ("password", "password1", "password2"):
            continue
        before = None if added else _jsonable(old.get(field))
        after = _jsonable(form.cleaned_data.get(field))
        # A form may report a field as changed that is not (a hidden initial value missing).
        if added or before != after:
            changes[field] = {"old": before, "new": after}
    return changes


class AuditedAdmin(admin.ModelAdmin):
    """Writes an AuditLog row, with old and new values, for every change made here."""

    def audit_org(self, obj):
        return obj if isinstance(obj, Organization) else getattr(obj, "org", None)

    def save_model(self, request, obj, form, change):
        old = {}
        if change:
            # The stored row, read before saving; values as the form shows them
            # (a related object by name, not by id) so old and new compare.
            fresh = type(obj).objects.get(pk=obj.pk)
            old = {f: getattr(fresh, f, None) for f in form.changed_data}
        super().save_model(request, obj, form, change)
        changes = _changes(form, old, added=not change)
        if change and not changes:
            return
        audit(self.audit_org(obj), request.user, AuditEvent.OPERATOR_CHANGE, obj,
              action="change" if change else "add", model=obj._meta.label, changes=changes)

    def delete_model(self, request, obj):
        audit(self.audit_org(obj), request.user, AuditEvent.OPERATOR_CHANGE, obj,
              action="delete", model=obj._meta.label)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipAdminForm(forms.ModelForm):
    """The console keeps the rule the app keeps: an organisation always has an active owner."""

    class Meta:
        model = Membership
        fields = ["org", "user", "role", "is_active", "custom_fields"]

    def clean(self):
        data = super().clean()
        stored = self.instance
        if stored.pk and stored.role == Role.OWNER and stored.is_active:
            stays_owner = data.get("role", stored.role) == Role.OWNER and data.get("is_active", stored.is_active)
            others = Membership.objects.filter(
                org_id=stored.org_id, role=Role.OWNER, is_active=True, user__is_active=True
            ).exclude(pk=stored.pk)
            if not stays_owner and not others.exists():
                raise forms.ValidationError(
                    "This is the organisation's last active owner. Make someone else an owner first."
                )
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["user", "created_at"]
    can_delete = False

    # The person cannot be chosen here (read-only), so rows are added from the
    # Memberships page or, better, by invitation.
    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "slug", "plan", "trial_ends_at", "created_at"]
    list_filter = ["plan"]
    search_fields = ["name", "slug"]
    readonly_fields = ["plan", "trial_ends_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["mark_subscribed", "extend_trial", "back_to_trial"]

    def save_formset(self, request, form, formset, change):
        changed = [
            (inline_form, inline_form.instance.pk is None,
             {f: inline_form.initial.get(f) for f in inline_form.changed_data})
            for inline_form in formset.forms if inline_form.has_changed()
        ]
        super().save_formset(request, form, formset, change)
        for inline_form, added, old in changed:
            instance = inline_form.instance
            changes = _changes(inline_form, old, added=added)
            if instance.pk is None or not changes:
                continue
            audit(form.instance, request.user, AuditEvent.OPERATOR_CHANGE, instance,
                  action="add" if added else "change", model=instance._meta.label,
                  changes=changes)

    # Organisations are not deleted from the console: their audit log must stay.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark as subscribed (ends the trial, lifts read-only)")
    def mark_subscribed(self, request, queryset):
        count = 0
        for org in queryset:
            if org.plan != Plan.SUBSCRIBED:
                do_change_org_plan(org, Plan.SUBSCRIBED, acting_user=request.user)
                count += 1
        self.message_user(request, f"{count} organisation(s) marked subscribed.")

    @admin.action(description="Extend the trial by 14 days from today or its end")
    def extend_trial(self, request, queryset):
        count = 0
        for org in queryset:
            # Only trials are extended; a subscribed organisation is not put back on one.
            if org.plan != Plan.TRIAL:
                continue
            start = max(timezone.now(), org.trial_ends_at or timezone.now())
            do_change_org_plan(org, Plan.TRIAL, acting_user=request.user, trial_ends_at=start + dt.timedelta(days=14))
            count += 1
        self.message_user(request, f"Extended {count} trial(s).")

    @admin.action(description="Put back on a new trial")
    def back_to_trial(self, request, queryset):
        for org in queryset:
            do_change_org_plan(org, Plan.TRIAL, acting_user=request.user)
        self.message_user(request, f"{queryset.count()} organisation(s) are on a new trial.")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "org", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "org__name", "org__slug"]
    raw_id_fields = ["user", "org"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "org", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "org__slug"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "org", "actor", "event", "target_label"]
    list_filter = ["event"]
    search_fields = ["org__slug", "target_label", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
