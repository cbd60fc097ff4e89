import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from .models import RequestRecord

BATCH = 5000


@task
def purge_diagnostics(batch: int = BATCH) -> int:
    """Delete diagnostics rows older than TIMELIVE_DIAGNOSTICS_DAYS, a batch at a time.

    Idempotent: a second run finds nothing to delete. Returns the number deleted.
    """
    cutoff = timezone.now() - dt.timedelta(days=settings.TIMELIVE_DIAGNOSTICS_DAYS)
    deleted = 0
    while True:
        ids = list(RequestRecord.objects.filter(at__lt=cutoff).order_by().values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += RequestRecord.objects.filter(pk__in=ids).delete()[0]
