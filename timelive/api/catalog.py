"""Clients, projects, tasks, tags, custom fields and rates.

Input is checked by the same forms as the pages (timelive.tracking.catalog_forms),
so every rule holds whichever door the data comes through; roles are those of
the pages too.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Prefetch, Q
from ninja import Field, Path, Query, Router, Schema, Status

from timelive.orgs.access import get_admin_membership, get_membership
from timelive.orgs.models import STAFF_ROLES
from timelive.tracking.access import (
    CATALOG_ROLES,
    can_manage_project,
    get_client_for_user,
    get_rate_for_user,
    get_visible_project,
    get_visible_task,
    visible_projects,
)
from timelive.tracking.actions import (
    do_create_tag,
    do_delete_rate,
    do_save_catalog,
    do_save_custom_field,
    do_save_rate,
)
from timelive.tracking.catalog_forms import (
    ClientForm,
    CustomFieldForm,
    ProjectForm,
    RateForm,
    TagForm,
    TaskForm,
    client_form_data,
    project_form_data,
    task_form_data,
)
from timelive.tracking.models import (
    BillingType,
    Client,
    CustomField,
    CustomFieldTarget,
    CustomFieldType,
    Project,
    ProjectMember,
    ProjectStatus,
    Rate,
    RateKind,
    Tag,
    Task,
    TaskPriority,
    TaskStatus,
)
from timelive.tracking.rates import rate_level

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, responses
from .schemas import Day, OrgSlug, Page, PageParams, examples

router = Router(tags=["Clients, projects and tasks"])

Uid = Annotated[str, Path(description="The row's id.", pattern=r"^[0-9a-z]{1,16}$", examples=["p9x2m4c8q1zt"])]
Ref = Annotated[str, Field(max_length=16, pattern=r"^[0-9a-z]*$")]

BAD_BODY = "The body is not valid JSON. Code `bad_request`."
READ_ONLY = " Code `permission_denied`, or `read_only` for an organisation whose trial ended."
NOT_FOUND = NOT_FOUND_ORG + " Also when the {} does not exist or is not yours to see."
FORM_INVALID = "The input breaks a rule (a name or code already used, a date range backwards, a row of another " \
               "organisation…); `errors` lists each problem as `[\"body\", field]`. Code `invalid`."


def invalid(form):
    """422 from a form's errors, named after the API's fields."""
    errors = []
    for name, messages in form.errors.get_json_data().items():
        if name == "__all__":
            loc = ["body"]
        elif name.startswith("cf_"):
            loc = ["body", "custom_fields", name[3:]]
        else:
            loc = ["body", {"choices_text": "choices"}.get(name, name)]
        errors += [{"loc": loc, "msg": m["message"], "type": m["code"] or "invalid"} for m in messages]
    detail = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or 'body'}: {e['msg']}" for e in errors[:5])
    return Status(422, {"detail": detail, "code": "invalid", "errors": errors})


def refuse(field, message):
    return Status(422, {"detail": f"{field}: {message}", "code": "invalid",
                        "errors": [{"loc": ["body", field], "msg": message, "type": "invalid"}]})


# A null for one of these yes/no fields means "leave it as it is".
NULL_KEEPS = {"is_archived", "is_public", "is_template"}


def changes(payload) -> dict:
    """The fields sent."""
    return {k: v for k, v in payload.model_dump(exclude_unset=True).items() if not (v is None and k in NULL_KEEPS)}


def page_of(rows, limit, offset):
    return rows.count(), list(rows[offset: offset + limit])


# Clients


class ContactOut(Schema):
    id: str
    name: str
    email: str
    phone: str
    role: str
    model_config = examples({"id": "c4tq8m2x9v1z", "name": "Peter Gibbons", "email": "peter@initech.example",
                             "phone": "", "role": "Engineer"})


class DepartmentOut(Schema):
    id: str
    name: str
    model_config = examples({"id": "d8m2x9v1zc4t", "name": "Sales"})


CLIENT_EXAMPLE = {
    "id": "k2m9x4c8q1zt", "name": "Initech", "email": "hello@initech.example", "phone": "+1 555 0100", "address": "",
    "notes": "", "is_archived": False, "contacts": [], "departments": [{"id": "d8m2x9v1zc4t", "name": "Sales"}],
    "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z",
}


class ClientOut(Schema):
    id: str
    name: str
    email: str
    phone: str
    address: str
    notes: str
    is_archived: bool
    contacts: list[ContactOut]
    departments: list[DepartmentOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    model_config = examples(CLIENT_EXAMPLE)


class ClientList(Page):
    items: list[ClientOut]
    model_config = examples({"items": [CLIENT_EXAMPLE], "count": 1})


class ClientPatch(Schema):
    name: str | None = Field(None, max_length=200, description="Unique in the organisation, in any letter case.")
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=2000)
    notes: str | None = Field(None, max_length=10000)
    is_archived: bool | None = Field(None, description="true archives the client, false brings it back.")
    model_config = examples({"is_archived": True})


class ClientIn(ClientPatch):
    name: str = Field(max_length=200, description="Unique in the organisation, in any letter case.")
    model_config = examples({"name": "Initech", "email": "hello@initech.example"})


class ClientFilters(PageParams):
    q: str = Field("", max_length=100, description="Part of the name or email.")
    archived: bool = Field(False, description="true lists the archived clients instead.")
    model_config = examples({"q": "init", "archived": False, "limit": 50, "offset": 0})


def client_out(client) -> dict:
    return {
        "id": client.uid, "name": client.name, "email": client.email, "phone": client.phone, "address": client.address,
        "notes": client.notes, "is_archived": client.is_archived,
        "contacts": [{"id": c.uid, "name": c.name, "email": c.email, "phone": c.phone, "role": c.role}
                     for c in client.contacts.all()],
        "departments": [{"id": d.uid, "name": d.name} for d in client.departments.all()],
        "created_at": client.created_at, "updated_at": client.updated_at,
    }


CLIENT_FORBIDDEN = "Only owners, administrators and managers manage clients." + READ_ONLY


def save_client(request, payload, client):
    data = {**client_form_data(client), **changes(payload)}
    form = ClientForm(data, instance=client, org=request.org, with_archive=True)
    if form.is_valid():
        try:
            client = do_save_catalog(form, acting_user=request.user)
        except IntegrityError:
            return refuse("name", "There is already a client with this name."), None
        return None, client
    return invalid(form), None


@router.get("/orgs/{org}/clients", summary="List clients", **responses({200: ClientList}, {
    401: NOT_AUTHENTICATED, 403: CLIENT_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_clients(request, org: OrgSlug, filters: Query[ClientFilters]):
    """The organisation's clients by name, with their contacts and departments; archived ones with `archived=true`.

    Errors: 401 without valid credentials; 403 for members and externals; 404 for an organisation you are not in;
    422 for a malformed filter.
    """
    get_membership(request, org, roles=CATALOG_ROLES)
    clients = Client.objects.filter(org=request.org, is_archived=filters.archived)
    if filters.q.strip():
        clients = clients.filter(Q(name__icontains=filters.q.strip()) | Q(email__icontains=filters.q.strip()))
    count, rows = page_of(clients.prefetch_related("contacts", "departments").order_by("name", "id"),
                          filters.limit, filters.offset)
    return {"items": [client_out(c) for c in rows], "count": count}


@router.post("/orgs/{org}/clients", summary="Create a client", **responses({201: ClientOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: CLIENT_FORBIDDEN, 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_client(request, org: OrgSlug, payload: ClientIn):
    """Add a client. Its name must be new in the organisation, whatever the letter case.

    Errors: 401 without valid credentials; 403 for members, externals or a read-only organisation; 404 for an
    organisation you are not in; 422 for a name already used or a malformed field.
    """
    get_membership(request, org, roles=CATALOG_ROLES)
    error, client = save_client(request, payload, Client(org=request.org))
    return error or Status(201, client_out(client))


@router.get("/orgs/{org}/clients/{client}", summary="One client", **responses({200: ClientOut}, {
    401: NOT_AUTHENTICATED, 403: CLIENT_FORBIDDEN, 404: NOT_FOUND.format("client"), 422: INVALID}))
def get_client(request, org: OrgSlug, client: Uid):
    """A client with its contacts and departments.

    Errors: 401 without valid credentials; 403 for members and externals; 404 when the organisation or client is not
    yours to see; 422 for a malformed id.
    """
    get_membership(request, org, roles=CATALOG_ROLES)
    return client_out(get_client_for_user(request, client))


@router.patch("/orgs/{org}/clients/{client}", summary="Change or archive a client", **responses({200: ClientOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: CLIENT_FORBIDDEN, 404: NOT_FOUND.format("client"),
    422: FORM_INVALID}))
def patch_client(request, org: OrgSlug, client: Uid, payload: ClientPatch):
    """Change the fields sent; `is_archived` archives the client or brings it back.

    Errors: 401 without valid credentials; 403 for members, externals or a read-only organisation; 404 when the
    client is not yours to see; 422 for a name already used or a malformed field.
    """
    get_membership(request, org, roles=CATALOG_ROLES)
    error, saved = save_client(request, payload, get_client_for_user(request, client))
    return error or client_out(saved)


# Projects


PROJECT_EXAMPLE = {
    "id": "p9x2m4c8q1zt", "name": "Website", "code": "ACME-042", "client": "k2m9x4c8q1zt", "billing_type": "hourly",
    "status": "active", "department": None, "description": "", "project_manager": "k3v9q2m8x1ab", "team_lead": None,
    "members": ["k3v9q2m8x1ab"], "is_public": True, "is_template": False, "estimated_hours": "120.00",
    "estimated_cost": None, "fixed_cost": None, "start_date": "2026-01-05", "deadline": "2026-03-31",
    "custom_fields": {"po": "PO-7"}, "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z",
}


class ProjectOut(Schema):
    id: str = Field(description="The project's id.")
    name: str
    code: str = Field(description="The organisation's own code for the project; may be empty.")
    client: str | None = Field(description="The client's id, or null.")
    billing_type: BillingType
    status: ProjectStatus
    department: str | None = Field(description="The id of a department of the client, or null.")
    description: str
    project_manager: str | None = Field(description="A person's id, or null.")
    team_lead: str | None
    members: list[str] = Field(description="Ids of the people who may log time even when the project is not public.")
    is_public: bool = Field(description="Everyone in the organisation may log time on it.")
    is_template: bool
    estimated_hours: Decimal | None
    estimated_cost: Decimal | None
    fixed_cost: Decimal | None
    start_date: dt.date | None
    deadline: dt.date | None
    custom_fields: dict
    created_at: dt.datetime
    updated_at: dt.datetime
    model_config = examples(PROJECT_EXAMPLE)


class ProjectList(Page):
    items: list[ProjectOut]
    model_config = examples({"items": [PROJECT_EXAMPLE], "count": 1})


Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class ProjectPatch(Schema):
    name: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=40, description="Unique in the organisation, in any letter case.")
    client: Ref | None = Field(None, description="A client's id, or null or \"\" for none.")
    department: Ref | None = Field(None, description="The id of a department of that client.")
    billing_type: BillingType | None = None
    status: ProjectStatus | None = None
    description: str | None = Field(None, max_length=10000)
    project_manager: Ref | None = Field(None, description="An active member's id.")
    team_lead: Ref | None = None
    members: list[Ref] | None = Field(None, max_length=1000, description="All the members' ids (replaces the list).")
    is_public: bool | None = None
    is_template: bool | None = None
    estimated_hours: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None
    estimated_cost: Money | None = None
    fixed_cost: Money | None = None
    start_date: Day | None = None
    deadline: Day | None = None
    custom_fields: dict[str, str | int | float | None] | None = Field(
        None, description="Values by field key; keys not sent keep their value, null clears one.")
    model_config = examples({"status": "on_hold"})


class ProjectIn(ProjectPatch):
    name: str = Field(max_length=200)
    model_config = examples({"name": "Website", "code": "ACME-042", "client": "k2m9x4c8q1zt",
                             "billing_type": "hourly", "members": ["k3v9q2m8x1ab"]})


class ProjectFilters(PageParams):
    status: ProjectStatus | None = Field(None, description="Only projects with this status (default: all).")
    client: Ref | None = Field(None, description="Only the projects of this client.")
    q: str = Field("", max_length=100, description="Part of the name or code.")
    model_config = examples({"status": "active", "limit": 50, "offset": 0})


def project_rows(request):
    return visible_projects(request).select_related("client", "department", "project_manager", "team_lead") \
        .prefetch_related(Prefetch("memberships", queryset=ProjectMember.objects.select_related("user").order_by("id")))


def project_out(p) -> dict:
    return {
        "id": p.uid, "name": p.name, "code": p.code, "client": p.client.uid if p.client_id else None,
        "billing_type": p.billing_type, "status": p.status, "department": p.department.uid if p.department_id else None,
        "description": p.description, "project_manager": p.project_manager.code if p.project_manager_id else None,
        "team_lead": p.team_lead.code if p.team_lead_id else None, "members": [m.user.code for m in p.memberships.all()],
        "is_public": p.is_public, "is_template": p.is_template, "estimated_hours": p.estimated_hours,
        "estimated_cost": p.estimated_cost, "fixed_cost": p.fixed_cost, "start_date": p.start_date,
        "deadline": p.deadline, "custom_fields": p.custom_fields, "created_at": p.created_at, "updated_at": p.updated_at,
    }


def save_project(request, payload, project):
    """The project saved from its current values and the fields sent, or a 422."""
    sent = changes(payload)
    values = sent.pop("custom_fields", None) or {}
    data = {**project_form_data(project), **sent}
    form = ProjectForm(data, instance=project, org=request.org, with_status=True,
                       creator=None if request.membership.is_admin else request.user)
    unknown = [k for k in values if f"cf_{k}" not in form.fields]
    if unknown:
        return refuse("custom_fields", f"There is no custom field “{unknown[0]}” on projects."), None
    form.data.update({f"cf_{k}": "" if v is None else str(v) for k, v in values.items()})
    if not form.is_valid():
        return invalid(form), None
    try:
        project = do_save_catalog(form, acting_user=request.user)
    except IntegrityError:
        return refuse("code", "This code is already used by another project."), None
    return None, project_rows(request).get(pk=project.pk)


PROJECT_FORBIDDEN = "Externals see no projects; members do not create or change them; a manager changes only the " \
                    "projects they manage or lead." + READ_ONLY


@router.get("/orgs/{org}/projects", summary="List projects", **responses({200: ProjectList}, {
    401: NOT_AUTHENTICATED, 403: PROJECT_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_projects(request, org: OrgSlug, filters: Query[ProjectFilters]):
    """The projects you may see, by name: administrators see all; others the public ones and those they are a member
    of; managers also those they manage or lead.

    Errors: 401 without valid credentials; 403 for externals; 404 for an organisation you are not in; 422 for a
    malformed filter.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    projects = project_rows(request)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.client:
        projects = projects.filter(client__uid=filters.client)
    if filters.q.strip():
        projects = projects.filter(Q(name__icontains=filters.q.strip()) | Q(code__icontains=filters.q.strip()))
    count, rows = page_of(projects.order_by("name", "id"), filters.limit, filters.offset)
    return {"items": [project_out(p) for p in rows], "count": count}


@router.post("/orgs/{org}/projects", summary="Create a project", **responses({201: ProjectOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: PROJECT_FORBIDDEN, 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_project(request, org: OrgSlug, payload: ProjectIn):
    """Create a project. Owners, administrators and managers may; a manager who names neither themself nor anyone
    as project manager becomes it.

    Errors: 401 without valid credentials; 403 for members, externals or a read-only organisation; 404 for an
    organisation you are not in; 422 for a code already used, a client, department or person not of the
    organisation, a deadline before the start, or a custom field value that does not fit.
    """
    get_membership(request, org, roles=CATALOG_ROLES)
    error, project = save_project(request, payload, Project(org=request.org))
    return error or Status(201, project_out(project))


@router.get("/orgs/{org}/projects/{project}", summary="One project", **responses({200: ProjectOut}, {
    401: NOT_AUTHENTICATED, 403: PROJECT_FORBIDDEN, 404: NOT_FOUND.format("project"), 422: INVALID}))
def get_project(request, org: OrgSlug, project: Uid):
    """A project you may see.

    Errors: 401 without valid credentials; 403 for externals; 404 when the organisation or project is not yours to
    see; 422 for a malformed id.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    get_visible_project(request, project)
    return project_out(project_rows(request).get(uid=project))


@router.patch("/orgs/{org}/projects/{project}", summary="Change a project", **responses({200: ProjectOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: PROJECT_FORBIDDEN, 404: NOT_FOUND.format("project"),
    422: FORM_INVALID}))
def patch_project(request, org: OrgSlug, project: Uid, payload: ProjectPatch):
    """Change the fields sent, `status` included (`archived` archives it). `members` replaces the whole list.

    Errors: 401 without valid credentials; 403 when you do not manage the project, or for a read-only organisation;
    404 when the project is not yours to see; 422 when the change breaks a rule.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    error, saved = save_project(request, payload, get_visible_project(request, project, manage=True))
    return error or project_out(saved)


# Tasks


TASK_EXAMPLE = {
    "id": "t5q8m2x9v1zc", "project": "p9x2m4c8q1zt", "parent": None, "milestone": None, "name": "Design",
    "description": "", "assignees": ["k3v9q2m8x1ab"], "status": "todo", "priority": "normal",
    "estimated_hours": "8.00", "due_date": "2026-02-01", "created_at": "2026-01-05T09:00:00Z",
    "updated_at": "2026-01-05T09:00:00Z",
}


class TaskOut(Schema):
    id: str
    project: str = Field(description="The project's id.")
    parent: str | None = Field(description="The parent task's id, or null for a top-level task.")
    milestone: str | None
    name: str
    description: str
    assignees: list[str] = Field(description="People's ids.")
    status: TaskStatus
    priority: TaskPriority
    estimated_hours: Decimal | None
    due_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    model_config = examples(TASK_EXAMPLE)


class TaskList(Page):
    items: list[TaskOut]
    model_config = examples({"items": [TASK_EXAMPLE], "count": 1})


class TaskPatch(Schema):
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10000)
    parent: Ref | None = Field(None, description="A task of the same project; never one of the task's own subtasks.")
    milestone: Ref | None = Field(None, description="A milestone of the same project.")
    assignees: list[Ref] | None = Field(None, max_length=200, description="Active members' ids (replaces the list).")
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    estimated_hours: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None
    due_date: Day | None = None
    model_config = examples({"status": "done"})


class TaskIn(TaskPatch):
    project: Ref = Field(description="The project's id.")
    name: str = Field(max_length=200)
    model_config = examples({"project": "p9x2m4c8q1zt", "name": "Design", "assignees": ["k3v9q2m8x1ab"]})


class TaskFilters(PageParams):
    project: Ref | None = None
    status: TaskStatus | None = Field(None, description="Only tasks with this status (default: all).")
    assignee: Annotated[str, Field(max_length=16, pattern=r"^[0-9a-z]*$")] | None = Field(
        None, description="A person's id, or `me`.")
    model_config = examples({"project": "p9x2m4c8q1zt", "assignee": "me", "limit": 50, "offset": 0})


def task_rows(request):
    return Task.objects.filter(org=request.org, project__in=visible_projects(request)) \
        .select_related("project", "parent", "milestone").prefetch_related("assignees")


def task_out(t) -> dict:
    return {
        "id": t.uid, "project": t.project.uid, "parent": t.parent.uid if t.parent_id else None,
        "milestone": t.milestone.uid if t.milestone_id else None, "name": t.name, "description": t.description,
        "assignees": sorted(a.code for a in t.assignees.all()), "status": t.status, "priority": t.priority,
        "estimated_hours": t.estimated_hours, "due_date": t.due_date, "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def save_task(request, sent, task, project):
    data = {**task_form_data(task), **sent}
    form = TaskForm(data, instance=task, project=project)
    if not form.is_valid():
        return invalid(form), None
    task = do_save_catalog(form, acting_user=request.user)
    return None, task_rows(request).get(pk=task.pk)


TASK_FORBIDDEN = "Externals see no tasks; only the project's managers (and administrators) create and change its " \
                 "tasks, and an assignee may change the `status` of their own task." + READ_ONLY


@router.get("/orgs/{org}/tasks", summary="List tasks", **responses({200: TaskList}, {
    401: NOT_AUTHENTICATED, 403: TASK_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_tasks(request, org: OrgSlug, filters: Query[TaskFilters]):
    """Tasks of the projects you may see, by project and name.

    Errors: 401 without valid credentials; 403 for externals; 404 for an organisation you are not in; 422 for a
    malformed filter.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    tasks = task_rows(request)
    if filters.project:
        tasks = tasks.filter(project__uid=filters.project)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.assignee:
        tasks = tasks.filter(assignees=request.user) if filters.assignee == "me" else \
            tasks.filter(assignees__code=filters.assignee)
    count, rows = page_of(tasks.order_by("project__name", "name", "id"), filters.limit, filters.offset)
    return {"items": [task_out(t) for t in rows], "count": count}


@router.post("/orgs/{org}/tasks", summary="Create a task", **responses({201: TaskOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: TASK_FORBIDDEN, 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_task(request, org: OrgSlug, payload: TaskIn):
    """Add a task to a project you manage.

    Errors: 401 without valid credentials; 403 when you do not manage the project, or for a read-only organisation;
    404 for an organisation you are not in; 422 for a project you cannot see, a parent or milestone of another
    project, or an assignee who is not an active member.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    sent = changes(payload)
    project = visible_projects(request).filter(uid=sent.pop("project")).first()
    if project is None:
        return refuse("project", "No project with this id that you can see.")
    if not can_manage_project(request.membership, project):
        raise PermissionDenied("Only the project's manager, its team lead or an administrator can add tasks.")
    error, task = save_task(request, sent, Task(org=request.org, project=project), project)
    return error or Status(201, task_out(task))


@router.get("/orgs/{org}/tasks/{task}", summary="One task", **responses({200: TaskOut}, {
    401: NOT_AUTHENTICATED, 403: TASK_FORBIDDEN, 404: NOT_FOUND.format("task"), 422: INVALID}))
def get_task(request, org: OrgSlug, task: Uid):
    """A task of a project you may see.

    Errors: 401 without valid credentials; 403 for externals; 404 when the task is not yours to see; 422 for a
    malformed id.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    get_visible_task(request, task)
    return task_out(task_rows(request).get(uid=task))


@router.patch("/orgs/{org}/tasks/{task}", summary="Change a task", **responses({200: TaskOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: TASK_FORBIDDEN, 404: NOT_FOUND.format("task"), 422: FORM_INVALID}))
def patch_task(request, org: OrgSlug, task: Uid, payload: TaskPatch):
    """Change the fields sent; `status` `archived` archives the task. `assignees` replaces the whole list.

    Errors: 401 without valid credentials; 403 when you neither manage the project nor (for `status` alone) are an
    assignee, or for a read-only organisation; 404 when the task is not yours to see; 422 when the change breaks a
    rule (a parent that is one of its subtasks, say).
    """
    get_membership(request, org, roles=STAFF_ROLES)
    current = get_visible_task(request, task)
    sent = changes(payload)
    if not can_manage_project(request.membership, current.project):
        if set(sent) - {"status"} or not current.assignees.filter(pk=request.user.pk).exists():
            raise PermissionDenied("Only the project's managers change its tasks; assignees may change the status.")
    error, saved = save_task(request, sent, current, current.project)
    return error or task_out(saved)


# Tags


class TagOut(Schema):
    name: str
    created_at: dt.datetime
    model_config = examples({"name": "workshop", "created_at": "2026-01-05T09:00:00Z"})


class TagList(Page):
    items: list[TagOut]
    model_config = examples({"items": [{"name": "workshop", "created_at": "2026-01-05T09:00:00Z"}], "count": 1})


class TagIn(Schema):
    name: str = Field(max_length=60, description="Unique in the organisation, in any letter case.")
    model_config = examples({"name": "workshop"})


class TagFilters(PageParams):
    q: str = Field("", max_length=60, description="Part of the name.")
    model_config = examples({"q": "work", "limit": 50, "offset": 0})


TAG_FORBIDDEN = "Externals have no tags; where the organisation keeps a managed list, only administrators add to " \
                "it." + READ_ONLY


@router.get("/orgs/{org}/tags", summary="List tags", tags=["Tags and custom fields"], **responses({200: TagList}, {
    401: NOT_AUTHENTICATED, 403: TAG_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_tags(request, org: OrgSlug, filters: Query[TagFilters]):
    """The organisation's tags, by name.

    Errors: 401 without valid credentials; 403 for externals; 404 for an organisation you are not in; 422 for a
    malformed filter.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    tags = Tag.objects.filter(org=request.org)
    if filters.q.strip():
        tags = tags.filter(name__icontains=filters.q.strip())
    count, rows = page_of(tags.order_by("name", "id"), filters.limit, filters.offset)
    return {"items": [{"name": t.name, "created_at": t.created_at} for t in rows], "count": count}


@router.post("/orgs/{org}/tags", summary="Create a tag", tags=["Tags and custom fields"], **responses({201: TagOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: TAG_FORBIDDEN, 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_tag(request, org: OrgSlug, payload: TagIn):
    """Add a tag. Where the organisation keeps a managed list of tags, only administrators may.

    Errors: 401 without valid credentials; 403 for externals, members of an organisation with managed tags, or a
    read-only organisation; 404 for an organisation you are not in; 422 for a name already used or empty.
    """
    membership = get_membership(request, org, roles=STAFF_ROLES)
    if request.org.managed_tags and not membership.is_admin:
        raise PermissionDenied("This organisation keeps a list of tags that only administrators change.")
    form = TagForm({"name": payload.name}, org=request.org)
    if not form.is_valid():
        return invalid(form)
    try:
        tag = do_create_tag(request.org, form.cleaned_data["name"], acting_user=request.user)
    except IntegrityError:
        return refuse("name", "There is already a tag with this name.")
    return Status(201, {"name": tag.name, "created_at": tag.created_at})


# Custom fields


FIELD_EXAMPLE = {"id": "f2x9v1zc4tq8", "target": "time_entry", "key": "ticket", "label": "Ticket", "field_type": "text",
                 "choices": [], "required": False, "position": 0}


class CustomFieldOut(Schema):
    id: str
    target: CustomFieldTarget
    key: str = Field(description="The name of the value in `custom_fields` of the rows it is on.")
    label: str
    field_type: CustomFieldType
    choices: list[str]
    required: bool
    position: int
    model_config = examples(FIELD_EXAMPLE)


class CustomFieldList(Page):
    items: list[CustomFieldOut]
    model_config = examples({"items": [FIELD_EXAMPLE], "count": 1})


class CustomFieldIn(Schema):
    target: CustomFieldTarget
    key: str = Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="Unique among the target's fields.")
    label: str = Field(max_length=80)
    field_type: CustomFieldType = CustomFieldType.TEXT
    choices: list[Annotated[str, Field(max_length=100, pattern=r"^[^\r\n]*$")]] = Field(
        default_factory=list, max_length=100, description="For a choice field: the choices.")
    required: bool = False
    position: int = Field(0, ge=0, le=32767)
    model_config = examples({"target": "time_entry", "key": "ticket", "label": "Ticket"})


class CustomFieldFilters(PageParams):
    target: CustomFieldTarget | None = None
    model_config = examples({"target": "project", "limit": 50, "offset": 0})


def field_out(f) -> dict:
    return {"id": f.uid, "target": f.target, "key": f.key, "label": f.label, "field_type": f.field_type,
            "choices": f.choices, "required": f.required, "position": f.position}


FIELD_FORBIDDEN = "Externals see no custom fields; only administrators define them." + READ_ONLY


@router.get("/orgs/{org}/custom-fields", summary="List custom fields", tags=["Tags and custom fields"],
            **responses({200: CustomFieldList}, {401: NOT_AUTHENTICATED, 403: FIELD_FORBIDDEN, 404: NOT_FOUND_ORG,
                                                 422: INVALID}))
def list_custom_fields(request, org: OrgSlug, filters: Query[CustomFieldFilters]):
    """The custom fields defined on time entries, projects and members, by target and position.

    Errors: 401 without valid credentials; 403 for externals; 404 for an organisation you are not in; 422 for a
    malformed filter.
    """
    get_membership(request, org, roles=STAFF_ROLES)
    fields = CustomField.objects.filter(org=request.org)
    if filters.target:
        fields = fields.filter(target=filters.target)
    count, rows = page_of(fields.order_by("target", "position", "id"), filters.limit, filters.offset)
    return {"items": [field_out(f) for f in rows], "count": count}


@router.post("/orgs/{org}/custom-fields", summary="Define a custom field", tags=["Tags and custom fields"],
             **responses({201: CustomFieldOut}, {400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FIELD_FORBIDDEN,
                                                 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_custom_field(request, org: OrgSlug, payload: CustomFieldIn):
    """Define a custom field; each target has at most 15.

    Errors: 401 without valid credentials; 403 for anyone but administrators, or a read-only organisation; 404 for
    an organisation you are not in; 422 for a key already used on the target, a sixteenth field, or a choice field
    without choices.
    """
    get_admin_membership(request, org)
    data = payload.model_dump()
    data["choices_text"] = "\n".join(data.pop("choices"))
    form = CustomFieldForm(data, org=request.org)
    if not form.is_valid():
        return invalid(form)
    try:
        field = do_save_custom_field(form.save(commit=False), None, acting_user=request.user)
    except IntegrityError:
        return refuse("key", "Another field on this target uses this key.")
    return Status(201, field_out(field))


# Rates


RATE_EXAMPLE = {"id": "r8m2x9v1zc4t", "kind": "billing", "amount": "120.00", "currency": "GBP", "level": "project",
                "user": None, "project": "p9x2m4c8q1zt", "task": None, "valid_from": "2026-01-01", "valid_to": None,
                "created_at": "2026-01-05T09:00:00Z"}


class RateOut(Schema):
    id: str
    kind: RateKind
    amount: Decimal = Field(description="Per hour.")
    currency: str
    level: str = Field(description="organisation, member, project, project_member or task: the most specific in force "
                                   "on an entry's day applies.")
    user: str | None
    project: str | None
    task: str | None
    valid_from: dt.date | None = Field(description="First day (inclusive); null: since always.")
    valid_to: dt.date | None = Field(description="Last day (inclusive); null: until further notice.")
    created_at: dt.datetime
    model_config = examples(RATE_EXAMPLE)


class RateList(Page):
    items: list[RateOut]
    model_config = examples({"items": [RATE_EXAMPLE], "count": 1})


class RateIn(Schema):
    kind: RateKind
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
    currency: str | None = Field(None, min_length=3, max_length=3, description="Default: the organisation's.")
    user: Ref | None = Field(None, description="A person: alone, their rate; with `project`, their rate there.")
    project: Ref | None = None
    task: Ref | None = Field(None, description="A task: the rate for everyone on it (no `user`).")
    valid_from: Day | None = None
    valid_to: Day | None = None
    model_config = examples({"kind": "billing", "amount": "120.00", "currency": "GBP", "project": "p9x2m4c8q1zt"})


class RateFilters(PageParams):
    kind: RateKind | None = None
    project: Ref | None = None
    user: Ref | None = None
    model_config = examples({"kind": "billing", "limit": 50, "offset": 0})


def rate_out(r) -> dict:
    return {"id": r.uid, "kind": r.kind, "amount": r.amount, "currency": r.currency, "level": rate_level(r),
            "user": r.user.code if r.user_id else None, "project": r.project.uid if r.project_id else None,
            "task": r.task.uid if r.task_id else None, "valid_from": r.valid_from, "valid_to": r.valid_to,
            "created_at": r.created_at}


RATE_FORBIDDEN = "Only administrators see and change rates." + READ_ONLY


@router.get("/orgs/{org}/rates", summary="List rates", tags=["Rates"], **responses({200: RateList}, {
    401: NOT_AUTHENTICATED, 403: RATE_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_rates(request, org: OrgSlug, filters: Query[RateFilters]):
    """The organisation's billing and cost rates.

    Errors: 401 without valid credentials; 403 for anyone but administrators; 404 for an organisation you are not
    in; 422 for a malformed filter.
    """
    get_admin_membership(request, org)
    rates = Rate.objects.filter(org=request.org).select_related("user", "project", "task")
    if filters.kind:
        rates = rates.filter(kind=filters.kind)
    if filters.project:
        rates = rates.filter(project__uid=filters.project)
    if filters.user:
        rates = rates.filter(user__code=filters.user)
    count, rows = page_of(rates.order_by("kind", "created_at", "id"), filters.limit, filters.offset)
    return {"items": [rate_out(r) for r in rows], "count": count}


@router.post("/orgs/{org}/rates", summary="Add a rate", tags=["Rates"], **responses({201: RateOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: RATE_FORBIDDEN, 404: NOT_FOUND_ORG, 422: FORM_INVALID}))
def create_rate(request, org: OrgSlug, payload: RateIn):
    """Add a rate. What it applies to follows from what it names: a task; a person on a project; a project; a
    person; or nothing (the organisation). Entries already logged keep their rates.

    Errors: 401 without valid credentials; 403 for anyone but administrators, or a read-only organisation; 404 for
    an organisation you are not in; 422 for a range that ends before it starts, one that overlaps a rate of the same
    kind for the same target, or a person, project or task not of the organisation.
    """
    get_admin_membership(request, org)
    data = payload.model_dump()
    if data["task"] and data["user"]:
        return refuse("user", "A task rate is for everyone on the task; leave out the person.")
    if data["task"]:
        task = Task.objects.filter(org=request.org, uid=data["task"]).select_related("project").first()
        if task is not None and data["project"] and data["project"] != task.project.uid:
            return refuse("project", "The task belongs to another project.")
        level = "task"
    elif data["project"]:
        level = "project_member" if data["user"] else "project"
    else:
        level = "member" if data["user"] else "organisation"
    data.update(level=level, currency=data["currency"] or request.org.currency)
    form = RateForm(data, org=request.org)
    if not form.is_valid():
        return invalid(form)
    rate = do_save_rate(form.save(commit=False), None, acting_user=request.user)
    return Status(201, rate_out(rate))


@router.delete("/orgs/{org}/rates/{rate}", summary="Delete a rate", tags=["Rates"], **responses({204: None}, {
    401: NOT_AUTHENTICATED, 403: RATE_FORBIDDEN, 404: NOT_FOUND.format("rate"), 422: INVALID}))
def delete_rate(request, org: OrgSlug, rate: Uid):
    """Delete a rate. Entries already logged keep the rates they were valued at.

    Errors: 401 without valid credentials; 403 for anyone but administrators, or a read-only organisation; 404 when
    the rate does not exist in the organisation; 422 for a malformed id.
    """
    get_admin_membership(request, org)
    found = get_rate_for_user(request, rate)
    do_delete_rate(found, acting_user=request.user)
    return Status(204, None)
