"""Publishing policy versions, acknowledging them, and recording consent.

Each action runs in one transaction; mail is queued once it commits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from timelive.notifications.mail import queue_mail
from timelive.orgs.actions import ActionError, audit
from timelive.orgs.models import AuditEvent

from .models import (
    ConsentMethod,
    ConsentRecord,
    PolicyAcceptance,
    PolicyChangeMail,
    PolicyKind,
    PolicyVersion,
    Purpose,
)

# People mailed per transaction when a significant version is published.
MAIL_BATCH_SIZE = 500

__all__ = ["ActionError", "do_acknowledge_policy", "do_publish_policy_version", "do_record_consent",
           "send_policy_change_mails"]


@transaction.atomic
def do_publish_policy_version(version: PolicyVersion, *, acting_user) -> PolicyVersion:
    """Publish a draft: from now on it cannot change. A significant version is
    mailed to every active user once the transaction commits."""
    version = PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    if version.is_published:
        raise ActionError(f"{version} is already published.")
    now = timezone.now()
    moved = None
    # Nothing published today can have been in force yesterday.
    if version.effective_at < now:
        moved = version.effective_at.isoformat()
        version.effective_at = now
    latest = PolicyVersion.objects.published().filter(document=version.document).order_by("-effective_at").first()
    # The archive reads as a history: a new version cannot take effect before the one it replaces.
    if latest is not None and version.effective_at <= latest.effective_at:
        raise ActionError(
            f"{version} would take effect before {latest.label}, which is already published. Choose a later date."
        )
    version.published_at = now
    version.save()
    audit(None, acting_user, AuditEvent.OPERATOR_CHANGE, version, action="publish", model=version._meta.label,
          effective_at=version.effective_at.isoformat(), significant=version.significant,
          **({"effective_at_was": moved} if moved else {}))
    if version.significant:
        from .tasks import mail_policy_change

        transaction.on_commit(lambda: mail_policy_change.enqueue(version.pk))
    return version


def do_acknowledge_policy(user, version: PolicyVersion) -> PolicyAcceptance:
    """Record that `user` has read `version` (idempotent: the first time counts)."""
    if not version.is_published:
        raise ActionError("This version is not published.")
    existing = PolicyAcceptance.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PolicyAcceptance.objects.create(user=user, version=version)
    except IntegrityError:  # a double click raced us
        return PolicyAcceptance.objects.get(user=user, version=version)


@transaction.atomic
def do_record_consent(user, purpose, granted: bool, *, method=ConsentMethod.CONSENT_PAGE, source="") -> ConsentRecord | None:
    """Append a grant or withdrawal of `purpose` for `user`, tied to the privacy
    policy in force. Returns None when it would not change the current choice."""
    if purpose not in Purpose.values:
        raise ActionError("Unknown purpose.")
    if method not in ConsentMethod.values:
        raise ActionError("Unknown method.")
    # Lock the person's row so two clicks at once append one row, not two.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    latest = ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-at", "-id").first()
    if bool(latest and latest.granted) == bool(granted):
        return None
    return ConsentRecord.objects.create(
        user=user,
        purpose=purpose,
        granted=bool(granted),
        policy_version=PolicyVersion.objects.current(PolicyKind.PRIVACY),
        method=method,
        source=source[:200],
    )


def send_policy_change_mails(version_id: int, *, batch_size: int = MAIL_BATCH_SIZE) -> int:
    """Mail every active user about a published significant version, once each.

    Safe to run again (after a crash, or twice at once): who was mailed is
    recorded with the mail, in the same transaction, batch by batch.
    Returns the number of mails queued by this run.
    """
    from timelive.accounts.models import User

    version = (
        PolicyVersion.objects.published().filter(pk=version_id, significant=True).select_related("document").first()
    )
    if version is None:
        return 0
    url = settings.SITE_URL + version.get_absolute_url()
    queued, last_id = 0, 0
    while True:
        people = list(
            User.objects.filter(is_active=True, pk__gt=last_id).order_by("pk").values_list("pk", "email", "full_name")[
                :batch_size
            ]
        )
        if not people:
            return queued
        last_id = people[-1][0]
        with transaction.atomic():
            # Serialises concurrent runs for this version, so no one is mailed twice.
            PolicyVersion.objects.select_for_update().filter(pk=version.pk).first()
            done = set(
                PolicyChangeMail.objects.filter(version=version, user_id__in=[p[0] for p in people]).values_list(
                    "user_id", flat=True
                )
            )
            todo = [p for p in people if p[0] not in done]
            PolicyChangeMail.objects.bulk_create([PolicyChangeMail(version=version, user_id=p[0]) for p in todo])
            for _pk, email, full_name in todo:
                queue_mail(
                    email,
                    f"We changed our {version.document.title.lower()}",
                    "policy_changed",
                    {"name": full_name, "version": version, "document": version.document, "url": url},
                )
            queued += len(todo)
