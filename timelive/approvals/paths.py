"""Which path a timesheet follows, and who approves each of its tiers.

Precedence: a member's own path beats the projects' paths, which beat the
organisation's default. A timesheet holds time on several projects; each
project contributes its path (or the default, when it has none), and when they
differ the strictest applies: the one with the most tiers (then the first by
title), so that no project's time escapes the approval its path asks for. No
path at all, or "Approval not required", approves at once.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch

from timelive.orgs.models import ADMIN_ROLES, Membership
from timelive.tracking.models import Project

from .models import (
    BUILTIN_KINDS,
    ApprovalPath,
    ApprovalSettings,
    ApprovalTier,
    MemberApproval,
    PathKind,
    ProjectApproval,
)

# The tiers of the built-in paths: which relations approve at each step.
BUILTIN_TIERS = {
    PathKind.NOT_REQUIRED: [],
    PathKind.PROJECT_MANAGER: [{"project_manager": True}],
    PathKind.TEAM_LEAD_THEN_PROJECT_MANAGER: [{"team_lead": True}, {"project_manager": True}],
    PathKind.EMPLOYEE_MANAGER: [{"employee_manager": True}],
}


def current_setup(org) -> ApprovalSettings:
    """The organisation's settings, for reading: never writes (an organisation has them from its
    creation on; should one lack them, the unsaved defaults are shown)."""
    found = ApprovalSettings.objects.filter(org=org).first()
    return found if found is not None else ApprovalSettings(org=org)


def ensure_setup(org) -> ApprovalSettings:
    """The organisation's settings row and its built-in paths: made with the organisation, and
    again here (for writers only) should an organisation lack them."""
    found = ApprovalSettings.objects.filter(org=org).first()
    if found is not None:
        return found
    try:
        return _create_setup(org)
    except IntegrityError:
        # Another request set the organisation up at the same moment.
        return ApprovalSettings.objects.get(org=org)


@transaction.atomic
def _create_setup(org) -> ApprovalSettings:
    existing = set(ApprovalPath.objects.filter(org=org, kind__in=BUILTIN_KINDS).values_list("kind", flat=True))
    for kind in BUILTIN_KINDS:
        if kind in existing:
            continue
        title = PathKind(kind).label
        if ApprovalPath.objects.filter(org=org, title__iexact=title).exists():
            # An administrator already named a custom path like this one.
            title = f"{title} (built-in)"
        path = ApprovalPath.objects.create(org=org, title=title, kind=kind)
        ApprovalTier.objects.bulk_create(
            ApprovalTier(path=path, position=i, **relations) for i, relations in enumerate(BUILTIN_TIERS[kind], 1)
        )
    # Until an administrator chooses otherwise, nothing needs approval (submitting approves at once).
    default = ApprovalPath.objects.get(org=org, kind=PathKind.NOT_REQUIRED)
    settings, _ = ApprovalSettings.objects.get_or_create(org=org, defaults={"default_path": default})
    return settings


def resolve_path(org, membership, project_ids) -> ApprovalPath | None:
    """The path `membership`'s timesheet with time on `project_ids` follows (see the module's docstring)."""
    own = MemberApproval.objects.filter(member=membership, path__isnull=False).select_related("path").first()
    if own is not None:
        return own.path
    settings = ApprovalSettings.objects.filter(org=org).select_related("default_path").first()
    default = settings.default_path if settings else None
    project_ids = set(project_ids)
    assigned = {a.project_id: a.path for a in
                ProjectApproval.objects.filter(org=org, project_id__in=project_ids).select_related("path")}
    candidates = {path.pk: path for path in assigned.values()}
    if (not project_ids or project_ids - set(assigned)) and default is not None:
        candidates[default.pk] = default
    if not candidates:
        return None
    counts = dict(ApprovalTier.objects.filter(path_id__in=list(candidates)).values("path_id")
                  .annotate(n=Count("id")).values_list("path_id", "n"))
    return sorted(candidates.values(), key=lambda p: (-counts.get(p.pk, 0), p.title.lower(), p.pk))[0]


def tier_approvers(org, path, membership, project_ids) -> dict[int, set[int]]:
    """{tier position: ids of the people who may approve it} for `membership`'s timesheet.

    Only active members with an active account count, never the person
    themself. A tier nobody can approve (a project without a manager, a
    member without one) falls to the organisation's administrators, so that
    nothing waits forever.
    """
    tiers = list(ApprovalTier.objects.filter(path=path).prefetch_related(
        Prefetch("people", queryset=Membership.objects.only("id", "user_id"))))
    if not tiers:
        return {}
    managers, leads, own_manager = set(), set(), set()
    if any(t.project_manager or t.team_lead for t in tiers):
        for manager_id, lead_id in Project.objects.filter(org=org, id__in=set(project_ids)).values_list(
                "project_manager_id", "team_lead_id"):
            managers.add(manager_id)
            leads.add(lead_id)
    if any(t.employee_manager for t in tiers):
        own_manager = set(MemberApproval.objects.filter(member=membership, manager__isnull=False)
                          .values_list("manager__user_id", flat=True))
    wanted = {}
    for tier in tiers:
        users = {m.user_id for m in tier.people.all()}
        if tier.project_manager:
            users |= managers
        if tier.team_lead:
            users |= leads
        if tier.employee_manager:
            users |= own_manager
        users.discard(None)
        users.discard(membership.user_id)
        wanted[tier.position] = users
    everyone = set().union(*wanted.values())
    active = set(Membership.objects.filter(org=org, is_active=True, user__is_active=True, user_id__in=everyone)
                 .values_list("user_id", flat=True)) if everyone else set()
    admins = None
    result = {}
    for position, users in wanted.items():
        users &= active
        if not users:
            if admins is None:
                admins = set(Membership.objects.filter(org=org, is_active=True, user__is_active=True, role__in=ADMIN_ROLES)
                             .exclude(user_id=membership.user_id).values_list("user_id", flat=True))
            users = set(admins)
        result[position] = users
    return result
