"""Endpoints about the caller and their organisations."""

from ninja import Query, Router

from timelive.orgs.access import get_membership, user_memberships
from timelive.orgs.models import Membership

from .errors import ErrorOut
from .schemas import MemberList, MeOut, OrgList, OrgOut, PageParams

router = Router(tags=["Me and my organisations"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


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


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I")
def me(request):
    return me_out(request.user)


@router.get("/orgs", response={200: OrgList, **ERRORS}, summary="My organisations")
def orgs(request, page: Query[PageParams]):
    memberships = user_memberships(request.user)
    token = getattr(request, "api_token", None)
    if token is not None and token.org_id is not None:
        memberships = memberships.filter(org_id=token.org_id)
    count = memberships.count()
    items = [org_out(m) for m in memberships[page.offset: page.offset + page.limit]]
    return {"items": items, "count": count}


@router.get("/orgs/{org}", response={200: OrgOut, **ERRORS}, summary="One organisation")
def org_detail(request, org: str):
    return org_out(get_membership(request, org))


@router.get("/orgs/{org}/members", response={200: MemberList, **ERRORS}, summary="Members of an organisation")
def members(request, org: str, page: Query[PageParams]):
    membership = get_membership(request, org)
    if membership.is_external:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("External members cannot list the organisation's members.")
    rows = (
        Membership.objects.filter(org=membership.org, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "id")
    )
    count = rows.count()
    return {"items": [member_out(m) for m in rows[page.offset: page.offset + page.limit]], "count": count}
