"""Endpoints about the caller and their organisations."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router

from timelive.orgs.access import get_membership, user_memberships
from timelive.orgs.models import Membership

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, responses
from .schemas import MemberList, MeOut, OrgList, OrgOut, OrgSlug, PageParams

router = Router(tags=["Me and my organisations"])


def me_out(user) -> dict:
    return {
        "id": user.code, "email": user.email, "full_name": user.full_name, "time_zone": user.time_zone,
        "email_verified": user.is_email_verified, "job_title": user.job_title, "department": user.department,
        "phone": user.phone, "mobile": user.mobile,
    }


def org_out(membership) -> dict:
    org = membership.org
    return {
        "slug": org.slug, "name": org.name, "time_zone": org.time_zone, "currency": org.currency,
        "week_start": org.week_start, "plan": org.plan, "trial_ends_at": org.trial_ends_at,
        "read_only": org.is_read_only, "role": membership.role,
    }


def member_out(membership) -> dict:
    user = membership.user
    return {
        "id": membership.code, "user": user.code, "full_name": user.full_name, "email": user.email,
        "role": membership.role, "is_active": membership.is_active, "job_title": user.job_title,
        "department": user.department,
    }


@router.get("/me", operation_id="get_me",
            summary="Who am I", **responses({200: MeOut}, {401: NOT_AUTHENTICATED}))
def me(request):
    """Your own profile: the person the token (or browser session) belongs to.

    Errors: 401 when the credentials are missing or not valid.
    """
    return me_out(request.user)


@router.get("/orgs", operation_id="list_orgs", summary="My organisations",
            **responses({200: OrgList}, {401: NOT_AUTHENTICATED, 422: INVALID}))
def orgs(request, page: Query[PageParams]):
    """The organisations you are an active member of, by name, with your role in each.

    A token limited to one organisation lists only that one.

    Errors: 401 when the credentials are missing or not valid; 422 when `limit` or `offset` is out of range.
    """
    memberships = user_memberships(request.user)
    token = getattr(request, "api_token", None)
    if token is not None and token.org_id is not None:
        memberships = memberships.filter(org_id=token.org_id)
    count = memberships.count()
    items = [org_out(m) for m in memberships[page.offset: page.offset + page.limit]]
    return {"items": items, "count": count}


@router.get("/orgs/{org}", operation_id="get_org", summary="One organisation",
            **responses({200: OrgOut}, {401: NOT_AUTHENTICATED, 404: NOT_FOUND_ORG, 422: INVALID}))
def org_detail(request, org: OrgSlug):
    """An organisation you are an active member of, with your role in it.

    Errors: 401 when the credentials are missing or not valid; 404 when you are not an active member of the
    organisation (or it does not exist, or your token is limited to another one); 422 when the slug is malformed.
    """
    return org_out(get_membership(request, org))


@router.get("/orgs/{org}/members", operation_id="list_members",
            summary="Members of an organisation", **responses({200: MemberList}, {
    401: NOT_AUTHENTICATED,
    403: "You are an external member (a client or outside approver), who cannot list the organisation's people. "
         "Code `permission_denied`.",
    404: NOT_FOUND_ORG,
    422: INVALID,
}))
def members(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's active members, by name, with their roles and contact details.

    Errors: 401 when the credentials are missing or not valid; 403 for external members; 404 when you are not an
    active member of the organisation; 422 when the slug, `limit` or `offset` is malformed or out of range.
    """
    membership = get_membership(request, org)
    if membership.is_external:
        raise PermissionDenied("External members cannot list the organisation's members.")
    rows = (
        Membership.objects.filter(org=membership.org, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "id")
    )
    count = rows.count()
    return {"items": [member_out(m) for m in rows[page.offset: page.offset + page.limit]], "count": count}
