"""The door to time tracking rows (clients, projects, tasks, entries and what hangs off them),
over timelive/orgs/access.py's membership and role checks.

Each helper expects get_membership() to have run on the request; the view decides which
roles may pass at all. Someone outside the organisation, or a member who may not see a row,
gets 404; a member who sees but may not change it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from timelive.orgs.access import tenant_row
from timelive.orgs.models import ADMIN_ROLES, Role

from .models import (
    Client,
    ClientContact,
    ClientDepartment,
    CustomField,
    Milestone,
    Project,
    ProjectMember,
    Rate,
    Tag,
    Task,
    TaskAttachment,
    TaskComment,
    TimeEntry,
)


def get_client_for_user(request, uid: str):
    return tenant_row(Client.objects.filter(org=request.org), uid=uid)


def get_project_for_user(request, uid: str):
    return tenant_row(Project.objects.filter(org=request.org).select_related("client"), uid=uid)


def get_task_for_user(request, uid: str):
    return tenant_row(Task.objects.filter(org=request.org).select_related("project"), uid=uid)


def get_entry_for_user(request, uid: str, *, for_change: bool = False):
    """A time entry the requester may see; changing another person's entry needs an admin role.

    Managers see (but do not change) the entries on projects they manage or lead.
    """
    entries = TimeEntry.objects.filter(org=request.org).select_related("project", "task", "user")
    membership = request.membership
    if membership.role not in ADMIN_ROLES:
        mine = Q(user=request.user)
        if membership.role == Role.MANAGER and not for_change:
            mine |= Q(project__project_manager=request.user) | Q(project__team_lead=request.user)
        entries = entries.filter(mine)
    return tenant_row(entries, uid=uid)


# Clients, projects, tasks and what hangs off them. Each expects get_membership()
# to have run on the request; the view decides which roles may pass at all.

# Roles that may manage clients and create projects.
CATALOG_ROLES = (Role.OWNER, Role.ADMIN, Role.MANAGER)


def visible_projects(request):
    """The projects the requester may see (externals: none).

    Administrators see every project; others the public ones and those they
    are a member of; managers also those they manage or lead.
    """
    membership = request.membership
    projects = Project.objects.filter(org=request.org)
    if membership.is_admin:
        return projects
    if membership.is_external:
        return projects.none()
    # Exists() rather than a join, so no project is listed twice.
    seen = Q(is_public=True) | Exists(ProjectMember.objects.filter(project=OuterRef("pk"), user=request.user))
    if membership.role == Role.MANAGER:
        seen |= Q(project_manager=request.user) | Q(team_lead=request.user)
    return projects.filter(seen)


def can_manage_project(membership, project) -> bool:
    """Administrators manage every project; a manager the ones they manage or lead."""
    if membership.is_admin:
        return True
    return membership.role == Role.MANAGER and membership.user_id in (project.project_manager_id, project.team_lead_id)


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
    project = tenant_row(projects, uid=uid)
    if manage:
        _may_manage(request, project)
    return project


def get_visible_task(request, uid: str, *, manage: bool = False):
    """A task of a project the requester may see; with `manage`, of one they may change."""
    _no_externals(request)
    tasks = Task.objects.filter(org=request.org, project__in=visible_projects(request))
    task = tenant_row(tasks.select_related("project", "parent", "milestone"), uid=uid)
    if manage:
        _may_manage(request, task.project)
    return task


def get_milestone_for_user(request, uid: str, *, manage: bool = False):
    _no_externals(request)
    milestones = Milestone.objects.filter(project__in=visible_projects(request)).select_related("project")
    milestone = tenant_row(milestones, uid=uid)
    if manage:
        _may_manage(request, milestone.project)
    return milestone


def get_contact_for_user(request, uid: str):
    return tenant_row(ClientContact.objects.filter(client__org=request.org).select_related("client"), uid=uid)


def get_department_for_user(request, uid: str):
    return tenant_row(ClientDepartment.objects.filter(client__org=request.org).select_related("client"), uid=uid)


def get_comment_for_user(request, uid: str):
    """A comment on a task of a project the requester may see."""
    _no_externals(request)
    comments = TaskComment.objects.filter(task__org=request.org, task__project__in=visible_projects(request))
    return tenant_row(comments.select_related("task", "task__project", "author"), uid=uid)


def get_attachment_for_user(request, uid: str):
    """An attachment of a comment the requester may see."""
    _no_externals(request)
    attachments = TaskAttachment.objects.filter(
        comment__task__org=request.org, comment__task__project__in=visible_projects(request)
    )
    return tenant_row(attachments, uid=uid)


def get_custom_field_for_user(request, uid: str):
    return tenant_row(CustomField.objects.filter(org=request.org), uid=uid)


def get_rate_for_user(request, uid: str):
    return tenant_row(Rate.objects.filter(org=request.org).select_related("user", "project", "task"), uid=uid)


def get_tag_for_user(request, name: str):
    """A tag by its name (tags have no other public id), in any letter case."""
    return tenant_row(Tag.objects.filter(org=request.org), name__iexact=name)
