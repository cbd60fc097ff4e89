"""The operator console: organisations, trials and people. Every change is audited."""

from django.contrib import admin, messages
from django.forms.models import model_to_dict

from .actions import audit, do_change_org_plan
from .models import AuditEvent, AuditLog, Invitation, Membership, Organization, Plan


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an AuditLog row, with old and new values, for every change made here."""

    def audit_org(self, obj):
        return obj if isinstance(obj, Organization) else getattr(obj, "org", None)

    def save_model(self, request, obj, form, change):
        old = {}
        if change:
            fresh = type(obj).objects.get(pk=obj.pk)
            old = model_to_dict(fresh, fields=form.changed_data)
        super().save_model(request, obj, form, change)
        changes = {f: {"old": _jsonable(old.get(f)), "new": _jsonable(form.cleaned_data.get(f))}
                   for f in form.changed_data if f not in ("password",)}
        audit(self.audit_org(obj), request.user, AuditEvent.OPERATOR_CHANGE, obj,
              action="change" if change else "add", model=obj._meta.label, changes=changes)

    def delete_model(self, request, obj):
        audit(self.audit_org(obj), request.user, AuditEvent.OPERATOR_CHANGE, obj,
              action="delete", model=obj._meta.label)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["user", "created_at"]
    can_delete = False


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "slug", "plan", "trial_ends_at", "created_at"]
    list_filter = ["plan"]
    search_fields = ["name", "slug"]
    readonly_fields = ["plan", "trial_ends_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["mark_subscribed", "extend_trial", "back_to_trial"]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance.pk:
                audit(form.instance, request.user, AuditEvent.OPERATOR_CHANGE, inline_form.instance,
                      action="change", model="orgs.Membership",
                      changes={f: _jsonable(inline_form.cleaned_data.get(f)) for f in inline_form.changed_data})
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        messages.error(request, "Organisations are not deleted from the console; their audit log must stay.")

    @admin.action(description="Mark as subscribed (ends the trial, lifts read-only)")
    def mark_subscribed(self, request, queryset):
        for org in queryset:
            do_change_org_plan(org, Plan.SUBSCRIBED, acting_user=request.user)
        self.message_user(request, f"{queryset.count()} organisation(s) marked subscribed.")

    @admin.action(description="Extend the trial by 14 days from today or its end")
    def extend_trial(self, request, queryset):
        import datetime as dt

        from django.utils import timezone

        for org in queryset:
            start = max(timezone.now(), org.trial_ends_at or timezone.now())
            do_change_org_plan(org, Plan.TRIAL, acting_user=request.user, trial_ends_at=start + dt.timedelta(days=14))
        self.message_user(request, f"Extended {queryset.count()} trial(s).")

    @admin.action(description="Put back on a new trial")
    def back_to_trial(self, request, queryset):
        for org in queryset:
            do_change_org_plan(org, Plan.TRIAL, acting_user=request.user)
        self.message_user(request, f"{queryset.count()} organisation(s) are on a new trial.")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
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
