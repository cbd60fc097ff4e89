"""Policy versions in the operator console: drafts are edited, then published for good.

Every change is audited (AuditedAdmin); publishing goes through the action.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from timelive.accounts.forms import PasswordResetForm
from timelive.accounts.models import User
from timelive.orgs.actions import ActionError, audit
from timelive.orgs.admin import AuditedAdmin
from timelive.orgs.models import AuditEvent

from .actions import do_publish_policy_version
from .data_requests import HELD, RequestRefused, describe, do_complete_request, do_decline_request, do_reply_to_request
from .deletion import DeletionRefused, do_delete_account
from .models import (
    ConsentMethod,
    ConsentRecord,
    DataRequest,
    DataRequestEvent,
    PolicyAcceptance,
    PolicyDocument,
    PolicyKind,
    PolicyVersion,
    RequestStatus,
    RetentionCategory,
    RetentionRule,
    Subprocessor,
)
from .retention import DESCRIPTIONS, days_error, days_limits
from .states import StateRefused, do_deactivate, do_lift_restriction, do_reactivate, do_restrict


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AuditedAdmin):
    list_display = ["title", "kind"]
    readonly_fields = ["kind"]

    # The three documents are made by a migration; their kind is fixed.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(AuditedAdmin):
    list_display = ["__str__", "effective_at", "significant", "status", "published_at"]
    list_filter = ["document", "significant"]
    list_select_related = ["document"]
    search_fields = ["label", "summary", "text"]
    fields = ["document", "label", "effective_at", "significant", "notice_days", "summary", "text",
              "code", "notice_ends_at", "published_at", "created_at"]
    readonly_fields = ["code", "notice_ends_at", "published_at", "created_at"]
    actions = ["publish", "copy_as_draft"]

    @admin.display(description="status")
    def status(self, obj):
        return obj.status

    # A published version is evidence of what people were told: it can be read, never changed.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        # Bulk delete would reach published versions too; drafts are deleted one by one.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Publish (cannot be undone; a significant change mails every active user)")
    def publish(self, request, queryset):
        published = 0
        for version in queryset.select_related("document"):
            try:
                do_publish_policy_version(version, acting_user=request.user)
            except ActionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} version(s).", messages.SUCCESS)

    @admin.action(description="Copy as a new draft")
    def copy_as_draft(self, request, queryset):
        for version in queryset.select_related("document"):
            copy = PolicyVersion.objects.create(
                document=version.document, label=f"{version.label} (draft {timezone.now():%Y%m%d%H%M%S})",
                text=version.text, summary="", effective_at=timezone.now(), significant=False,
                notice_days=version.notice_days,
            )
            audit(None, request.user, AuditEvent.OPERATOR_CHANGE, copy, action="add", model=copy._meta.label,
                  copied_from=version.code)
        self.message_user(request, f"Made {queryset.count()} new draft(s).")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["accepted_at", "user", "version"]
    list_filter = ["version"]
    search_fields = ["user__email"]
    list_select_related = ["user", "version__document"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AuditedAdmin):
    """The ledger, read-only; the operator may append a choice a person made
    another way (a signed form, a mail), which is recorded as theirs."""

    list_display = ["at", "user", "purpose", "granted", "method", "policy_version", "source"]
    list_filter = ["purpose", "granted", "method"]
    search_fields = ["user__email"]
    list_select_related = ["user", "policy_version__document"]
    raw_id_fields = ["user"]
    fields = ["user", "purpose", "granted", "source"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["user", "purpose", "granted", "at", "policy_version", "method", "source"]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["user", "purpose", "granted", "at", "policy_version", "method", "source"]
        return self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.method = ConsentMethod.OPERATOR
        obj.policy_version = PolicyVersion.objects.current(PolicyKind.PRIVACY)
        obj.source = (obj.source or "")[:150] + f" (entered by {request.user.email})"
        super().save_model(request, obj, form, change)


# Retention rules and subprocessors (privacy policy: "How we store…", "Third parties").


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["days", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = days_limits(self.instance.category)
        self.fields["days"].help_text = f"Between {low} and {high}."
        self.fields["enabled"].help_text = "Off: the daily job leaves this category alone (data are kept)."

    def clean_days(self):
        days = self.cleaned_data.get("days")
        error = days_error(self.instance.category, days)
        if error:
            raise forms.ValidationError(error)
        return days


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedAdmin):
    """How long each category is kept. The rules are made by a migration, one per
    category; the operator changes their days or turns one off. `manage.py
    apply_retention --dry-run` shows what the next run would do."""

    form = RetentionRuleForm
    list_display = ["category_label", "days", "enabled", "updated_at"]
    fields = ["category", "what_happens", "days", "enabled", "updated_at"]
    readonly_fields = ["category", "what_happens", "updated_at"]

    @admin.display(description="category", ordering="category")
    def category_label(self, obj):
        return RetentionCategory(obj.category).label

    @admin.display(description="what happens")
    def what_happens(self, obj):
        return DESCRIPTIONS.get(obj.category, "")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Subprocessor)
class SubprocessorAdmin(AuditedAdmin):
    """The operator's subprocessors, listed on the public /subprocessors/ page while "listed"."""

    list_display = ["name", "purpose", "data_categories", "location", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "purpose", "data_categories", "location"]
    fields = ["name", "purpose", "data_categories", "location", "website", "position", "is_active"]


# Data requests ("Your choices"): the operator answers those escalated to them. The
# person's words and the history are evidence: the console shows them, never edits them.


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        late = Q(status__in=HELD, due_at__lte=timezone.now())
        if self.value() == "yes":
            return queryset.filter(late)
        if self.value() == "no":
            return queryset.exclude(late)
        return queryset


class HolderFilter(admin.SimpleListFilter):
    title = "held by"
    parameter_name = "holder"

    def lookups(self, request, model_admin):
        return [("operator", "The operator"), ("org", "An organisation's administrators")]

    def queryset(self, request, queryset):
        if self.value() == "operator":
            return queryset.filter(org__isnull=True)
        if self.value() == "org":
            return queryset.filter(org__isnull=False)
        return queryset


class DataRequestEventInline(admin.TabularInline):
    model = DataRequestEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "actor", "action", "status", "note"]
    verbose_name_plural = "history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DataRequestTextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5, "cols": 80}), max_length=4000)


BOTH = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["code", "user", "asked", "status", "holder", "due_at", "overdue", "created_at"]
    list_filter = ["status", OverdueFilter, HolderFilter, "kind"]
    list_select_related = ["user", "org"]
    search_fields = ["code", "user__email"]
    fields = ["code", "user", "kind", "objection_to", "reason", "status", "holder", "created_at", "confirmed_at",
              "due_at", "overdue_flagged_at", "closed_at", "reply"]
    readonly_fields = fields
    inlines = [DataRequestEventInline]
    actions = ["reply_to_requests", "complete_requests", "decline_requests"]

    @admin.display(description="request", ordering="kind")
    def asked(self, obj):
        return describe(obj)

    @admin.display(description="held by", ordering="org")
    def holder(self, obj):
        if obj.org_id is not None:
            return f"Administrators of {obj.org.name}"
        return "The operator" if obj.confirmed_at else "—"

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.status in HELD and obj.due_at is not None and obj.due_at <= timezone.now()

    # People file requests; the reason and the history are theirs and the holders' record.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _answer(self, request, queryset, *, step, title, label, done):
        """Ask for the text on a page of its own, then run `step` on each escalated request."""
        form = DataRequestTextForm(request.POST if "apply" in request.POST else None)
        form.fields["text"].label = label
        if form.is_bound and form.is_valid():
            answered = 0
            for data_request in queryset.select_related("user", "org"):
                if data_request.status != RequestStatus.ESCALATED:
                    held = f"the administrators of {data_request.org.name}" if data_request.org else "nobody"
                    self.message_user(request, f"Request {data_request.code} is {data_request.get_status_display().lower()} "
                                               f"(held by {held}); only escalated requests are answered here.",
                                      messages.WARNING)
                    continue
                try:
                    step(data_request, form.cleaned_data["text"], acting_user=request.user)
                except RequestRefused as refusal:
                    self.message_user(request, f"Request {data_request.code}: {refusal} Nothing changed.", messages.ERROR)
                else:
                    answered += 1
            if answered:
                self.message_user(request, f"{done} ({answered} request(s)).", messages.SUCCESS)
            return None
        # The action's own fields, as the page that asked sent them (change list or change form).
        carried = [(name, value) for name in ("action", "index", "CHANGE_FORM-action") for value in request.POST.getlist(name)]
        return TemplateResponse(request, "privacy/requests/admin_answer.html", {
            **self.admin_site.each_context(request),
            "title": title, "opts": self.model._meta, "form": form, "carried": carried,
            "requests": [(r, describe(r)) for r in queryset.select_related("user", "org")],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description="Reply to the person…", location=BOTH)
    def reply_to_requests(self, request, queryset):
        return self._answer(request, queryset, step=do_reply_to_request, title="Reply to the person",
                            label="Your reply (emailed to the person; the request stays open)", done="Reply sent")

    @admin.action(description="Complete (apply the request and tell the person)…", location=BOTH)
    def complete_requests(self, request, queryset):
        return self._answer(request, queryset, step=do_complete_request, title="Complete the request",
                            label="Your reply to the person", done="Completed")

    @admin.action(description="Decline (with a reason)…", location=BOTH)
    def decline_requests(self, request, queryset):
        return self._answer(request, queryset, step=do_decline_request, title="Decline the request",
                            label="Why the request is declined (emailed to the person)", done="Declined")


# People, for the operator: their account states change only through the privacy actions.


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
