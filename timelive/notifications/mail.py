import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxEmail

# After this many failures the outbox stops retrying a mail.
MAX_ATTEMPTS = 8


def queue_mail(to: str, subject: str, template: str, context: dict, *, automated: bool = False,
               recipient=None) -> OutboxEmail | None:
    """Write a mail to the outbox and send it by a task once the transaction commits.

    `template` names `templates/emails/<template>.txt`; a matching `.html` is optional.

    An `automated` notification (a reminder, a digest, "you were mentioned") names its
    `recipient`, a User, and is not sent (None) when their data may not be processed
    for notifications: a restricted or deactivated account. Mail the person asked for
    or needs for their security (password reset, confirmations, notices about their
    account and their data requests) is not automated and always goes.
    """
    if automated:
        from timelive.privacy.core.processing import NOTIFICATIONS, may_process

        if recipient is None:
            raise ValueError("An automated notification needs its recipient, to check that it may be sent.")
        if not may_process(recipient, NOTIFICATIONS):
            return None
    context = {"site_url": settings.SITE_URL, **context}
    body_text = render_to_string(f"emails/{template}.txt", context)
    try:
        body_html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:  # this mail has no HTML version
        body_html = ""
    mail = OutboxEmail.objects.create(to=to, subject=subject, body_text=body_text, body_html=body_html)
    from .tasks import send_outbox_email

    transaction.on_commit(lambda: send_outbox_email.enqueue(mail.pk))
    return mail


# How long a sender may take to hand a mail to the server before another may try it.
LEASE = dt.timedelta(minutes=5)


def _free(now) -> Q:
    """Mails nobody is sending now: never claimed, or their sender's lease ran out."""
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim_waiting(limit: int) -> list[int]:
    """Claim up to `limit` waiting mails for this sender (oldest first) and return their ids.

    On PostgreSQL rows another sender is claiming at this instant are skipped, not waited for;
    on SQLite the write transaction runs alone anyway."""
    now = timezone.now()
    with transaction.atomic():
        waiting = OutboxEmail.objects.filter(_free(now), sent_at=None, attempts__lt=MAX_ATTEMPTS).order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        ids = list(waiting.values_list("pk", flat=True)[:limit])
        if ids:
            OutboxEmail.objects.filter(pk__in=ids).update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
    return ids


def claim(mail_id: int) -> bool:
    """Claim one mail for this sender: True unless it is sent or someone else holds its lease."""
    now = timezone.now()
    return bool(OutboxEmail.objects.filter(_free(now), pk=mail_id, sent_at=None).update(
        claimed_until=now + LEASE, attempts=F("attempts") + 1))


def send_now(mail: OutboxEmail) -> bool:
    """Hand one outbox mail to Django's email backend; record the outcome.

    No transaction is held while the mail server talks: the mail is claimed
    first with a lease (claimed_until), so no other sender takes it while this
    one is sending, and a slow server never blocks the database.
    """
    if mail.sent_at is not None:
        return True
    if not claim(mail.pk):
        return False
    mail.attempts += 1
    return deliver(mail)


def deliver(mail: OutboxEmail) -> bool:
    """Send a mail this sender has claimed, then record the outcome and end the lease."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(mail.subject, mail.body_text, settings.DEFAULT_FROM_EMAIL, [mail.to])
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # the backend's errors vary: SMTP, socket, TLS
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        # Free again: the next retry pass tries it.
        OutboxEmail.objects.filter(pk=mail.pk).update(last_error=mail.last_error, claimed_until=None)
        return False
    mail.sent_at = timezone.now()
    mail.last_error = ""
    OutboxEmail.objects.filter(pk=mail.pk).update(sent_at=mail.sent_at, last_error="", claimed_until=None)
    return True
