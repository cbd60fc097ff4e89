"""Policy versions in the operator console: drafts are edited, then published for good.

Every change is audited (AuditedAdmin); publishing goes through the action.
"""

from django.contrib import admin, messages
from django.utils import timezone

from timelive.orgs.actions import ActionError, audit
from timelive.orgs.admin import AuditedAdmin
from timelive.orgs.models import AuditEvent

from .actions import do_publish_policy_version
from .models import ConsentMethod, ConsentRecord, PolicyAcceptance, PolicyDocument, PolicyKind, PolicyVersion


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
