"""Tasks of a project: the list with filters, the board, creating and editing,
archiving, and comments with attachments.

Whoever manages the project manages its tasks; an assignee may also move their
own task on the board. Anyone who can see the project may comment; authors
edit and delete their own comments, administrators may delete any.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from timelive.orgs.access import get_membership
from timelive.orgs.models import STAFF_ROLES

from ..access import (
    can_manage_project,
    get_attachment_for_user,
    get_comment_for_user,
    get_visible_project,
    get_visible_task,
)
from ..actions import do_save_catalog
from ..catalog_forms import CommentForm, TaskForm, TaskMoveForm, colleagues
from ..models import Milestone, TaskAttachment, TaskComment, TaskPriority, TaskStatus

PAGE_SIZE = 100
BOARD_COLUMNS = [TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.DONE]
# Most urgent first on the board.
PRIORITY_ORDER = Case(*[When(priority=p, then=Value(i)) for i, p in enumerate(reversed(TaskPriority.values))], default=Value(9))


def staff_membership(request, slug):
    return get_membership(request, slug, roles=STAFF_ROLES)


def filter_tasks(request, project):
    """The project's tasks narrowed by the query string, and the filters as understood."""
    tasks = project.tasks.all()
    f = {key: request.GET.get(key, "")[:100] for key in ("status", "priority", "assignee", "milestone", "q")}
    if f["status"] in TaskStatus.values:
        tasks = tasks.filter(status=f["status"])
    else:
        f["status"] = ""
        tasks = tasks.exclude(status=TaskStatus.ARCHIVED)
    if f["priority"] in TaskPriority.values:
        tasks = tasks.filter(priority=f["priority"])
    else:
        f["priority"] = ""
    if f["assignee"] == "me":
        tasks = tasks.filter(assignees=request.user)
    elif f["assignee"] == "none":
        tasks = tasks.filter(assignees__isnull=True)
    elif f["assignee"]:
        tasks = tasks.filter(assignees__code=f["assignee"])
    if f["milestone"] == "none":
        tasks = tasks.filter(milestone__isnull=True)
    elif f["milestone"]:
        tasks = tasks.filter(milestone__uid=f["milestone"])
    query = " ".join(f["q"].split())
    if query:
        tasks = tasks.filter(Q(name__icontains=query) | Q(description__icontains=query))
    f["q"] = query
    return tasks, f


def task_context(request, project, filters):
    return {
        "project": project, "filters": filters, "statuses": TaskStatus.choices, "priorities": TaskPriority.choices,
        "people": colleagues(request.org).only("code", "full_name", "email"),
        "milestones": Milestone.objects.filter(project=project).only("uid", "name"),
        "can_manage": can_manage_project(request.membership, project),
    }


@login_required
def task_list(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid)
    tasks, filters = filter_tasks(request, project)
    tasks = tasks.select_related("parent", "milestone").prefetch_related("assignees").order_by("name", "id")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = task_context(request, project, filters)
    context.update(page=page, query=params.urlencode())
    return render(request, "tracking/tasks/list.html", context)


@login_required
def task_board(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid)
    tasks, filters = filter_tasks(request, project)
    tasks = tasks.filter(status__in=BOARD_COLUMNS).prefetch_related("assignees").order_by(
        PRIORITY_ORDER, F("due_date").asc(nulls_last=True), "name")
    by_status = {status: [] for status in BOARD_COLUMNS}
    for task in tasks:
        task.movable = context_may_move(request, project, task)
        by_status[task.status].append(task)
    context = task_context(request, project, filters)
    context["columns"] = [(status, TaskStatus(status).label, by_status[status]) for status in BOARD_COLUMNS]
    return render(request, "tracking/tasks/board.html", context)


def context_may_move(request, project, task) -> bool:
    if can_manage_project(request.membership, project):
        return True
    # Assignees are prefetched on board tasks.
    return any(a.pk == request.user.pk for a in task.assignees.all())


@login_required
def task_new(request, slug, uid):
    staff_membership(request, slug)
    project = get_visible_project(request, uid, manage=True)
    initial = {"parent": request.GET.get("parent", "")[:16], "milestone": request.GET.get("milestone", "")[:16]}
    form = TaskForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        task = do_save_catalog(form, acting_user=request.user)
        messages.success(request, f"Task {task.name} added.")
        if request.POST.get("another"):
            return redirect("tracking:task_new", slug=slug, uid=uid)
        return redirect("tracking:task", slug=slug, uid=task.uid)
    return render(request, "tracking/tasks/form.html", {"form": form, "project": project, "task": None},
                  status=400 if form.errors else 200)


@login_required
def task_detail(request, slug, uid):
    membership = staff_membership(request, slug)
    task = get_visible_task(request, uid)
    comments = task.comments.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=TaskAttachment.objects.order_by("id")))
    return render(request, "tracking/tasks/detail.html", {
        "task": task, "project": task.project,
        "can_manage": can_manage_project(membership, task.project),
        "subtasks": task.subtasks.exclude(status=TaskStatus.ARCHIVED).order_by("name"),
        "assignees": task.assignees.all(),
        "comments": comments, "form": CommentForm(),
        "is_admin": membership.is_admin,
    })


@login_required
def task_edit(request, slug, uid):
    staff_membership(request, slug)
    task = get_visible_task(request, uid, manage=True)
    form = TaskForm(request.POST or None, instance=task, project=task.project)
    if request.method == "POST" and form.is_valid():
        do_save_catalog(form, acting_user=request.user)
        messages.success(request, "Task saved.")
        return redirect("tracking:task", slug=slug, uid=uid)
    return render(request, "tracking/tasks/form.html", {"form": form, "project": task.project, "task": task},
                  status=400 if form.errors else 200)


@login_required
def task_archive(request, slug, uid):
    staff_membership(request, slug)
    task = get_visible_task(request, uid, manage=True)
    back = reverse("tracking:task", args=[slug, uid])
    if request.method == "POST":
        task.status = TaskStatus.ARCHIVED
        task.save(update_fields=["status", "updated_at"])
        messages.success(request, f"{task.name} is archived. Edit it to bring it back.")
        return redirect("tracking:tasks", slug=slug, uid=task.project.uid)
    return render(request, "orgs/confirm.html", {
        "title": f"Archive {task.name}?",
        "message": "Nobody can log time on it any more and it leaves the list and the board. Its entries and "
                   "comments stay.",
        "button": "Archive", "cancel_url": back,
    })


@login_required
@require_POST
def task_move(request, slug, uid):
    staff_membership(request, slug)
    task = get_visible_task(request, uid)
    if not can_manage_project(request.membership, task.project) and not task.assignees.filter(pk=request.user.pk).exists():
        raise PermissionDenied("Only the project's managers and the task's assignees can move it.")
    form = TaskMoveForm(request.POST)
    if form.is_valid():
        task.status = form.cleaned_data["status"]
        task.save(update_fields=["status", "updated_at"])
        messages.success(request, f"{task.name} is now {task.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose one of the statuses offered.")
    back = reverse("tracking:task_board", args=[slug, task.project.uid])
    if request.POST.get("next") == "task":
        back = reverse("tracking:task", args=[slug, uid])
    return redirect(back)


# Comments


def save_attachments(comment, files):
    for upload in files:
        TaskAttachment.objects.create(
            comment=comment, file=upload, name=upload.name[-200:], size=upload.size,
            content_type=(upload.content_type or "application/octet-stream")[:100],
        )


def delete_files(names):
    """Remove stored files once the rows that named them are gone for good."""
    from django.core.files.storage import default_storage

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                pass

    transaction.on_commit(remove)


@login_required
@require_POST
def comment_add(request, slug, uid):
    membership = staff_membership(request, slug)
    task = get_visible_task(request, uid)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            comment = TaskComment.objects.create(task=task, author=request.user, body=form.cleaned_data["body"])
            save_attachments(comment, form.cleaned_data["files"])
        messages.success(request, "Comment added.")
        return redirect(reverse("tracking:task", args=[slug, uid]) + f"#comment-{comment.uid}")
    comments = task.comments.select_related("author").prefetch_related("attachments")
    return render(request, "tracking/tasks/detail.html", {
        "task": task, "project": task.project, "can_manage": can_manage_project(membership, task.project),
        "subtasks": task.subtasks.exclude(status=TaskStatus.ARCHIVED).order_by("name"),
        "assignees": task.assignees.all(), "comments": comments, "form": form, "is_admin": membership.is_admin,
    }, status=400)


@login_required
def comment_edit(request, slug, uid):
    staff_membership(request, slug)
    comment = get_comment_for_user(request, uid)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    form = CommentForm(request.POST or None, with_files=False, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        comment.body = form.cleaned_data["body"]
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        messages.success(request, "Comment saved.")
        return redirect(reverse("tracking:task", args=[slug, comment.task.uid]) + f"#comment-{comment.uid}")
    return render(request, "tracking/tasks/comment_form.html", {"form": form, "comment": comment, "task": comment.task},
                  status=400 if form.errors else 200)


@login_required
def comment_delete(request, slug, uid):
    membership = staff_membership(request, slug)
    comment = get_comment_for_user(request, uid)
    if comment.author_id != request.user.pk and not membership.is_admin:
        raise PermissionDenied("Only its author or an administrator can delete a comment.")
    back = reverse("tracking:task", args=[slug, comment.task.uid])
    if request.method == "POST":
        with transaction.atomic():
            names = [a.file.name for a in comment.attachments.all()]
            comment.delete()
            delete_files(names)
        messages.success(request, "Comment deleted.")
        return redirect(back)
    count = comment.attachments.count()
    return render(request, "orgs/confirm.html", {
        "title": "Delete this comment?",
        "message": f"The comment{f' and its {count} attachment' + ('s' if count != 1 else '') if count else ''} "
                   "will be gone for everyone. This cannot be undone.",
        "button": "Delete", "cancel_url": back,
    })


@login_required
def attachment_download(request, slug, uid):
    """Attachments are only ever served here, after the access check, as downloads."""
    staff_membership(request, slug)
    attachment = get_attachment_for_user(request, uid)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    # Served as bytes to download, never rendered: an uploaded page or script cannot run on our origin.
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
