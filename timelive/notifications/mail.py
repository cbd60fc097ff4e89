from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxEmail

# After this many failures the outbox stops retrying a mail.
MAX_ATTEMPTS = 8


def queue_mail(to: str, subject: str, template: str, context: dict) -> OutboxEmail:
    """Write a mail to the outbox and send it by a task once the transaction commits.

    `template` names `templates/emails/<template>.txt`; a matching `.html` is optional.
    """
    context = {"site_url": settings.SITE_URL, **context}
    body_text = render_to_string(f"emails/{template}.txt", context)
    try:
        body_html = render_to_string(f"emails/{template}.html", context)
    except Exception:  # no HTML version of this mail
        body_html = ""
    mail = OutboxEmail.objects.create(to=to, subject=subject, body_text=body_text, body_html=body_html)
    from .tasks import send_outbox_email

    transaction.on_commit(lambda: send_outbox_email.enqueue(mail.pk))
    return mail


def send_now(mail: OutboxEmail) -> bool:
    """Hand one outbox mail to Django's email backend; record the outcome."""
    from django.core.mail import EmailMultiAlternatives

    if mail.sent_at is not None:
        return True
    message = EmailMultiAlternatives(mail.subject, mail.body_text, settings.DEFAULT_FROM_EMAIL, [mail.to])
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    mail.attempts += 1
    try:
        message.send()
    except Exception as exc:  # the backend's errors vary: SMTP, socket, TLS
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        mail.save(update_fields=["attempts", "last_error"])
        return False
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["attempts", "last_error", "sent_at"])
    return True
