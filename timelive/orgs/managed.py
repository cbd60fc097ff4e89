"""Managed accounts: an organisation that owns an email domain (set by the
operator as Organization.managed_domain) manages the accounts on it, as the
policy's "Managed accounts and administrators" says."""

from .models import Membership, Organization


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def managing_org(user) -> Organization | None:
    """The organisation that manages this person's account, if any: one with the
    person's email domain where the person is an active member."""
    domain = email_domain(user.email)
    if not domain:
        return None
    membership = (
        Membership.objects.filter(user=user, is_active=True, org__managed_domain__iexact=domain)
        .select_related("org").order_by("created_at").first()
    )
    return membership.org if membership else None


def admin_manages(acting_membership: Membership, user) -> bool:
    """May this admin act on the whole account (not just the membership)?"""
    if not acting_membership.is_admin:
        return False
    org = managing_org(user)
    return org is not None and org.pk == acting_membership.org_id
