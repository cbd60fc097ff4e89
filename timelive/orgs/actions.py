"""Audited changes to organisations, memberships and invitations.

Each action runs in one transaction and writes an AuditLog row; mail is queued
to go out once the transaction commits.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from timelive.lib.codes import hash_secret, new_code, new_secret
from timelive.notifications.mail import queue_mail

from .models import AuditEvent, AuditLog, Invitation, Membership, Organization, Plan, Role
from .signals import announce_after_commit, member_joined, member_left, org_created

RESERVED_SLUGS = {"admin", "api", "account", "accounts", "static", "media", "new", "setup", "operator", "o"}


class ActionError(Exception):
    """A change that the rules do not allow; the message is for the person."""


def audit(org, actor, event, target=None, **details) -> AuditLog:
    target_type = target_id = target_label = ""
    if target is not None:
        target_type = target._meta.model_name
        target_id = str(getattr(target, "code", None) or target.pk)
        target_label = str(target)[:200]
    return AuditLog.objects.create(
        org=org,
        actor=actor if actor is not None and actor.is_authenticated else None,
        event=event,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        details=details,
    )


def unique_slug(name: str) -> str:
    base = slugify(name)[:40].strip("-") or "org"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{new_code(4)}"
    return slug


@transaction.atomic
def do_create_organization(name, owner, *, time_zone="UTC", currency="USD", edition=None) -> Organization:
    edition = edition or settings.TIMELIVE_EDITION
    org = Organization(name=name, slug=unique_slug(name), time_zone=time_zone, currency=currency)
    if edition == "onprem":
        org.plan = Plan.ONPREM
    else:
        org.start_trial()
    org.save()
    membership = Membership.objects.create(org=org, user=owner, role=Role.OWNER)
    audit(org, owner, AuditEvent.ORG_CREATED, org, plan=org.plan, edition=edition)
    audit(org, owner, AuditEvent.MEMBER_JOINED, membership, role=Role.OWNER)
    org_created.send(sender=Organization, org=org, owner=owner)
    return org


def json_value(value):
    """A value as the audit log's JSON details can hold it: dates as ISO text, decimals as text."""
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@transaction.atomic
def do_change_org_settings(org, changes: dict, *, acting_user) -> dict:
    """Save `changes` ({field: new value}) on org, recording old and new values. Returns what changed."""
    recorded = {}
    for field, value in changes.items():
        old = getattr(org, field)
        if old != value:
            # Dates and the like are kept as text: the audit log's details are JSON.
            recorded[field] = {"old": json_value(old), "new": json_value(value)}
            setattr(org, field, value)
    if recorded:
        org.save(update_fields=list(recorded))
        audit(org, acting_user, AuditEvent.ORG_SETTINGS_CHANGED, org, changes=recorded)
    return recorded


@transaction.atomic
def do_change_org_plan(org, plan, *, acting_user, trial_ends_at=None) -> None:
    old = {"plan": org.plan, "trial_ends_at": org.trial_ends_at.isoformat() if org.trial_ends_at else None}
    org.plan = plan
    if plan == Plan.TRIAL:
        org.trial_ends_at = trial_ends_at or timezone.now() + dt.timedelta(days=settings.TIMELIVE_TRIAL_DAYS)
    org.save(update_fields=["plan", "trial_ends_at"])
    new = {"plan": org.plan, "trial_ends_at": org.trial_ends_at.isoformat() if org.trial_ends_at else None}
    audit(org, acting_user, AuditEvent.ORG_PLAN_CHANGED, org, old=old, new=new)


class InvitationLimitReached(ActionError):
    """Too many invitations in a window; the message says when to try again."""


@dataclass(frozen=True)
class InvitationLimit:
    scope: str  # "organisation" or "inviter"
    count: int
    window: int  # seconds


# Every invitation is a mail to an address someone typed: a new trial
# organisation must not become a way to mail strangers in bulk. Counted from
# the invitation rows themselves, so every web worker sees the same numbers.
_SUBSCRIBED_LIMITS = (
    InvitationLimit("organisation", 100, 3600), InvitationLimit("organisation", 500, 86400),
    InvitationLimit("inviter", 50, 3600), InvitationLimit("inviter", 200, 86400),
)
INVITATION_LIMITS = {
    Plan.TRIAL: (
        InvitationLimit("organisation", 10, 3600), InvitationLimit("organisation", 30, 86400),
        InvitationLimit("inviter", 10, 3600), InvitationLimit("inviter", 30, 86400),
    ),
    Plan.SUBSCRIBED: _SUBSCRIBED_LIMITS,
    Plan.ONPREM: _SUBSCRIBED_LIMITS,
}


def check_invitation_limits(org, inviter, now) -> None:
    for limit in INVITATION_LIMITS.get(org.plan, _SUBSCRIBED_LIMITS):
        sent = Invitation.objects.filter(org=org, created_at__gt=now - dt.timedelta(seconds=limit.window))
        if limit.scope == "inviter":
            sent = sent.filter(invited_by=inviter)
        if sent.count() >= limit.count:
            period = "hour" if limit.window == 3600 else "day"
            who = f"{org.name} has" if limit.scope == "organisation" else "You have"
            raise InvitationLimitReached(
                f"Too many invitations: {who} sent {limit.count} in the last {period}, the most allowed"
                f"{' during a trial' if org.is_trial else ''}. Please try again later"
                f"{' (in an hour at most)' if period == 'hour' else ' (tomorrow)'}."
            )


def check_names_for_mail(org, inviter) -> None:
    """The organisation's and the inviter's names go into the mail: plain names only."""
    from timelive.accounts.validators import is_mail_safe_name

    if not is_mail_safe_name(org.name):
        raise ActionError("The organisation's name contains a web address or a line break, which cannot go into "
                          "an invitation mail. Change it under Settings first.")
    if not is_mail_safe_name(inviter.full_name):
        raise ActionError("Your name contains a web address or a line break, which cannot go into an invitation "
                          "mail. Change it in your profile first.")


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("orgs:accept_invitation", args=[token])


@transaction.atomic
def do_invite_member(org, email, role, *, acting_user) -> tuple[Invitation, str]:
    """Invite `email` (any earlier pending invitation to the same address is
    replaced). Returns the invitation and the raw token for the link."""
    email = email.strip().lower()
    if Membership.objects.filter(org=org, user__email=email, is_active=True).exists():
        raise ActionError(f"{email} is already a member of {org.name}.")
    if role == Role.OWNER and not acting_user_is_owner(org, acting_user):
        raise ActionError("Only an owner can invite another owner.")
    check_names_for_mail(org, acting_user)
    # The organisation's row is locked so that invitations sent at once are counted one after another.
    org = Organization.objects.select_for_update().get(pk=org.pk)
    now = timezone.now()
    check_invitation_limits(org, acting_user, now)
    Invitation.objects.filter(org=org, email=email).pending().update(revoked_at=now)
    token = new_secret()
    invitation = Invitation.objects.create(
        org=org,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=acting_user,
        expires_at=now + dt.timedelta(days=settings.TIMELIVE_INVITATION_DAYS),
    )
    audit(org, acting_user, AuditEvent.INVITATION_SENT, invitation, email=email, role=role)
    queue_mail(
        email,
        f"{acting_user.full_name} invited you to {org.name} on TimeLive",
        "invitation",
        {"org": org, "inviter": acting_user, "role": invitation.get_role_display(),
         "url": invitation_url(token), "expires_at": invitation.expires_at},
    )
    return invitation, token


def acting_user_is_owner(org, user) -> bool:
    return Membership.objects.filter(org=org, user=user, role=Role.OWNER, is_active=True).exists()


@transaction.atomic
def do_revoke_invitation(invitation, *, acting_user) -> None:
    if invitation.status != "pending":
        raise ActionError("This invitation is no longer pending.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(invitation.org, acting_user, AuditEvent.INVITATION_REVOKED, invitation, email=invitation.email)


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("org", "invited_by").filter(token_hash=hash_secret(token)).first()


def _lock_pending_invitation(invitation) -> Invitation:
    # Lock the row so that two clicks cannot both use a single-use link.
    invitation = Invitation.objects.select_for_update().select_related("org").get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ActionError(f"{invitation.problem} Ask {invitation.org.name}'s administrator for a new one.")
    if invitation.org.is_read_only:
        raise ActionError(f"The trial of {invitation.org.name} has ended, so it is read-only and nobody can join now.")
    return invitation


@transaction.atomic
def do_accept_invitation(invitation, user) -> Membership:
    invitation = _lock_pending_invitation(invitation)
    if invitation.email != user.email:
        raise ActionError(f"This invitation was sent to {invitation.email}. Log in with that address to accept it.")
    now = timezone.now()
    membership, created = Membership.objects.get_or_create(
        org=invitation.org, user=user, defaults={"role": invitation.role}
    )
    if not created and not membership.is_active:
        # A removed member comes back with the role they were invited to.
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    # An active member keeps their role: a stale invitation must not demote an owner.
    if user.email_verified_at is None:
        # Following the emailed link proves the address is theirs.
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(invitation.org, user, AuditEvent.INVITATION_ACCEPTED, invitation, email=invitation.email)
    audit(invitation.org, user, AuditEvent.MEMBER_JOINED, membership, role=membership.role)
    announce_after_commit(member_joined, membership)
    return membership


@transaction.atomic
def do_accept_invitation_as_new_user(invitation, *, full_name, password):
    """Create the invited person's account and accept, all or nothing.

    The invitation is locked first, so a double submit cannot create the
    account twice or leave an account without its membership.
    """
    from timelive.accounts.models import User

    invitation = _lock_pending_invitation(invitation)
    if User.objects.filter(email=invitation.email).exists():
        raise ActionError(f"An account for {invitation.email} already exists. Log in to accept the invitation.")
    user = User.objects.create_user(invitation.email, password, full_name=full_name, time_zone=invitation.org.time_zone)
    membership = do_accept_invitation(invitation, user)
    return user, membership


def _other_active_owners(membership) -> int:
    """How many owners besides `membership` can still run the organisation."""
    # Lock the owners' rows so that two owners cannot demote each other at once.
    owners = Membership.objects.select_for_update(of=("self",)).filter(
        org=membership.org, role=Role.OWNER, is_active=True, user__is_active=True
    )
    return len(owners.exclude(pk=membership.pk).values_list("pk", flat=True))


def _acting_membership(org, acting_user) -> Membership:
    return Membership.objects.get(org=org, user=acting_user, is_active=True)


@transaction.atomic
def do_change_role(membership, role, *, acting_user) -> None:
    acting = _acting_membership(membership.org, acting_user)
    # Re-read under lock: the page may be stale, and two admins may click at once.
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old = membership.role
    if old == role:
        return
    if not membership.is_active:
        raise ActionError("This person has been removed. Restore their access before changing their role.")
    if Role.OWNER in (old, role) and acting.role != Role.OWNER:
        raise ActionError("Only an owner can make someone an owner or change an owner's role.")
    if old == Role.OWNER and _other_active_owners(membership) == 0:
        raise ActionError("An organisation needs at least one owner. Make someone else an owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    audit(membership.org, acting_user, AuditEvent.MEMBER_ROLE_CHANGED, membership, old=old, new=role)


@transaction.atomic
def do_remove_member(membership, *, acting_user) -> None:
    """Take away access; the person's entries and comments stay with the organisation."""
    acting = _acting_membership(membership.org, acting_user)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ActionError(f"{membership.user} has already been removed.")
    if membership.role == Role.OWNER:
        if acting.role != Role.OWNER:
            raise ActionError("Only an owner can remove an owner.")
        if _other_active_owners(membership) == 0:
            raise ActionError("An organisation needs at least one owner. Make someone else an owner first.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit(membership.org, acting_user, AuditEvent.MEMBER_REMOVED, membership, role=membership.role)
    announce_after_commit(member_left, membership)


@transaction.atomic
def do_restore_member(membership, *, acting_user) -> None:
    acting = _acting_membership(membership.org, acting_user)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        raise ActionError(f"{membership.user} already has access.")
    # Giving an owner their access back is giving owner rights: owners only.
    if membership.role == Role.OWNER and acting.role != Role.OWNER:
        raise ActionError("Only an owner can restore an owner.")
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    audit(membership.org, acting_user, AuditEvent.MEMBER_RESTORED, membership, role=membership.role)
    announce_after_commit(member_joined, membership)
