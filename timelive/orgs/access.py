"""The one door to tenant data.

Views and API handlers load organisations and their rows only through these
helpers. Someone outside the organisation gets 404 (so they cannot even learn
that a row exists); a member without the right role gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import ADMIN_ROLES, Invitation, Membership

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReadOnlyOrganization(PermissionDenied):
    """The organisation's trial has ended: data can be read and exported, not changed."""


def get_membership(request, slug: str, *, roles=None, write: bool | None = None) -> Membership:
    """The requesting person's active membership of organisation `slug`.

    Also sets request.org and request.membership. `roles` limits who may pass
    (403 for the others). Changes (`write`, by default any unsafe method) are
    refused while the organisation is read-only.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    token = getattr(request, "api_token", None)
    if token is not None and token.org_id is not None and token.org.slug != slug:
        raise Http404
    membership = (
        Membership.objects.select_related("org")
        .filter(org__slug=slug, user=user, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    # Set before the checks below, so that a 403 page still shows the organisation's menu.
    request.org = membership.org
    request.membership = membership
    if roles is not None and membership.role not in roles:
        raise PermissionDenied("Your role in this organisation does not allow this.")
    if write is None:
        write = request.method not in SAFE_METHODS
    if write and membership.org.is_read_only:
        raise ReadOnlyOrganization(
            f"The trial of {membership.org.name} has ended, so it is read-only. "
            "You can still see and export your data."
        )
    return membership


def get_admin_membership(request, slug: str, **kwargs) -> Membership:
    return get_membership(request, slug, roles=ADMIN_ROLES, **kwargs)


def get_member_for_user(request, code: str) -> Membership:
    """A membership of the organisation already loaded on request (by get_membership).

    Removed members are found only by administrators (who may restore them);
    for everyone else they are no longer colleagues, so 404.
    """
    members = Membership.objects.select_related("user", "org").filter(org=request.org, code=code)
    if not request.membership.is_admin:
        members = members.filter(is_active=True)
    membership = members.first()
    if membership is None:
        raise Http404
    return membership


def get_invitation_for_user(request, code: str) -> Invitation:
    invitation = Invitation.objects.select_related("org").filter(org=request.org, code=code).first()
    if invitation is None:
        raise Http404
    return invitation


# Figures other apps show in the page shell for each of a person's organisations (the sidebar's
# Approvals count), registered from their AppConfig.ready(): name -> a function returning a
# subquery over the Membership row. They ride on the switcher's one query, so no page pays more.
shell_figures = {}


def user_memberships(user, *, with_figures=False):
    """The person's active memberships, for the organisation switcher; `with_figures` annotates each
    with the shell_figures."""
    memberships = Membership.objects.select_related("org").filter(user=user, is_active=True)
    if with_figures:
        memberships = memberships.annotate(**{name: make() for name, make in shell_figures.items()})
    return memberships.order_by("org__name", "org_id")


def tenant_row(queryset, **lookup):
    """The one row of `queryset` matching `lookup`, or 404: each app's own access helpers end here."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404
    return row


# Writes of one person's time and expenses.


def lock_member(org_id: int, user_ids) -> None:
    """Make the writes of these people in this organisation wait for each other (and for a
    submission of their time), so that a check and the write it allows are never split by
    another writer: the membership rows stay locked until the transaction ends. One query.

    Must run inside a transaction, before any other row of the person's is locked (the
    submission takes the same lock first, too). On SQLite every write transaction already holds
    the database's write lock from its start (transaction_mode IMMEDIATE), so it asks nothing."""
    from django.db import connection

    if not connection.features.has_select_for_update:
        return
    if isinstance(user_ids, int):
        user_ids = [user_ids]
    # In one order, so that two batches naming the same people cannot deadlock.
    list(Membership.objects.select_for_update().filter(org_id=org_id, user_id__in=set(user_ids))
         .order_by("pk").values_list("pk", flat=True))
