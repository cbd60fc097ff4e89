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


# Time tracking rows. Each expects get_membership() to have run on the request.


def _tenant_row(queryset, **lookup):
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404
    return row


def get_client_for_user(request, uid: str):
    from timelive.tracking.models import Client

    return _tenant_row(Client.objects.filter(org=request.org), uid=uid)


def get_project_for_user(request, uid: str):
    from timelive.tracking.models import Project

    return _tenant_row(Project.objects.filter(org=request.org).select_related("client"), uid=uid)


def get_task_for_user(request, uid: str):
    from timelive.tracking.models import Task

    return _tenant_row(Task.objects.filter(org=request.org).select_related("project"), uid=uid)


def get_entry_for_user(request, uid: str, *, for_change: bool = False):
    """A time entry the requester may see; changing another person's entry needs an admin role.

    Managers see (but do not change) the entries on projects they manage or lead.
    """
    from django.db.models import Q

    from timelive.tracking.models import TimeEntry

    entries = TimeEntry.objects.filter(org=request.org).select_related("project", "task", "user")
    membership = request.membership
    if membership.role not in ADMIN_ROLES:
        mine = Q(user=request.user)
        if membership.role == "manager" and not for_change:
            mine |= Q(project__project_manager=request.user) | Q(project__team_lead=request.user)
        entries = entries.filter(mine)
    return _tenant_row(entries, uid=uid)


# Clients, projects, tasks and what hangs off them. Each expects get_membership()
# to have run on the request; the view decides which roles may pass at all.

# Roles that may manage clients and create projects.
CATALOG_ROLES = ("owner", "admin", "manager")


def visible_projects(request):
    """The projects the requester may see (externals: none).

    Administrators see every project; others the public ones and those they
    are a member of; managers also those they manage or lead.
    """
    from django.db.models import Exists, OuterRef, Q

    from timelive.tracking.models import Project, ProjectMember

    membership = request.membership
    projects = Project.objects.filter(org=request.org)
    if membership.is_admin:
        return projects
    if membership.is_external:
        return projects.none()
    # Exists() rather than a join, so no project is listed twice.
    seen = Q(is_public=True) | Exists(ProjectMember.objects.filter(project=OuterRef("pk"), user=request.user))
    if membership.role == "manager":
        seen |= Q(project_manager=request.user) | Q(team_lead=request.user)
    return projects.filter(seen)


def can_manage_project(membership, project) -> bool:
    """Administrators manage every project; a manager the ones they manage or lead."""
    if membership.is_admin:
        return True
    return membership.role == "manager" and membership.user_id in (project.project_manager_id, project.team_lead_id)


def _no_externals(request):
    if request.membership.is_external:
        raise PermissionDenied("External members do not see the organisation's projects.")


def _may_manage(request, project):
    if not can_manage_project(request.membership, project):
        raise PermissionDenied("Only the project's manager, its team lead or an administrator can change it.")


def get_visible_project(request, uid: str, *, manage: bool = False):
    """A project the requester may see (404 otherwise); with `manage`, one they may change (403 otherwise)."""
    _no_externals(request)
    projects = visible_projects(request).select_related("client", "department", "project_manager", "team_lead")
    project = _tenant_row(projects, uid=uid)
    if manage:
        _may_manage(request, project)
    return project


def get_visible_task(request, uid: str, *, manage: bool = False):
    """A task of a project the requester may see; with `manage`, of one they may change."""
    from timelive.tracking.models import Task

    _no_externals(request)
    tasks = Task.objects.filter(org=request.org, project__in=visible_projects(request))
    task = _tenant_row(tasks.select_related("project", "parent", "milestone"), uid=uid)
    if manage:
        _may_manage(request, task.project)
    return task


def get_milestone_for_user(request, uid: str, *, manage: bool = False):
    from timelive.tracking.models import Milestone

    _no_externals(request)
    milestones = Milestone.objects.filter(project__in=visible_projects(request)).select_related("project")
    milestone = _tenant_row(milestones, uid=uid)
    if manage:
        _may_manage(request, milestone.project)
    return milestone


def get_contact_for_user(request, uid: str):
    from timelive.tracking.models import ClientContact

    return _tenant_row(ClientContact.objects.filter(client__org=request.org).select_related("client"), uid=uid)


def get_department_for_user(request, uid: str):
    from timelive.tracking.models import ClientDepartment

    return _tenant_row(ClientDepartment.objects.filter(client__org=request.org).select_related("client"), uid=uid)


def get_comment_for_user(request, uid: str):
    """A comment on a task of a project the requester may see."""
    from timelive.tracking.models import TaskComment

    _no_externals(request)
    comments = TaskComment.objects.filter(task__org=request.org, task__project__in=visible_projects(request))
    return _tenant_row(comments.select_related("task", "task__project", "author"), uid=uid)


def get_attachment_for_user(request, uid: str):
    """An attachment of a comment the requester may see."""
    from timelive.tracking.models import TaskAttachment

    _no_externals(request)
    attachments = TaskAttachment.objects.filter(
        comment__task__org=request.org, comment__task__project__in=visible_projects(request)
    )
    return _tenant_row(attachments, uid=uid)


def get_custom_field_for_user(request, uid: str):
    from timelive.tracking.models import CustomField

    return _tenant_row(CustomField.objects.filter(org=request.org), uid=uid)


def get_rate_for_user(request, uid: str):
    from timelive.tracking.models import Rate

    return _tenant_row(Rate.objects.filter(org=request.org).select_related("user", "project", "task"), uid=uid)


def get_tag_for_user(request, name: str):
    """A tag by its name (tags have no other public id), in any letter case."""
    from timelive.tracking.models import Tag

    return _tenant_row(Tag.objects.filter(org=request.org), name__iexact=name)
