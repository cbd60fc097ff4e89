from django.tasks import task

from .mail import MAX_ATTEMPTS, send_now
from .models import OutboxEmail


@task
def send_outbox_email(mail_id: int) -> bool:
    mail = OutboxEmail.objects.filter(pk=mail_id, sent_at=None).first()
    if mail is None:
        return True
    return send_now(mail)


@task
def retry_outbox() -> int:
    """Send mails whose first attempt failed or whose task was lost."""
    sent = 0
    pending = OutboxEmail.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
    for mail_id in list(pending[:500]):
        sent += bool(send_outbox_email.call(mail_id))
    return sent
