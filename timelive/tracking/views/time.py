import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from timelive.lib.durations import DurationError, format_duration, parse_duration
from timelive.lib.redirects import safe_next
from timelive.orgs.access import get_entry_for_user, get_membership, visible_projects
from timelive.orgs.history import ENTRY_TARGET, HISTORY_LIMIT, history_for, history_items
from timelive.orgs.models import EntryMode
from timelive.privacy.processing import ProcessingRestricted

from .. import actions
from ..entries import EntryData, EntryInvalid, EntryRules, user_zone
from ..forms import EntryForm, TimerForm, project_task_choices, split_choice
from ..grid import build_week, set_cell_total
from ..models import Task, TimeEntry, Timer
from ..periods import period_bounds, week_start


def tracking_membership(request, slug):
    """The requester's membership, for pages of their own time: externals have none."""
    membership = get_membership(request, slug)
    if membership.is_external:
        raise PermissionDenied("External members do not log time here.")
    return membership


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None


def today_for(user) -> dt.date:
    return timezone.localdate(timezone=user_zone(user))


def first_error(exc: EntryInvalid) -> str:
    return " ".join(m for messages_ in exc.errors.values() for m in messages_)


# Week grid


@login_required
def timesheet(request, slug):
    tracking_membership(request, slug)
    return redirect("tracking:week", slug=slug, day=week_start(today_for(request.user), request.org.week_start).isoformat())


def _extra_rows(request, values) -> list:
    """(project, task) pairs named as "projectuid:taskuid" in `values`, among the projects the requester
    may see: a private project's name is no business of those outside it."""
    wanted = [split_choice(v) for v in values if v]
    if not wanted:
        return []
    visible = visible_projects(request)
    projects = {p.uid: p for p in visible.filter(uid__in=[p for p, _ in wanted])}
    tasks = {t.uid: t for t in Task.objects.filter(org=request.org, project__in=visible,
                                                    uid__in=[t for _, t in wanted if t])}
    rows = []
    for project_uid, task_uid in wanted:
        project = projects.get(project_uid)
        task = tasks.get(task_uid) if task_uid else None
        if project and (task_uid is None or (task and task.project_id == project.id)):
            rows.append((project, task))
    return rows


@login_required
def week(request, slug, day):
    membership = tracking_membership(request, slug)
    org = request.org
    day = parse_day(day)
    start = week_start(day, org.week_start)
    if start != day:
        return redirect("tracking:week", slug=slug, day=start.isoformat())
    extra = request.GET.getlist("add")
    if request.GET.get("copy"):
        previous = build_week(org, request.user, start - dt.timedelta(days=7))
        extra += [f"{r.project.uid}:{r.task.uid if r.task else ''}" for r in previous.rows]
        if not previous.rows:
            messages.info(request, "Last week has no rows to copy.")
    grid = build_week(org, request.user, start, _extra_rows(request, extra))
    period = period_bounds(org, start)
    context = {
        "grid": grid,
        "week_start": start,
        "prev_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
        "this_week": week_start(today_for(request.user), org.week_start),
        "today": today_for(request.user),
        "period": period,
        "editable": org.entry_mode == EntryMode.DURATION,
        "row_choices": project_task_choices(org, membership),
        "cell_url": reverse("tracking:week_cell", args=[slug]),
        "added_rows": request.GET.getlist("add"),
        "membership": membership,
    }
    return render(request, "tracking/week.html", context)


@login_required
def week_row(request, slug):
    """One empty row for the grid (htmx "add a row")."""
    tracking_membership(request, slug)
    day = parse_day(request.GET.get("week", ""))
    # The form also carries the rows added before; the new one is the last.
    added = request.GET.getlist("add")
    pairs = _extra_rows(request, added[-1:])
    if not pairs:
        message = "No such project." if any(added[-1:]) else "Choose a project."
        return render(request, "tracking/week.html#row_error", {"message": message}, status=422)
    grid = build_week(request.org, request.user, day, pairs)
    row = next(r for r in grid.rows if r.project.id == pairs[0][0].id and r.task == pairs[0][1])
    return render(request, "tracking/week.html#new_row", {"row": row, "grid": grid,
                                                           "cell_url": reverse("tracking:week_cell", args=[slug]),
                                                       "editable": request.org.entry_mode == EntryMode.DURATION})


@login_required
@require_POST
def week_cell(request, slug):
    membership = tracking_membership(request, slug)
    org = request.org
    project_uid, task_uid = request.POST.get("project", ""), request.POST.get("task") or None
    pairs = _extra_rows(request, [f"{project_uid}:{task_uid or ''}"])
    day = parse_day(request.POST.get("date", ""))
    if not pairs:
        raise Http404
    project, task = pairs[0]
    text = request.POST.get("value", "").strip()
    error = ""
    try:
        seconds = parse_duration(text) if text else 0
        set_cell_total(EntryRules(org, membership), request.user, project, task, day, seconds,
                       request.POST.get("signature", ""))
    except DurationError as exc:
        error = str(exc)
    except EntryInvalid as exc:
        error = first_error(exc)
    except (actions.Conflict, actions.Locked) as exc:
        error = str(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("tracking:week", slug=slug, day=week_start(day, org.week_start).isoformat())
    # The grid as stored now; a refused cell keeps what was typed, with the reason.
    grid = build_week(org, request.user, day, [(project, task)])
    row = next(r for r in grid.rows if r.project.id == project.id and r.task == task)
    cell = row.cells[grid.days.index(day)]
    if error:
        cell.error, cell.text = error, text
    context = {"grid": grid, "row": row, "cell": cell, "editable": True,
               "cell_url": reverse("tracking:week_cell", args=[slug])}
    return render(request, "tracking/week.html#cell_update", context)


# Day view and entries


@login_required
def day_view(request, slug, day):
    membership = tracking_membership(request, slug)
    org = request.org
    day = parse_day(day)
    zone = user_zone(request.user)
    form = EntryForm(request.POST or None, org=org, membership=membership, initial={"date": day})
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.create_entry(EntryRules(org, membership), request.user, EntryData(**form.entry_fields(zone)))
        except EntryInvalid as exc:
            for name, errors in exc.errors.items():
                target = name if name in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            messages.success(request, f"Logged {entry.duration_display} on {entry.project}.")
            return redirect("tracking:day", slug=slug, day=entry.date.isoformat())
    entries = (
        TimeEntry.objects.filter(org=org, user=request.user, date=day)
        .select_related("project", "task").prefetch_related("tags").order_by("start", "id")
    )
    total = sum(e.duration for e in entries)
    return render(request, "tracking/day.html", {
        "day": day, "entries": entries, "total": format_duration(total), "form": form,
        "prev_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
        "week": week_start(day, org.week_start), "today": today_for(request.user),
    }, status=400 if form.errors else 200)


@login_required
def edit_entry(request, slug, uid):
    membership = tracking_membership(request, slug)
    entry = get_entry_for_user(request, uid, for_change=request.method == "POST")
    can_change = entry.user_id == request.user.id or membership.is_admin
    zone = user_zone(entry.user)
    initial = {
        "project_task": f"{entry.project.uid}:{entry.task.uid if entry.task else ''}",
        "date": entry.date, "duration": entry.duration_display, "description": entry.description,
        "billable": "yes" if entry.billable else "no", "tags": ", ".join(t.name for t in entry.tags.all()),
        "start_time": entry.start.astimezone(zone).time() if entry.start else None,
        "end_time": entry.end.astimezone(zone).time() if entry.end else None,
    }
    form = EntryForm(request.POST or None, org=request.org, membership=membership, initial=initial,
                     custom_values=entry.custom_fields)
    if request.method == "POST" and can_change and form.is_valid():
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = -1
        try:
            entry = actions.update_entry(EntryRules(request.org, membership), entry,
                                         EntryData(**form.entry_fields(zone)), expected_version=version)
        except EntryInvalid as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except (actions.Conflict, actions.Locked, ProcessingRestricted) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Entry saved.")
            return redirect("tracking:day", slug=slug, day=entry.date.isoformat())
    # Its history: everyone who may see the entry may see who changed it and how.
    history = history_items(history_for(request.org, ENTRY_TARGET, entry.uid)[:HISTORY_LIMIT])
    return render(request, "tracking/entry_edit.html", {"entry": entry, "form": form, "can_change": can_change,
                                                        "history": history}, status=400 if form.errors else 200)


@login_required
def delete_entry(request, slug, uid):
    tracking_membership(request, slug)
    entry = get_entry_for_user(request, uid, for_change=True)
    if request.method == "POST":
        try:
            actions.delete_entry(entry, acting_user=request.user)
        except (actions.Locked, ProcessingRestricted) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Deleted {entry.duration_display} on {entry.project}.")
        return redirect("tracking:day", slug=slug, day=entry.date.isoformat())
    return render(request, "orgs/confirm.html", {
        "title": "Delete this entry?",
        "message": f"{entry.duration_display} on {entry.project}, {entry.date:%A %d %B %Y}. This cannot be undone.",
        "button": "Delete",
        "cancel_url": reverse("tracking:day", args=[slug, entry.date.isoformat()]),
    })


# Timer


@login_required
def timer_page(request, slug):
    membership = tracking_membership(request, slug)
    timer = Timer.objects.select_related("project", "task").filter(user=request.user).first()
    today = today_for(request.user)
    entries = (TimeEntry.objects.filter(org=request.org, user=request.user, date=today)
               .select_related("project", "task").order_by("-start", "-id"))
    form = TimerForm(org=request.org, membership=membership)
    return render(request, "tracking/timer.html", {"timer": timer, "form": form, "entries": entries, "today": today})


@login_required
@require_POST
def timer_start(request, slug):
    membership = tracking_membership(request, slug)
    form = TimerForm(request.POST, org=request.org, membership=membership)
    back = safe_next(request, reverse("tracking:timer", args=[slug]))
    if not form.is_valid():
        messages.error(request, "Choose a project to start the timer.")
        return redirect(back)
    project, task = split_choice(form.cleaned_data["project_task"])
    try:
        _, stopped = actions.start_timer(EntryRules(request.org, membership), request.user, project=project, task=task,
                                         description=form.cleaned_data["description"])
    except EntryInvalid as exc:
        messages.error(request, first_error(exc))
    else:
        if stopped:
            messages.info(request, f"Stopped the previous timer: {format_duration(sum(e.duration for e in stopped))} logged.")
    return redirect(back)


@login_required
@require_POST
def timer_stop(request, slug):
    membership = tracking_membership(request, slug)
    back = safe_next(request, reverse("tracking:timer", args=[slug]))
    try:
        entries = actions.stop_timer(EntryRules(request.org, membership), request.user)
    except EntryInvalid as exc:
        messages.error(request, first_error(exc) + " You can discard the timer instead.")
        return redirect(back)
    if entries:
        messages.success(request, f"Logged {format_duration(sum(e.duration for e in entries))} on {entries[0].project}.")
    else:
        messages.info(request, "No timer was running.")
    return redirect(back)


@login_required
@require_POST
def timer_discard(request, slug):
    tracking_membership(request, slug)
    deleted, _ = Timer.objects.filter(user=request.user).delete()
    messages.info(request, "Timer discarded." if deleted else "No timer was running.")
    return redirect("tracking:timer", slug=slug)

