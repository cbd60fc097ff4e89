import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from .models import RetentionCategory, RetentionRule


@task
def mail_policy_change(version_id: int) -> int:
    """Mail every active user about a significant policy version, once each."""
    from .actions import send_policy_change_mails

    return send_policy_change_mails(version_id)


@task
def build_data_export(export_id: int) -> str:
    """Build the ZIP of one requested copy of a person's data; returns its status."""
    from .exports import build_export
    from .models import DataExport

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:
        return "gone"
    return build_export(export).status


@task
def apply_retention_rules(dry_run: bool = False) -> dict:
    """Apply the retention rules (daily); returns the report (retention.RetentionReport.as_dict())."""
    from .retention import apply_retention

    return apply_retention(dry_run=dry_run).as_dict()


@task
def flag_overdue_data_requests() -> int:
    """Close data requests never confirmed, and tell holders once about late ones."""
    from .data_requests import flag_overdue_requests, lapse_unconfirmed_requests

    lapse_unconfirmed_requests()
    return flag_overdue_requests()


def diagnostics_days() -> int:
    """How many days a row is kept: the operator's retention rule for diagnostics.

    TIMELIVE_DIAGNOSTICS_DAYS gave the rule its first value (the data migration
    privacy 0004) and is used only where the rule is missing.
    """
    days = RetentionRule.objects.filter(category=RetentionCategory.DIAGNOSTICS).values_list("days", flat=True).first()
    return settings.TIMELIVE_DIAGNOSTICS_DAYS if days is None else days


@task
def purge_diagnostics(batch: int = 5000) -> int:
    """Delete diagnostics rows older than the retention rule allows, a batch at a time.

    Idempotent: a second run finds nothing to delete. Returns the number deleted.
    apply_retention does the same on its daily run; this is the stand-alone purge.
    """
    from timelive.diagnostics.purge import purge_request_log

    cutoff = timezone.now() - dt.timedelta(days=diagnostics_days())
    return purge_request_log(cutoff, batch=batch)
