from django.contrib import admin

from .models import RequestRecord


class StatusClassFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status_class"

    def lookups(self, request, model_admin):
        return [("2", "2xx success"), ("3", "3xx redirect"), ("4", "4xx client error"), ("5", "5xx server error")]

    def queryset(self, request, queryset):
        if self.value() in {"2", "3", "4", "5"}:
            low = int(self.value()) * 100
            return queryset.filter(status__gte=low, status__lt=low + 100)
        return queryset


@admin.register(RequestRecord)
class RequestRecordAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the middleware and removed only by the purge."""

    list_display = ["at", "method", "path", "status", "duration_ms", "ip"]
    list_filter = [StatusClassFilter, "method", "at"]
    search_fields = ["path", "=ip"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
