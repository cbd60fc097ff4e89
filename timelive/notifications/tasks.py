from django.tasks import task

from .mail import claim_waiting, deliver, send_now
from .models import OutboxEmail

RETRY_BATCH = 500


@task
def send_outbox_email(mail_id: int) -> bool:
    mail = OutboxEmail.objects.filter(pk=mail_id, sent_at=None).first()
    if mail is None:
        return True
    return send_now(mail)


@task
def retry_outbox() -> int:
    """Send mails whose first attempt failed or whose task was lost: those nobody is sending now
    (no lease, or an expired one), each claimed before it is sent."""
    sent = 0
    for mail in OutboxEmail.objects.filter(pk__in=claim_waiting(RETRY_BATCH)).order_by("created_at", "pk"):
        sent += deliver(mail)
    return sent
