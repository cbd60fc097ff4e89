from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from timelive.orgs.actions import audit
from timelive.orgs.admin import AuditedAdmin
from timelive.orgs.models import AuditEvent
from timelive.privacy.deletion import DeletionRefused, do_delete_account
from timelive.privacy.states import StateRefused, do_deactivate, do_lift_restriction, do_reactivate, do_restrict

from .forms import PasswordResetForm
from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class ChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    form = ChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "email_verified_at", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    # Account states change only through the actions below, which end sessions and tokens and audit
    # the change; a ticked box would do neither.
    readonly_fields = ["code", "date_joined", "last_login", "is_active", "deactivated_at", "restricted_at",
                       "research_objection_at"]
    fieldsets = [
        (None, {"fields": ["code", "email", "password"]}),
        ("Person", {"fields": ["full_name", "time_zone", "email_verified_at"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Privacy", {"fields": ["deactivated_at", "restricted_at", "research_objection_at"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    actions = ["send_password_reset", "deactivate_accounts", "reactivate_accounts", "restrict_processing",
               "lift_restriction", "delete_accounts"]

    # A person is never removed row by row: that would tear holes in their teammates'
    # timesheets. "Delete (pseudonymise) now" below is how an account is deleted.
    # (Without the delete permission, Django's "Delete selected" action is gone too.)
    def has_delete_permission(self, request, obj=None):
        return False

    # ASVS 6.4.6: an operator may start a reset but never sets or learns a password.
    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Operators do not set people's passwords. Use “Send a password reset email” instead.")

    @admin.action(description="Send a password reset email")
    def send_password_reset(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True):
            form = PasswordResetForm({"email": user.email})
            if form.is_valid():
                form.save(request=request)
                audit(None, request.user, AuditEvent.OPERATOR_CHANGE, user, action="password_reset_sent",
                      model=user._meta.label)
                sent += 1
        self.message_user(request, f"Sent {sent} password reset email(s).")

    def _change_states(self, request, queryset, change, done: str):
        """Apply a privacy state change to each chosen person; say what was refused and why."""
        count = 0
        for user in queryset:
            try:
                change(user, acting_user=request.user)
            except StateRefused as exc:
                self.message_user(request, f"{user} ({user.email}): {exc}", level=messages.WARNING)
            else:
                count += 1
        self.message_user(request, f"{count} account(s) {done}.")

    @admin.action(description="Deactivate (ends sessions and API tokens; keeps all data)")
    def deactivate_accounts(self, request, queryset):
        self._change_states(request, queryset, do_deactivate, "deactivated")

    @admin.action(description="Reactivate")
    def reactivate_accounts(self, request, queryset):
        self._change_states(request, queryset, do_reactivate, "reactivated")

    @admin.action(description="Restrict processing (keep the data, stop using it)")
    def restrict_processing(self, request, queryset):
        self._change_states(request, queryset, do_restrict, "restricted")

    @admin.action(description="Lift the restriction of processing")
    def lift_restriction(self, request, queryset):
        self._change_states(request, queryset, do_lift_restriction, "no longer restricted")

    @admin.action(description="Delete now (pseudonymise: keeps their work as “Deleted user N”)")
    def delete_accounts(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(request, "admin/accounts/user/delete_accounts.html", {
                **self.admin_site.each_context(request), "title": "Delete these accounts?", "people": queryset,
                "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        count = 0
        for user in queryset:
            try:
                do_delete_account(user, acting_user=request.user, reason="Deleted by the operator")
            except DeletionRefused as exc:
                self.message_user(request, f"{user} ({user.email}): {exc}", level=messages.WARNING)
            else:
                count += 1
        self.message_user(request, f"{count} account(s) deleted and pseudonymised.")
