"""Projects: the list, creating and editing, status, members, milestones, and
copying a project (a template or any other) into a new one.

Administrators manage every project; a manager creates projects and manages
the ones they manage or lead; members see the projects they may log time on,
read-only; externals see none.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from timelive.accounts.models import User
from timelive.orgs.access import get_membership
from timelive.orgs.models import STAFF_ROLES

from ..access import (
    CATALOG_ROLES,
    can_manage_project,
    get_milestone_for_user,
    get_visible_project,
    visible_projects,
)
from ..actions import do_copy_project, do_save_catalog
from ..catalog_forms import (
    CopyProjectForm,
    MilestoneForm,
    ProjectForm,
    ProjectMemberForm,
    ProjectStatusForm,
)
from ..models import (
    Client,
    CustomField,
    CustomFieldTarget,
    ProjectMember,
    ProjectStatus,
    TaskStatus,
    TimeEntry,
)

PAGE_SIZE = 50


def staff_membership(request, slug):
    """Everyone but externals."""
    return get_membership(request, slug, roles=STAFF_ROLES)


def save_project(form, acting_user):
    """Save (audited), turning a race on the unique code into the form's own error."""
    try:
        return do_save_catalog(form, acting_user=acting_user)
    except IntegrityError:
        form.add_error("code", "This code is already used by another project.")
        return None


@login_required
def project_list(request, slug):
    membership = staff_membership(request, slug)
    projects = visible_projects(request)
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    else:
        status = ""
        projects = projects.exclude(status=ProjectStatus.ARCHIVED)
    client = request.GET.get("client", "")[:16]
    if client:
        projects = projects.filter(client__uid=client)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(code__icontains=query))
    projects = projects.select_related("client", "project_manager").order_by("name", "id")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    # Members learn client names only through the projects they see.
    clients = Client.objects.filter(org=request.org)
    if not membership.is_admin:
        clients = clients.filter(projects__in=visible_projects(request)).distinct()
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "tracking/projects/list.html", {
        "page": page, "q": query, "status": status, "client": client, "statuses": ProjectStatus.choices,
        "clients": clients.order_by("name").only("uid", "name"), "query": params.urlencode(),
        "can_create": membership.role in CATALOG_ROLES,
    })


@login_required
def project_new(request, slug):
    membership = get_membership(request, slug, roles=CATALOG_ROLES)
    initial = {"client": request.GET.get("client", "")[:16]}
    if not membership.is_admin:
        initial["project_manager"] = request.user.code
    form = ProjectForm(request.POST or None, org=request.org, initial=initial,
                       creator=None if membership.is_admin else request.user)
    if request.method == "POST" and form.is_valid():
        project = save_project(form, request.user)
        if project is not None:
            messages.success(request, f"Project {project} created.")
            return redirect("tracking:project", slug=slug, uid=project.uid)
    return render(request, "tracking/projects/form.html", {"form": form, "project": None},
                  status=400 if form.errors else 200)


def project_totals(project) -> tuple[dict, dict]:
    """Logged seconds per task (None: no task) and for the whole project, in one query."""
    rows = (TimeEntry.objects.filter(project=project).values("task_id")
            .annotate(seconds=Sum("duration"), billable=Sum("duration", filter=Q(billable=True))).order_by())
    by_task = {row["task_id"]: row for row in rows}
    total = {"seconds": sum(r["seconds"] or 0 for r in rows), "billable": sum(r["billable"] or 0 for r in rows)}
    return by_task, total


@login_required
def project_detail(request, slug, uid):
    membership = staff_membership(request, slug)
    project = get_visible_project(request, uid)
    can_manage = can_manage_project(membership, project)
    by_task, total = project_totals(project)
    tasks = list(project.tasks.exclude(status=TaskStatus.ARCHIVED).select_related("milestone")
                 .prefetch_related("assignees").order_by("name", "id"))
    for task in tasks:
        task.logged = (by_task.get(task.id) or {}).get("seconds") or 0
    context = {
        "project": project, "can_manage": can_manage, "tasks": tasks, "total": total,
        "no_task": (by_task.get(None) or {}).get("seconds") or 0,
        "milestones": project.milestones.all(),
        "members": project.memberships.select_related("user").order_by("user__full_name"),
        "can_copy": membership.role in CATALOG_ROLES,
        "custom_values": [
            (f.label, project.custom_fields[f.key])
            for f in CustomField.objects.filter(org=request.org, target=CustomFieldTarget.PROJECT)
            if project.custom_fields.get(f.key) not in (None, "")
        ],
    }
    if can_manage:
        context.update(
            status_form=ProjectStatusForm(initial={"status": project.status}),
            member_form=ProjectMemberForm(project=project),
            milestone_form=MilestoneForm(prefix="milestone"),
            statuses=[c for c in ProjectStatus.choices if c[0] != ProjectStatus.ARCHIVED],
        )
    return render(request, "tracking/projects/detail.html", context)


@login_required
def project_edit(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    form = ProjectForm(request.POST or None, instance=project, org=request.org)
    if request.method == "POST" and form.is_valid():
        if save_project(form, request.user) is not None:
            messages.success(request, "Project saved.")
            return redirect("tracking:project", slug=slug, uid=uid)
    return render(request, "tracking/projects/form.html", {"form": form, "project": project},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def project_status(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    form = ProjectStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the statuses offered.")
    elif form.cleaned_data["status"] == ProjectStatus.ARCHIVED:
        # Archiving asks first, on its own page.
        return redirect("tracking:project_archive", slug=slug, uid=uid)
    else:
        project.status = form.cleaned_data["status"]
        project.save(update_fields=["status", "updated_at"])
        messages.success(request, f"{project} is now {project.get_status_display().lower()}.")
    return redirect("tracking:project", slug=slug, uid=uid)


@login_required
def project_archive(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    if request.method == "POST":
        project.status = ProjectStatus.ARCHIVED
        project.save(update_fields=["status", "updated_at"])
        messages.success(request, f"{project} is archived. Set another status to open it again.")
        return redirect("tracking:project", slug=slug, uid=uid)
    return render(request, "orgs/confirm.html", {
        "title": f"Archive {project}?",
        "message": "Nobody can log time on it any more, and it leaves the project list. Its entries, tasks and "
                   "reports stay. You can change its status back later.",
        "button": "Archive", "cancel_url": reverse("tracking:project", args=[slug, uid]),
    })


# Members


@login_required
@require_POST
def project_member_add(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    form = ProjectMemberForm(request.POST, project=project)
    if form.is_valid():
        person = form.cleaned_data["person"]
        ProjectMember.objects.get_or_create(project=project, user=person)
        messages.success(request, f"{person} is now a member of {project}.")
    else:
        messages.error(request, "Choose a colleague who is not a member yet.")
    return redirect("tracking:project", slug=slug, uid=uid)


@login_required
@require_POST
def project_member_remove(request, slug, uid, code):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    person = User.objects.filter(code=code[:16], project_memberships__project=project).first()
    if person is None:
        raise Http404
    ProjectMember.objects.filter(project=project, user=person).delete()
    messages.success(request, f"{person} is no longer a member of {project}. Their entries stay.")
    return redirect("tracking:project", slug=slug, uid=uid)


# Milestones


@login_required
def milestone_new(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    form = MilestoneForm(request.POST or None, prefix="milestone")
    if request.method == "POST" and form.is_valid():
        milestone = form.save(commit=False)
        milestone.project = project
        milestone.save()
        messages.success(request, f"Milestone {milestone.name} added.")
        return redirect("tracking:project", slug=slug, uid=uid)
    return render(request, "tracking/projects/milestone_form.html", {"form": form, "project": project, "milestone": None},
                  status=400 if form.errors else 200)


@login_required
def milestone_edit(request, slug, uid):
    staff_membership(request, slug)
    milestone = get_milestone_for_user(request, uid, manage=True)
    form = MilestoneForm(request.POST or None, instance=milestone, prefix="milestone")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Milestone saved.")
        return redirect("tracking:project", slug=slug, uid=milestone.project.uid)
    return render(request, "tracking/projects/milestone_form.html",
                  {"form": form, "project": milestone.project, "milestone": milestone},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def milestone_done(request, slug, uid):
    staff_membership(request, slug)
    milestone = get_milestone_for_user(request, uid, manage=True)
    milestone.is_done = request.POST.get("done", "1") == "1"
    milestone.save(update_fields=["is_done"])
    messages.success(request, f"{milestone.name} is {'done' if milestone.is_done else 'open again'}.")
    return redirect("tracking:project", slug=slug, uid=milestone.project.uid)


@login_required
def milestone_delete(request, slug, uid):
    staff_membership(request, slug)
    milestone = get_milestone_for_user(request, uid, manage=True)
    back = reverse("tracking:project", args=[slug, milestone.project.uid])
    if request.method == "POST":
        milestone.delete()
        messages.success(request, f"Removed the milestone {milestone.name}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove the milestone {milestone.name}?",
        "message": "Its tasks stay, without a milestone.", "button": "Remove", "cancel_url": back,
    })


# Copying


@login_required
def project_copy(request, slug, uid):
    membership = get_membership(request, slug, roles=CATALOG_ROLES)
    source = get_visible_project(request, uid)
    form = CopyProjectForm(request.POST or None, org=request.org,
                           initial={"name": source.name if source.is_template else f"Copy of {source.name}",
                                    "start_date": source.start_date})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A manager keeps the right to manage the copy they make.
        manager = None if membership.is_admin or can_manage_project(membership, source) else request.user
        try:
            copy = do_copy_project(source, name=data["name"], code=data["code"], start_date=data["start_date"],
                                   project_manager=manager)
        except IntegrityError:
            form.add_error("code", "This code is already used by another project.")
        else:
            messages.success(request, f"Project {copy} created from {source}.")
            return redirect("tracking:project", slug=slug, uid=copy.uid)
    return render(request, "tracking/projects/copy.html", {"form": form, "source": source},
                  status=400 if form.errors else 200)
