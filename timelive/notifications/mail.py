from django.conf import settings
from django.db import transaction
from django.db.models import F
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


def send_now(mail: OutboxEmail) -> bool:
    """Hand one outbox mail to Django's email backend; record the outcome.

    No transaction is held while the mail server talks: the mail is claimed
    first (its attempt count moves on only if nobody else moved it), so two
    workers never send it twice, and a slow server never blocks the database.
    """
    from django.core.mail import EmailMultiAlternatives

    if mail.sent_at is not None:
        return True
    claimed = OutboxEmail.objects.filter(pk=mail.pk, sent_at=None, attempts=mail.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    mail.attempts += 1
    message = EmailMultiAlternatives(mail.subject, mail.body_text, settings.DEFAULT_FROM_EMAIL, [mail.to])
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # the backend's errors vary: SMTP, socket, TLS
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        OutboxEmail.objects.filter(pk=mail.pk).update(last_error=mail.last_error)
        return False
    mail.sent_at = timezone.now()
    mail.last_error = ""
    OutboxEmail.objects.filter(pk=mail.pk).update(sent_at=mail.sent_at, last_error="")
    return True
