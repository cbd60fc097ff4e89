from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from timelive.orgs.actions import audit
from timelive.orgs.admin import AuditedAdmin
from timelive.orgs.models import AuditEvent

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
    readonly_fields = ["code", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["code", "email", "password"]}),
        ("Person", {"fields": ["full_name", "time_zone", "email_verified_at"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    actions = ["send_password_reset"]

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
