"""The week grid: rows of project × task, one cell per day."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Sum

from timelive.lib.durations import format_duration
from timelive.orgs.access import lock_member

from .actions import Conflict, Locked, create_entry, delete_entries, update_entry
from .entries import EntryData, EntryInvalid
from .models import Project, Task, TimeEntry
from .periods import week_days


def row_key(project_id, task_id) -> str:
    return f"{project_id}-{task_id or 0}"


def cell_signature(total: int, count: int, version: int, last_id: int) -> str:
    # Changes whenever anyone adds, edits or deletes an entry in the cell.
    return f"{total}.{count}.{version}.{last_id}"


@dataclass
class Cell:
    day: dt.date
    total: int = 0
    signature: str = "0.0.0.0"
    # What was typed and sent: an unreadable or refused value is shown again, or named in the message.
    text: str = ""
    error: str = ""
    # True when `text` could not be saved as typed (bad format, rule broken): shown again to be fixed.
    # A lost update or locked day shows the stored time instead, with what was typed in `error`.
    keep_text: bool = False
    # Why the cell's day is locked (submitted, approved, closed), or "": a locked cell is shown as text.
    locked: str = ""

    @property
    def display(self):
        return self.text if self.keep_text else format_duration(self.total) if self.total else ""


@dataclass
class Row:
    project: Project
    task: Task | None
    cells: list[Cell] = field(default_factory=list)
    # Added to the week by hand (kept in the address): it may be removed while it has no time.
    kept: bool = False
    # Its first open cell takes the focus (a row just added).
    focus: bool = False

    @property
    def focus_day(self):
        if self.focus:
            return next((c.day for c in self.cells if not c.locked), None)
        return None

    @property
    def key(self):
        return row_key(self.project.uid, self.task.uid if self.task else None)

    @property
    def label(self):
        # As the add-row options read (forms.project_task_choices): the project's name first, its code last.
        code = f" — {self.project.code}" if self.project.code else ""
        return f"{self.project.name} · {self.task}{code}" if self.task else f"{self.project.name}{code}"

    @property
    def total(self):
        return sum(c.total for c in self.cells)


@dataclass
class Week:
    days: list[dt.date]
    rows: list[Row]
    # {day: why it is locked}, filled by mark_locked().
    locked: dict = field(default_factory=dict)

    @property
    def all_locked(self):
        return len(self.locked) == len(self.days)

    @property
    def lock_notes(self) -> list[str]:
        """The reasons for the locked days, each once: consecutive days with the same reason
        share one line ("Mon 23 Nov to Sun 29 Nov are in a timesheet that is …")."""
        groups: dict[str, list[dt.date]] = {}
        for day in self.days:
            if day in self.locked:
                reason = self.locked[day]
                groups.setdefault(reason.removeprefix(f"{day:%a %-d %b} "), []).append(day)
        notes = []
        for rest, days in groups.items():
            if len(days) == 1 or rest == self.locked[days[0]] or not rest.startswith("is "):
                # A reason that names no day (a closed period) once; others day by day.
                notes.extend(dict.fromkeys(self.locked[d] for d in days))
                continue
            contiguous = (days[-1] - days[0]).days == len(days) - 1
            label = (f"{days[0]:%a %-d %b} to {days[-1]:%a %-d %b}" if contiguous
                     else ", ".join(f"{d:%a %-d %b}" for d in days))
            notes.append(f"{label} are {rest.removeprefix('is ')}")
        return notes

    def day_totals(self):
        return [sum(r.cells[i].total for r in self.rows) for i in range(len(self.days))]

    def days_with_totals(self):
        return list(zip(self.days, self.day_totals(), strict=True))

    @property
    def total(self):
        return sum(r.total for r in self.rows)


def build_week(org, user, day: dt.date, extra_rows=()) -> Week:
    """The person's week holding `day`: a row per project/task with time, plus `extra_rows`
    ((project, task) pairs the person added). Three queries, whatever the table's size."""
    days = week_days(day, org.week_start)
    cells = (
        TimeEntry.objects.filter(org=org, user=user, date__gte=days[0], date__lte=days[-1])
        .values("project_id", "task_id", "date")
        .annotate(total=Sum("duration"), n=Count("id"), v=Max("version"), last=Max("id"))
        .order_by()
    )
    found = {}
    for c in cells:
        found[(c["project_id"], c["task_id"], c["date"])] = c
    pairs = {(c["project_id"], c["task_id"]) for c in found.values()}
    pairs.update((p.id, t.id if t else None) for p, t in extra_rows)
    projects = {p.id: p for p, _ in extra_rows}
    tasks = {t.id: t for _, t in extra_rows if t}
    missing_projects = {p for p, _ in pairs if p not in projects}
    if missing_projects:
        projects.update((p.id, p) for p in Project.objects.filter(id__in=missing_projects).select_related("client"))
    missing_tasks = {t for _, t in pairs if t and t not in tasks}
    if missing_tasks:
        tasks.update((t.id, t) for t in Task.objects.filter(id__in=missing_tasks))
    rows = []
    for project_id, task_id in pairs:
        row = Row(projects[project_id], tasks.get(task_id))
        for d in days:
            c = found.get((project_id, task_id, d))
            if c:
                row.cells.append(Cell(d, c["total"], cell_signature(c["total"], c["n"], c["v"], c["last"])))
            else:
                row.cells.append(Cell(d))
        rows.append(row)
    rows.sort(key=lambda r: (r.project.name.casefold(), r.project.code.casefold(), str(r.task or "").casefold()))
    return Week(days, rows)


@dataclass
class _DayProbe:
    # What Locks.day_problems reads of an entry: whose time, which day.
    user_id: int
    date: dt.date


def mark_locked(week: Week, locks, user) -> None:
    """Note on `week` and its cells which days are locked for `user` (locks: approvals' Locks).
    One query for the whole week (two the first time `locks` is asked)."""
    problems = locks.day_problems([_DayProbe(user.id, d) for d in week.days])
    week.locked = {week.days[i]: reasons[0] for i, reasons in problems.items()}
    for row in week.rows:
        for cell in row.cells:
            cell.locked = week.locked.get(cell.day, "")


@transaction.atomic
def set_cell_total(rules, user, project, task, day, seconds: int, expected_signature: str) -> None:
    """Make the cell total `seconds`: create, adjust or (for 0) delete its entries.

    Refuses with Conflict when the cell changed since the page showed
    `expected_signature`, so two people (or tabs) cannot overwrite each other.
    The caller reads the grid again afterwards, for the row and day totals.
    """
    # Two tabs saving one empty cell: the second waits here, then sees the first's entry.
    lock_member(rules.org.id, user.pk)
    entries = list(
        TimeEntry.objects.select_for_update(of=("self",)).select_related("project", "task")
        .filter(org=rules.org, user=user, project=project, task=task, date=day)
        .order_by("id")
    )
    total = sum(e.duration for e in entries)
    current = cell_signature(total, len(entries), max((e.version for e in entries), default=0),
                             max((e.id for e in entries), default=0))
    if current != expected_signature:
        raise Conflict("This cell was changed elsewhere meanwhile; it shows what is stored now.")
    if seconds == total:
        return
    if any(rules.locks.locks_status(e.status) for e in entries):
        raise Locked("This day's time is submitted or approved and cannot be changed here.")
    # A closed period, or a submitted timesheet holding time added while it was not locked.
    day_problems = rules.locks.day_problems(entries)
    if day_problems:
        raise Locked(day_problems[0][0])
    if seconds == 0:
        delete_entries(entries, actor_id=rules.membership.user_id)
    elif not entries:
        create_entry(rules, user, EntryData(project=project, task=task, date=day, duration=seconds))
    else:
        last = entries[-1]
        new_duration = last.duration + (seconds - total)
        if new_duration <= 0:
            raise EntryInvalid({"__all__": [
                "This day has several entries; to lower it that much, change them in the day view."
            ]})
        update_entry(rules, last, EntryData(duration=new_duration))
