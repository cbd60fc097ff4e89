import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from timelive.approvals.locking import Locks
from timelive.lib.dates import day_in_range
from timelive.lib.durations import DurationError, format_duration, parse_duration
from timelive.lib.redirects import safe_next
from timelive.orgs.access import get_membership
from timelive.orgs.history import ENTRY_TARGET, HISTORY_LIMIT, history_for, history_items
from timelive.orgs.models import EntryMode
from timelive.privacy.core.processing import ProcessingRestricted

from .. import actions
from ..access import get_entry_for_user, visible_projects
from ..entries import EntryData, EntryInvalid, EntryRules, user_zone
from ..forms import EntryForm, TimerForm, project_task_choices, split_choice
from ..grid import Row, build_week, mark_locked, row_key, set_cell_total
from ..models import Task, TimeEntry
from ..periods import period_bounds, week_start


def tracking_membership(request, slug):
    """The requester's membership, for pages of their own time: externals have none."""
    membership = get_membership(request, slug)
    if membership.is_external:
        raise PermissionDenied("External members do not log time here.")
    return membership


def parse_day(text: str) -> dt.date:
    """A day of a URL or parameter; outside TimeLive's date range there is no page (nor any week or
    period arithmetic that could run off the calendar)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None
    if not day_in_range(day):
        raise Http404("Not a day TimeLive keeps.")
    return day


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


def _choice(project, task) -> str:
    return f"{project.uid}:{task.uid if task else ''}"


# Rows added to a week without time yet are kept in the page's address (?add=projectuid:taskuid,
# once each), pushed by htmx as they are added or removed: a reload, a bookmark or the back
# button shows the same rows, nothing is stored for them, and other weeks start clean.
class KeptRows:
    def __init__(self, request, values):
        self.pairs = list(dict.fromkeys(_extra_rows(request, values)))
        self.values = [_choice(p, t) for p, t in self.pairs]

    def add(self, pairs):
        for pair in pairs:
            if pair not in self.pairs:
                self.pairs.append(pair)
                self.values.append(_choice(*pair))

    def drop(self, value) -> bool:
        if value not in self.values:
            return False
        del self.pairs[self.values.index(value)]
        self.values.remove(value)
        return True

    def url(self, slug, start) -> str:
        url = reverse("tracking:week", args=[slug, start.isoformat()])
        return f"{url}?{urlencode([('add', v) for v in self.values])}" if self.values else url


def _change_rows(request, start, kept: KeptRows, shown: set[str]):
    """Apply the add-row form's `new`, `drop` or `copy` to `kept`, the grid showing the rows `shown`.
    Returns the values of the rows to show that the page does not show yet (None for a row that
    does not exist), the value dropped (or ""), and a message."""
    org, params = request.org, request.GET
    if drop := params.get("drop"):
        return [], drop if kept.drop(drop) else "", ""
    if params.get("copy"):
        previous = build_week(org, request.user, start - dt.timedelta(days=7))
        if not previous.rows:
            return [], "", "Last week has no rows to copy."
        pairs = [(r.project, r.task) for r in previous.rows if _choice(r.project, r.task) not in shown]
        kept.add(pairs)
        return [_choice(*p) for p in pairs], "", "" if pairs else "Last week's rows are already in this week."
    pairs = _extra_rows(request, [params.get("new", "")])
    if not pairs:
        # A project the person may not see is as unknown as one that does not exist.
        return None, "", "No such project." if params.get("new") else "Choose a project."
    if _choice(*pairs[0]) in shown:
        return [], "", f"{Row(*pairs[0]).label} is already in this week's grid."
    kept.add(pairs)
    return [_choice(*pairs[0])], "", ""


def _row_choices(org, membership, grid):
    """The add-row select's options, without the rows the grid shows already."""
    shown = {_choice(r.project, r.task) for r in grid.rows}
    groups = []
    for group, options in project_task_choices(org, membership):
        options = [(v, label) for v, label in options if v not in shown]
        if options:
            groups.append((group, options))
    return groups


def _grid_context(request, slug, start, grid, kept: KeptRows, membership):
    for row in grid.rows:
        row.kept = _choice(row.project, row.task) in kept.values
    return {
        "grid": grid,
        "week_start": start,
        "editable": request.org.entry_mode == EntryMode.DURATION,
        "row_choices": _row_choices(request.org, membership, grid),
        "cell_url": reverse("tracking:week_cell", args=[slug]),
        "kept_rows": kept.values,
        "membership": membership,
    }


@login_required
def week(request, slug, day):
    membership = tracking_membership(request, slug)
    org = request.org
    day = parse_day(day)
    start = week_start(day, org.week_start)
    if start != day:
        return redirect("tracking:week", slug=slug, day=start.isoformat())
    kept = KeptRows(request, request.GET.getlist("add"))
    if any(k in request.GET for k in ("new", "drop", "copy")):
        # The add-row form without JavaScript: change the rows, then show them at their address.
        shown = {_choice(r.project, r.task) for r in build_week(org, request.user, start, kept.pairs).rows}
        _, _, message = _change_rows(request, start, kept, shown)
        if message:
            messages.info(request, message)
        return redirect(kept.url(slug, start))
    grid = build_week(org, request.user, start, kept.pairs)
    # Submitted, approved and closed days are shown read-only, with the reasons at the top.
    mark_locked(grid, Locks(org.id), request.user)
    context = _grid_context(request, slug, start, grid, kept, membership)
    context.update({
        "prev_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
        "this_week": week_start(today_for(request.user), org.week_start),
        "today": today_for(request.user),
        "period": period_bounds(org, start),
    })
    return render(request, "tracking/week.html", context)


@login_required
def week_row(request, slug):
    """The add-row form through htmx: rows added (a chosen one, or last week's) or one removed.
    Answers with the new rows, and out of band the form's kept rows, its select and a message;
    the address (with the kept rows) is pushed so that a reload shows the same grid."""
    membership = tracking_membership(request, slug)
    start = week_start(parse_day(request.GET.get("week", "")), request.org.week_start)
    kept = KeptRows(request, request.GET.getlist("add"))
    before = build_week(request.org, request.user, start, kept.pairs)
    was_empty = not before.rows
    added, dropped, message = _change_rows(request, start, kept, {_choice(r.project, r.task) for r in before.rows})
    if added is None:
        return render(request, "tracking/week.html#row_error", {"message": message}, status=422)
    grid = build_week(request.org, request.user, start, kept.pairs)
    mark_locked(grid, Locks(request.org.id), request.user)
    context = _grid_context(request, slug, start, grid, kept, membership)
    new_rows = [r for r in grid.rows if _choice(r.project, r.task) in added]
    if new_rows:
        new_rows[0].focus = True
    gone = dropped and not any(_choice(r.project, r.task) == dropped for r in grid.rows)
    context.update({
        "new_rows": new_rows, "message": message, "oob": True,
        "remove_empty": was_empty and bool(new_rows),
        "show_empty": not grid.rows and not was_empty,
        "gone_key": row_key(*(split_choice(dropped))) if gone else "",
    })
    response = render(request, "tracking/week.html#rows_update", context)
    return push_url(response, kept.url(slug, start))


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
    error, keep_text = "", False
    try:
        seconds = parse_duration(text) if text else 0
        set_cell_total(EntryRules(org, membership), request.user, project, task, day, seconds,
                       request.POST.get("signature", ""))
    except DurationError as exc:
        error, keep_text = str(exc), True
    except EntryInvalid as exc:
        error, keep_text = first_error(exc), True
    except (actions.Conflict, actions.Locked) as exc:
        # The cell goes back to what is stored, so the screen and the message agree.
        typed = f"you typed {text}" if text else "you cleared it"
        reason = str(exc).rstrip(".")
        error = (f"{reason} ({typed}). Type yours again to replace it." if isinstance(exc, actions.Conflict)
                 else f"{reason} ({typed}).")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("tracking:week", slug=slug, day=week_start(day, org.week_start).isoformat())
    # The grid as stored now. Only the cell's state and the totals travel back (out of band):
    # the cell's field may be under the cursor again, with a correction being typed.
    grid = build_week(org, request.user, day, [(project, task)])
    row = next(r for r in grid.rows if r.project.id == project.id and r.task == task)
    cell = row.cells[grid.days.index(day)]
    cell.text, cell.error, cell.keep_text = text, error, keep_text
    context = {"grid": grid, "row": row, "cell": cell, "oob": True}
    return render(request, "tracking/week.html#cell_update", context)


# Day view and entries


def _locked_day(org, user, day, entries):
    """Whether `day` is locked for `user` and the reasons to show, each once; sets
    `locked_reason` on each of `entries` (those of that person and day). Two queries at most,
    however many entries: one day_problems() for all of them, plus the day itself."""
    locks = Locks(org.id)
    probe = TimeEntry(org=org, user=user, date=day)
    problems = locks.day_problems([*entries, probe])
    for index, entry in enumerate(entries):
        if locks.locks_status(entry.status) or locks.is_closed(entry.date):
            # Answered from the settings already read: no query.
            entry.locked_reason = locks.entry_reason(entry)
        else:
            entry.locked_reason = problems[index][0] if index in problems else ""
    day_reason = problems[len(entries)][0] if len(entries) in problems else ""
    reasons = dict.fromkeys(r for r in [day_reason, *(e.locked_reason for e in entries)] if r)
    return bool(day_reason), list(reasons)


@login_required
def day_view(request, slug, day):
    membership = tracking_membership(request, slug)
    org = request.org
    day = parse_day(day)
    form = EntryForm(request.POST or None, org=org, membership=membership, initial={"date": day})
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.create_entry(EntryRules(org, membership), request.user, EntryData(**form.entry_fields()))
        except EntryInvalid as exc:
            for name, errors in exc.errors.items():
                target = name if name in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            messages.success(request, f"Logged {entry.duration_display} on {entry.project}.")
            return redirect("tracking:day", slug=slug, day=entry.date.isoformat())
    entries = list(
        TimeEntry.objects.filter(org=org, user=request.user, date=day)
        .select_related("project", "task").prefetch_related("tags").order_by("start", "id")
    )
    total = sum(e.duration for e in entries)
    day_locked, reasons = _locked_day(org, request.user, day, entries)
    return render(request, "tracking/day.html", {
        "day": day, "entries": entries, "total": format_duration(total), "form": form,
        "day_locked": day_locked, "lock_reasons": reasons,
        "prev_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
        "week": week_start(day, org.week_start), "today": today_for(request.user),
    }, status=400 if form.errors else 200)


@login_required
def edit_entry(request, slug, uid):
    membership = tracking_membership(request, slug)
    entry = get_entry_for_user(request, uid, for_change=request.method == "POST")
    can_change = entry.user_id == request.user.id or membership.is_admin
    # Locked time is shown as it is, with the reason, instead of a form that would refuse.
    locked_reason = Locks(request.org.id).entry_reason(entry) if can_change else ""
    can_change = can_change and not locked_reason
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
                                         EntryData(**form.entry_fields()), expected_version=version)
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
    return render(request, "tracking/entry_edit.html", {
        "entry": entry, "form": form, "can_change": can_change, "locked_reason": locked_reason, "history": history,
    }, status=400 if form.errors or (request.method == "POST" and locked_reason) else 200)


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
    reason = Locks(request.org.id).entry_reason(entry, "deleted")
    if reason:
        return render(request, "orgs/confirm.html", {
            "title": "This entry cannot be deleted",
            "message": f"{entry.duration_display} on {entry.project}, {entry.date:%A %d %B %Y}. {reason}",
            "cancel_url": reverse("tracking:day", args=[slug, entry.date.isoformat()]),
        })
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
    rules = EntryRules(request.org, membership)
    timer = actions.running_timer(request.org, request.user)
    today = today_for(request.user)
    entries = (TimeEntry.objects.filter(org=request.org, user=request.user, date=today)
               .select_related("project", "task").order_by("-start", "-id"))
    form = TimerForm(org=request.org, membership=membership)
    # A timer over locked days cannot be stopped onto them: offer an open day instead.
    locked = actions.timer_lock(rules, request.user, timer)
    return render(request, "tracking/timer.html", {"timer": timer, "form": form, "entries": entries, "today": today,
                                                   "locked": locked})


def _stop_day(request) -> dt.date | None:
    text = request.POST.get("day", "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


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
    day = _stop_day(request)
    if request.POST.get("day") and day is None:
        messages.error(request, "Choose the day to log the timer on.")
        return redirect("tracking:timer", slug=slug)
    try:
        entries = actions.stop_timer(EntryRules(request.org, membership), request.user, day=day)
    except actions.TimerLocked as exc:
        # The timer keeps running; the timer page offers an open day to log it on.
        messages.error(request, f"{exc.reason} The timer is still running: log it on another day, or discard it.")
        return redirect("tracking:timer", slug=slug)
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
    membership = tracking_membership(request, slug)
    discarded = actions.discard_timer(EntryRules(request.org, membership), request.user)
    messages.info(request, "Timer discarded." if discarded else "No timer was running.")
    return redirect("tracking:timer", slug=slug)
