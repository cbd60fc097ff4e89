"""Deleting an account: the person is replaced in place by "Deleted user N".

The policy promises two things at once: what a person adds stays visible to
their teammates, and a deleted person's name, email, contact details, picture
and profile are gone. So nothing is deleted row by row from the organisations'
records; every registered eraser (timelive/privacy/registry.py) removes or
pseudonymises what it holds, and the user row itself becomes a pseudonym.

Self-deletion waits a grace period (TIMELIVE_DELETION_GRACE_DAYS, 7 by default)
during which the person can cancel; `delete_due_accounts` (scheduled) then
deletes. Each erasure is appended to a log outside the database
(TIMELIVE_ERASURE_LOG) so that `manage.py replay_erasures` can apply it again
after an older backup is restored.
"""

import datetime as dt
import json
import logging
import os

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from timelive.accounts.models import User
from timelive.orgs.actions import audit
from timelive.orgs.models import AuditEvent, Membership, Role

from .core import registry

log = logging.getLogger(__name__)


class DeletionRefused(Exception):
    """A deletion that cannot go ahead; the text says why and what to do."""


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=settings.TIMELIVE_DELETION_GRACE_DAYS)


def orgs_left_without_owner(user) -> list[str]:
    """Names of organisations where `user` is the last active owner while others still work there."""
    names = []
    owned = Membership.objects.filter(user=user, role=Role.OWNER, is_active=True).select_related("org")
    for membership in owned:
        others = Membership.objects.filter(org=membership.org, is_active=True, user__is_active=True).exclude(user=user)
        if others.exists() and not others.filter(role=Role.OWNER).exists():
            names.append(membership.org.name)
    return names


def check_deletable(user) -> None:
    if user.is_deleted:
        raise DeletionRefused("This account has already been deleted.")
    orphaned = orgs_left_without_owner(user)
    if orphaned:
        names = ", ".join(orphaned)
        raise DeletionRefused(
            f"You are the last owner of {names}. Make another member an owner first (Team → the member → Role), "
            "so that the organisation and your teammates' work are not left without anyone to run them."
            if len(orphaned) == 1 else
            f"You are the last owner of these organisations: {names}. Make another member an owner of each first, "
            "so that they and your teammates' work are not left without anyone to run them."
        )


def _audit_everywhere(user, actor, event, **details):
    """One audit row in each organisation the person belongs to (or one without an organisation)."""
    org_ids = list(Membership.objects.filter(user=user).values_list("org_id", flat=True))
    from timelive.orgs.models import Organization

    orgs = list(Organization.objects.filter(pk__in=org_ids)) or [None]
    for org in orgs:
        audit(org, actor, event, user, **details)


@transaction.atomic
def do_schedule_deletion(user) -> dt.datetime:
    """The person asked to delete their own account: it goes after the grace period."""
    user = User.objects.select_for_update().get(pk=user.pk)
    check_deletable(user)
    if user.deletion_due_at is not None:
        raise DeletionRefused(
            f"Your account is already due to be deleted on {user.deletion_due_at:%-d %B %Y at %H:%M} UTC. "
            "You can cancel that on this page."
        )
    user.deletion_due_at = timezone.now() + grace_period()
    user.save(update_fields=["deletion_due_at"])
    _audit_everywhere(user, user, AuditEvent.ACCOUNT_DELETION_SCHEDULED, due_at=user.deletion_due_at.isoformat())
    from timelive.notifications.mail import queue_mail

    queue_mail(user.email, "Your TimeLive account will be deleted", "account_deletion_scheduled",
               {"user": user, "due_at": user.deletion_due_at})
    return user.deletion_due_at


@transaction.atomic
def do_cancel_deletion(user) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_deleted:
        raise DeletionRefused("This account has already been deleted; it cannot be restored.")
    if user.deletion_due_at is None:
        raise DeletionRefused("Your account is not due to be deleted; there is nothing to cancel.")
    user.deletion_due_at = None
    user.save(update_fields=["deletion_due_at"])
    _audit_everywhere(user, user, AuditEvent.ACCOUNT_DELETION_CANCELLED)


def append_to_erasure_log(user, erased_at) -> None:
    """One JSON line per erasure: the pseudonymous code and id, never the name or email."""
    path = settings.TIMELIVE_ERASURE_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"user": user.code, "id": user.pk, "erased_at": erased_at.isoformat()}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_erasure_log() -> list[dict]:
    path = settings.TIMELIVE_ERASURE_LOG
    if not path.exists():
        return []
    entries = []
    with path.open() as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("Erasure log line %s is not JSON; skipped.", number)
    return entries


def _send_completion_mail(address: str) -> None:
    """Sent straight to the old address, not through the outbox, so no copy of it stays behind."""
    body = render_to_string("emails/account_deleted.txt", {"site_url": settings.SITE_URL})
    try:
        EmailMessage("Your TimeLive account has been deleted", body, to=[address]).send()
    except Exception:  # the deletion stands even if the mail server is away
        log.exception("Could not send the account deletion notice.")


def do_delete_account(user, *, acting_user=None, org=None, reason: str = "") -> User:
    """Pseudonymise the account now. `acting_user` None means the system (grace period, retention)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        check_deletable(user)
        old_address = user.email
        registry.erase_person(user)
        user.refresh_from_db()
        # After erasure, so the audit rows name only the pseudonym.
        by = "self" if acting_user == user else ("system" if acting_user is None else "administrator")
        _audit_everywhere(user, acting_user, AuditEvent.ACCOUNT_DELETED, by=by, reason=reason[:200])
        erased_at = user.deleted_at
        append_to_erasure_log(user, erased_at)
        if old_address:
            transaction.on_commit(lambda: _send_completion_mail(old_address))
    return user


def due_for_deletion(now=None):
    return User.objects.filter(deletion_due_at__lte=now or timezone.now(), deleted_at=None).order_by("deletion_due_at")


def delete_due_accounts(*, now=None, dry_run=False) -> int:
    """Delete accounts whose grace period is over. A refusal (say, the person became the
    last owner meanwhile) keeps the account due and is told to the person, once a day at most."""
    due = list(due_for_deletion(now))
    if dry_run:
        return len(due)
    deleted = 0
    for user in due:
        try:
            do_delete_account(user, acting_user=None, reason="The person asked for it; the grace period is over.")
            deleted += 1
        except DeletionRefused as refusal:
            log.warning("Deletion of user %s postponed: %s", user.pk, refusal)
    return deleted


def replay_erasures(*, dry_run=False) -> tuple[int, int]:
    """Erase again every logged account that is back (a restored backup). Returns (logged, erased now)."""
    entries = read_erasure_log()
    codes = {entry["user"] for entry in entries if entry.get("user")}
    back = list(User.objects.filter(code__in=codes, deleted_at=None))
    if not dry_run:
        for user in back:
            # No audit, checks or mail: the person was deleted before; this only restores that fact.
            with transaction.atomic():
                registry.erase_person(user)
    return len(codes), len(back)
