import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from .models import RequestRecord

BATCH = 5000


def diagnostics_days() -> int:
    """How many days a row is kept: the operator's retention rule for diagnostics.

    TIMELIVE_DIAGNOSTICS_DAYS gave the rule its first value (the data migration
    privacy 0004) and is used only where the rule is missing.
    """
    from timelive.privacy.models import RetentionCategory, RetentionRule

    days = RetentionRule.objects.filter(category=RetentionCategory.DIAGNOSTICS).values_list("days", flat=True).first()
    return settings.TIMELIVE_DIAGNOSTICS_DAYS if days is None else days


def purge_request_log(cutoff, *, batch: int = BATCH, dry_run: bool = False) -> int:
    """Delete rows older than `cutoff`, `batch` at a time (each DELETE its own
    transaction). Returns how many were deleted, or would be with `dry_run`."""
    old = RequestRecord.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted = 0
    while True:
        ids = list(old.order_by().values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += RequestRecord.objects.filter(pk__in=ids).delete()[0]


@task
def purge_diagnostics(batch: int = BATCH) -> int:
    """Delete diagnostics rows older than the retention rule allows, a batch at a time.

    Idempotent: a second run finds nothing to delete. Returns the number deleted.
    apply_retention does the same on its daily run; this is the stand-alone purge.
    """
    cutoff = timezone.now() - dt.timedelta(days=diagnostics_days())
    return purge_request_log(cutoff, batch=batch)
