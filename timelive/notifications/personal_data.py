"""Mail sent to the person, or about them, in the personal-data registry."""

from timelive.accounts.personal_data import any_address, mentions
from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import OutboxEmail


def mail_to(user):
    return OutboxEmail.objects.filter(to__iexact=user.email)


def export_mail(user):
    # Subjects and dates only: bodies may hold links with one-time keys (password resets, confirmations).
    for mail in mail_to(user).only("subject", "created_at", "sent_at", "attempts").order_by("created_at", "id"):
        status = "sent" if mail.sent_at else ("failed" if mail.attempts else "waiting")
        yield row(mail, "subject", "created_at", "sent_at", status=status)


def erase_mail(user):
    # Mail to any address the person used, the current one and every former one.
    OutboxEmail.objects.filter(any_address(user, "to")).delete()
    names = mentions(user)
    # Mail to others that names them ("Bob Example invited you...") stays, with the pseudonyms:
    # deleting it would lose a mail someone else is still waiting for.
    if not names:
        return
    for mail in OutboxEmail.objects.filter(names.lookup("subject", "body_text", "body_html")):
        redacted = [names.redact(text) for text in (mail.subject, mail.body_text, mail.body_html)]
        if redacted != [mail.subject, mail.body_text, mail.body_html]:
            mail.subject, mail.body_text, mail.body_html = redacted
            mail.subject = mail.subject[:200]
            mail.save(update_fields=["subject", "body_text", "body_html"])


personal_data(
    OutboxEmail, table="emails", export=export_mail, erase=erase_mail,
    note="Removed: every mail to the person's address, sent or waiting. Pseudonymised: mail to other people "
         "that names them (an invitation they sent) keeps its text with “Deleted user N” and the pseudonymous "
         "address instead of theirs.",
)
