"""Finding a person's former addresses and names, as written, before erasing them.

Only keyed hashes of former values are stored (timelive/accounts/former.py).
Before erasure, the texts that may hold them are read once and every address
and run of words is compared with those hashes; what matches becomes one more
value for the erasers to remove, exactly like the current email and name.
"""

import datetime as dt
import html

from django.conf import settings
from django.contrib.admin.models import LogEntry

from timelive.accounts.former import FormerMatcher
from timelive.notifications.models import OutboxEmail
from timelive.orgs.models import AuditLog, Invitation


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def former_values(user) -> tuple[set[str], set[str]]:
    """(addresses, names) the person used before, as they appear in the database."""
    matcher = FormerMatcher(user)
    if not matcher:
        return set(), set()
    # Addresses stand alone in these columns, whoever wrote them and whenever.
    for address in Invitation.objects.values_list("email", flat=True).distinct().iterator():
        matcher.feed(address)
    for address in OutboxEmail.objects.values_list("to", flat=True).distinct().iterator():
        matcher.feed(address)
    # Text naming the person was written after they were first invited or joined.
    since = user.date_joined - dt.timedelta(days=settings.TIMELIVE_INVITATION_DAYS + 1)
    for label, details in AuditLog.objects.filter(created_at__gte=since).values_list(
            "target_label", "details").iterator(chunk_size=2000):
        matcher.feed(label)
        for text in _strings(details):
            matcher.feed(text)
    for subject, text, body_html in OutboxEmail.objects.filter(created_at__gte=since).values_list(
            "subject", "body_text", "body_html").iterator(chunk_size=500):
        matcher.feed(subject)
        matcher.feed(text)
        matcher.feed(html.unescape(body_html))
    for object_repr, message in LogEntry.objects.filter(action_time__gte=since).values_list(
            "object_repr", "change_message").iterator(chunk_size=2000):
        matcher.feed(object_repr)
        matcher.feed(message)
    return matcher.emails, matcher.names
