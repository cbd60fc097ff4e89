"""Deleting old rows of the request log. How old is the privacy center's retention rule: it calls this
(privacy.retention.apply_retention daily, privacy.tasks.purge_diagnostics on its own)."""

from .models import RequestRecord

BATCH = 5000


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
