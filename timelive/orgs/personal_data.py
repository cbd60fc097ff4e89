"""Memberships, invitations and the audit log, in the personal-data registry.

An organisation itself holds no personal field (its name and settings are the
customer's business data).
"""

import re

from django.db import models
from django.db.models import Q

from timelive.accounts.personal_data import any_address, mentions, pseudonym_email
from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import AuditLog, Invitation, Membership

# Audit targets that are people (or a person's place in an organisation).
PERSON_TARGETS = ("user", "membership", "invitation")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
ANOTHER_ADDRESS = "(another person's address)"


def export_memberships(user):
    for membership in Membership.objects.filter(user=user).select_related("org").order_by("created_at", "id"):
        yield row(membership, "code", "org.name", "org.slug", "role", "is_active", "created_at", "custom_fields")


personal_data(
    Membership, table="memberships", export=export_memberships,
    erase=lambda user: Membership.objects.filter(user=user).update(is_active=False, custom_fields={}),
    note="Pseudonymised: the membership rows stay, inactive, with the values of the organisation's custom "
         "member fields cleared, so the organisation's records (who logged which hours in which role) stay whole; "
         "they point at the pseudonymised person.",
)


def invitations_of(user):
    """Invitations addressed to the person's address, or accepted by them (perhaps under an older address)."""
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def export_invitations(user):
    # The inviter is named by display name only: their address is their own personal data.
    for invitation in invitations_of(user).select_related("org", "invited_by").order_by("created_at", "id"):
        yield row(invitation, "code", "org.name", "email", "role", "created_at", "expires_at", "accepted_at",
                  "revoked_at", "status", invited_by=invitation.invited_by.full_name if invitation.invited_by else "")


def erase_invitations(user):
    # Their current address and every former one (a renamed person may still be invited under the old one).
    addresses = any_address(user, "email")
    # A pending invitation would let someone join with the address later: it goes.
    Invitation.objects.filter(addresses).pending().delete()
    # The others are the organisation's record of who joined or was asked to, kept under the pseudonymous address.
    Invitation.objects.filter(addresses | Q(accepted_by=user)).update(email=pseudonym_email(user))


personal_data(
    Invitation, table="invitations", export=export_invitations, erase=erase_invitations,
    note="Removed: invitations still pending to the person's address. Pseudonymised: accepted, withdrawn and "
         "expired invitations to them keep their dates and role as the organisation's record of who joined, "
         "with the pseudonymous address instead of theirs. Invitations they sent stay (they name someone else).",
)


def audit_rows_of(user):
    """What the person did, and what was done to their account, memberships or invitations."""
    memberships = Membership.objects.filter(user=user).values("code")
    invitations = invitations_of(user).values("code")
    return AuditLog.objects.filter(
        Q(actor=user)
        | Q(target_type="user", target_id=user.code)
        | Q(target_type="membership", target_id__in=memberships)
        | Q(target_type="invitation", target_id__in=invitations)
    )


def _own_targets(user) -> set[tuple[str, str]]:
    own = {("user", user.code)}
    own |= {("membership", code) for code in Membership.objects.filter(user=user).values_list("code", flat=True)}
    own |= {("invitation", code) for code in invitations_of(user).values_list("code", flat=True)}
    return own


def _other_addresses_hidden(value, own_email: str):
    """Details of an action may name someone else's address (whom one invited): shown as a placeholder."""
    if isinstance(value, str):
        return EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() == own_email.lower() else ANOTHER_ADDRESS, value)
    if isinstance(value, list):
        return [_other_addresses_hidden(item, own_email) for item in value]
    if isinstance(value, dict):
        return {key: _other_addresses_hidden(item, own_email) for key, item in value.items()}
    return value


def export_audit_log(user):
    own = _own_targets(user)
    rows = audit_rows_of(user).select_related("org", "actor").order_by("created_at", "id")
    for entry in rows:
        # A label naming another person (whom one removed, invited...) gives way to the kind of target.
        about_someone_else = entry.target_type in PERSON_TARGETS and (entry.target_type, entry.target_id) not in own
        label = f"another person's {entry.target_type}" if about_someone_else else entry.target_label
        yield row(entry, "created_at", "org.name", "event", "target_type",
                  event_label=entry.get_event_display(),
                  by="you" if entry.actor_id == user.pk else (entry.actor.full_name if entry.actor else ""),
                  target=_other_addresses_hidden(label, user.email),
                  details=_other_addresses_hidden(entry.details, user.email))


def redact_audit_log(user):
    """The log stays as evidence of who did what: its rows point at the
    pseudonymised person, and the labels and details that spell out their
    email or name (e.g. "Bob Example in Alpha Ltd (Member)") get the pseudonyms."""
    names = mentions(user)
    if not names:
        return
    for entry in AuditLog.objects.filter(names.lookup("target_label", "details")).only("pk", "target_label", "details"):
        label, details = names.redact(entry.target_label), names.redact(entry.details)
        if (label, details) != (entry.target_label, entry.details):
            # The audit log's queryset refuses every update, on purpose. Erasure
            # is the one change the law asks of it, so this bypasses the guard
            # with the plain QuerySet.update, for these two fields only.
            models.QuerySet.update(AuditLog.objects.filter(pk=entry.pk), target_label=label[:200], details=details)


personal_data(
    AuditLog, table="audit_log", export=export_audit_log, erase=redact_audit_log,
    note="Kept as evidence of who changed what (the organisation's and the operator's legitimate interest): rows "
         "stay and point at the pseudonymised person. Pseudonymised: wherever a label or detail spells out the "
         "person's email address or name, it is replaced by the pseudonymous address and “Deleted user N”.",
)
