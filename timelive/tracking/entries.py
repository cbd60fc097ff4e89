"""The rules every time entry obeys, whichever door it comes through:
the week grid, the day view, the timer, the API, bulk creation.

EntryRules caches the organisation's projects, tasks, tags, custom fields and
rates, so a batch of a thousand entries is checked with a handful of queries.
"""

import base64
import datetime as dt
import secrets
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q, Sum
from django.utils import timezone

from timelive.approvals.locking import Locks
from timelive.lib.codes import ALPHABET
from timelive.lib.dates import day_problem, moment_problem
from timelive.lib.durations import MAX_DAY_SECONDS, format_duration
from timelive.lib.zones import NonExistentTime, localize, seconds_between
from timelive.orgs.models import ADMIN_ROLES, Role

from .models import (
    CustomField,
    CustomFieldTarget,
    CustomFieldType,
    EntryStatus,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
)
from .rates import RateBook

MAX_TAGS = 20

# Base32 of random bytes, mapped onto the codes' alphabet: the same uniformly random
# 12-character ids as timelive.lib.codes.new_code(), several times faster to make.
_TO_ALPHABET = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())


def new_entry_uid() -> str:
    return base64.b32encode(secrets.token_bytes(10)).translate(_TO_ALPHABET)[:12].decode()


class _NewEntries:
    """Make TimeEntry(org=org, user=user) the quick way: Django's positional constructor
    (the one it uses for rows read from the database) with the field defaults worked out
    once, instead of the keyword constructor, which looks every field up by name."""

    template: list | None = None

    def _prepare(self):
        template, fresh = [], []
        for i, f in enumerate(TimeEntry._meta.concrete_fields):
            if f.attname == "uid":
                self.uid_at = i
                template.append(None)
            elif f.has_default() and callable(f.default):
                fresh.append((i, f.get_default))
                template.append(None)
            else:
                template.append(f.get_default())
        self.fresh, self.template = fresh, template

    def __call__(self, org, user) -> TimeEntry:
        if self.template is None:
            self._prepare()
        values = self.template.copy()
        for i, default in self.fresh:
            values[i] = default()
        values[self.uid_at] = new_entry_uid()
        entry = TimeEntry(*values)
        entry.org = org
        entry.user = user
        return entry


new_entry = _NewEntries()


class EntryInvalid(Exception):
    """`errors` maps a field name (or "__all__") to a list of messages for people."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class EntryData:
    """What someone asks an entry to be. Unset fields (None) keep their value on update."""

    project: str | Project | None = None
    task: str | Task | None = None
    date: dt.date | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration: int | None = None
    description: str | None = None
    billable: bool | None = None
    tags: list[str] | None = None
    custom_fields: dict | None = None
    client_key: str | None = None
    clear_task: bool = False
    clear_times: bool = False
    extra: dict = field(default_factory=dict)


def user_zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_day(moment: dt.datetime, user) -> dt.date:
    return moment.astimezone(user_zone(user)).date()


def make_aware_for(user, moment: dt.datetime) -> dt.datetime:
    """A time without an offset is read in the person's own time zone: a repeated local time
    (clocks going back) is its first occurrence, a skipped one raises NonExistentTime. A time
    with an offset is exact. Precondition: the moment is in range (timelive.lib.dates)."""
    if timezone.is_naive(moment):
        return localize(moment, user_zone(user))
    return moment


# The same answer for a project that does not exist and one the person may not see.
NO_SUCH_PROJECT = "No such project: choose one of your organisation's projects."


class EntryRules:
    def __init__(self, org, membership):
        self.org = org
        self.membership = membership
        self._projects: dict[str, Project] = {}
        self._tasks: dict[str, Task] = {}
        self._tags: dict[str, Tag] | None = None
        self._custom: list[CustomField] | None = None
        self._ratebook: RateBook | None = None
        # For a few entries, only the rates that can apply to them are loaded.
        self._few_rates: dict[tuple, RateBook] = {}
        self._member_projects: dict[int, set[int]] = {}
        self._locks: Locks | None = None

    # Caches

    def preload(self, project_uids=(), task_uids=()):
        missing = [u for u in set(project_uids) if u and u not in self._projects]
        if missing:
            for project in Project.objects.filter(org=self.org, uid__in=missing):
                self._projects[project.uid] = project
        missing = [u for u in set(task_uids) if u and u not in self._tasks]
        if missing:
            for task in Task.objects.filter(org=self.org, uid__in=missing).select_related("project"):
                self._tasks[task.uid] = task

    def project(self, ref) -> Project | None:
        if isinstance(ref, Project):
            return ref if ref.org_id == self.org.id else None
        if ref not in self._projects:
            self.preload(project_uids=[ref])
        return self._projects.get(ref)

    def task(self, ref) -> Task | None:
        if isinstance(ref, Task):
            return ref if ref.org_id == self.org.id else None
        if ref not in self._tasks:
            self.preload(task_uids=[ref])
        return self._tasks.get(ref)

    @property
    def tags(self) -> dict[str, Tag]:
        if self._tags is None:
            self._tags = {t.name.lower(): t for t in Tag.objects.filter(org=self.org)}
        return self._tags

    @property
    def custom_fields(self) -> list[CustomField]:
        if self._custom is None:
            self._custom = list(CustomField.objects.filter(org=self.org, target=CustomFieldTarget.TIME_ENTRY))
        return self._custom

    @property
    def ratebook(self) -> RateBook:
        if self._ratebook is None:
            self._ratebook = RateBook(self.org)
        return self._ratebook

    @property
    def locks(self) -> Locks:
        """Submitted, approved and closed time (approvals/locking.py), read once for this request or batch."""
        if self._locks is None:
            self._locks = Locks(self.org.id)
        return self._locks

    FEW_RATE_QUERIES = 3

    def rates_for(self, entry) -> RateBook:
        """Where to look up `entry`'s rates: the whole book once it is loaded (or once a few
        entries needed their own queries), otherwise just the rates that can apply to it."""
        if self._ratebook is None and len(self._few_rates) < self.FEW_RATE_QUERIES:
            key = (entry.user_id, entry.project_id, entry.task_id)
            book = self._few_rates.get(key)
            if book is None:
                book = self._few_rates[key] = RateBook.for_entry(
                    self.org, user_id=entry.user_id, project_id=entry.project_id, task_id=entry.task_id
                )
            return book
        return self.ratebook

    def value(self, entry) -> None:
        """Store on `entry` the rates in force on its day (see rates.RateBook)."""
        self.rates_for(entry).value(entry)

    def sees(self, project) -> bool:
        """Whether the person applying the rules may see `project` at all (as orgs.access.visible_projects):
        to anyone else it does not exist, and its name is not told."""
        viewer = self.membership.user_id
        if project.is_public or self.membership.role in ADMIN_ROLES:
            return True
        if self.membership.role == Role.MANAGER and viewer in (project.project_manager_id, project.team_lead_id):
            return True
        if viewer not in self._member_projects:
            self._member_projects[viewer] = set(
                ProjectMember.objects.filter(user_id=viewer, project__org=self.org).values_list("project_id", flat=True)
            )
        return project.id in self._member_projects[viewer]

    def may_log_on(self, user, project) -> bool:
        if project.is_public or self.membership.role in ADMIN_ROLES:
            return True
        if user.id not in self._member_projects:
            self._member_projects[user.id] = set(
                ProjectMember.objects.filter(user=user, project__org=self.org).values_list("project_id", flat=True)
            )
        return project.id in self._member_projects[user.id]

    # Building one entry

    def build(self, user, data: EntryData, instance: TimeEntry | None = None) -> tuple[TimeEntry, list[str] | None]:
        """An unsaved entry (or `instance` changed) and the tag names to set, or EntryInvalid."""
        errors: dict[str, list[str]] = defaultdict(list)
        entry = instance or new_entry(self.org, user)
        if self.membership.role == Role.EXTERNAL:
            raise EntryInvalid({"__all__": ["External members do not log time here."]})

        if data.project is not None:
            project = self.project(data.project)
            if project is None or not self.sees(project):
                errors["project"].append(NO_SUCH_PROJECT)
            elif not project.is_open:
                errors["project"].append(f"{project} is {project.get_status_display().lower()}: no time can be logged on it.")
            elif not self.may_log_on(user, project):
                errors["project"].append(f"You are not a member of {project}.")
            else:
                if entry.project_id != project.id and data.billable is None and instance is None:
                    entry.billable = project.billable_by_default
                entry.project = project
        elif instance is None:
            errors["project"].append("Choose a project.")

        if data.clear_task:
            entry.task = None
        elif data.task is not None:
            task = self.task(data.task)
            if task is None or not self.sees(task.project):
                errors["task"].append("Choose one of the project's tasks.")
            elif entry.project_id and task.project_id != entry.project_id:
                errors["task"].append(f"{task} belongs to another project.")
            elif not task.is_open:
                errors["task"].append(f"{task} is archived: no time can be logged on it.")
            else:
                entry.task = task
        elif instance is not None and data.project is not None and entry.task_id:
            if entry.task.project_id != entry.project_id:
                entry.task = None

        self._apply_times(user, entry, data, errors, is_new=instance is None)

        if data.description is not None:
            if len(data.description) > 5000:
                errors["description"].append("Keep the description under 5,000 characters.")
            entry.description = data.description
        if data.billable is not None:
            entry.billable = data.billable
        if data.custom_fields is not None:
            entry.custom_fields = self.clean_custom_fields(data.custom_fields, errors)
        elif instance is None and any(f.required for f in self.custom_fields):
            entry.custom_fields = self.clean_custom_fields({}, errors)
        tag_names = None
        if data.tags is not None:
            tag_names = self.clean_tags(data.tags, errors)
        if data.client_key is not None:
            entry.client_key = data.client_key or None
        if errors:
            raise EntryInvalid(dict(errors))
        self.value(entry)
        entry.updated_at = timezone.now()
        return entry, tag_names

    def _apply_times(self, user, entry, data, errors, *, is_new):
        has_times = data.start is not None or data.end is not None
        if data.clear_times:
            entry.start = entry.end = None
        if has_times:
            if data.start is None or data.end is None:
                errors["end" if data.start else "start"].append("Give both a start and an end time.")
                return
            moments = {}
            for name in ("start", "end"):
                moment = getattr(data, name)
                problem = moment_problem(moment)
                if not problem:
                    try:
                        moments[name] = make_aware_for(user, moment)
                    except NonExistentTime as exc:
                        problem = str(exc)
                if problem:
                    errors[name].append(problem)
            if len(moments) < 2:
                return
            start, end = moments["start"], moments["end"]
            # In UTC: the same zone on both sides would subtract wall clocks, across a daylight-saving change too.
            seconds = seconds_between(start, end)
            if seconds <= 0:
                errors["end"].append("The end must be after the start.")
                return
            if seconds > MAX_DAY_SECONDS:
                errors["end"].append("One entry can be at most 24 hours long.")
                return
            start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
            entry.start, entry.end, entry.duration = start, end, seconds
            entry.date = local_day(start, user)
            if day_problem(entry.date):
                errors["start"].append(day_problem(entry.date))
            elif data.date is not None and data.date != entry.date:
                errors["date"].append("The date must be the day the entry starts, in your time zone.")
            return
        if data.duration is not None:
            if data.duration <= 0:
                errors["duration"].append("The duration must be more than zero.")
            elif data.duration > MAX_DAY_SECONDS:
                errors["duration"].append("One day has at most 24 hours.")
            else:
                entry.duration = data.duration
                if entry.start is not None:
                    # A new duration on a timed entry keeps its start and moves its end.
                    entry.end = entry.start + dt.timedelta(seconds=data.duration)
        elif is_new:
            errors["duration"].append("Give a duration, or a start and an end.")
        if data.date is not None:
            if entry.start is not None and data.date != entry.date:
                errors["date"].append("A timed entry's date follows its start time.")
            elif day_problem(data.date):
                errors["date"].append(day_problem(data.date))
            else:
                entry.date = data.date
        elif is_new:
            errors["date"].append("Choose a date.")

    def clean_tags(self, names, errors) -> list[str]:
        cleaned = []
        for name in names:
            name = " ".join(str(name).split())
            if not name:
                continue
            if len(name) > 60:
                errors["tags"].append(f"“{name[:20]}…” is too long for a tag (60 characters at most).")
                continue
            if self.org.managed_tags and name.lower() not in self.tags:
                errors["tags"].append(f"“{name}” is not one of the organisation's tags.")
                continue
            if name.lower() not in {c.lower() for c in cleaned}:
                cleaned.append(name)
        if len(cleaned) > MAX_TAGS:
            errors["tags"].append(f"An entry can have at most {MAX_TAGS} tags.")
        return cleaned

    def clean_custom_fields(self, values: dict, errors) -> dict:
        if not isinstance(values, dict):
            errors["custom_fields"].append("Custom fields must be an object of field keys and values.")
            return {}
        return clean_custom_values(self.custom_fields, values, errors)

    def tag_objects(self, names) -> list[Tag]:
        """The Tag rows for `names`, creating the new ones (when tags are not managed)."""
        objects = []
        for name in names:
            tag = self.tags.get(name.lower())
            if tag is None:
                tag, _ = Tag.objects.get_or_create(org=self.org, name=name)
                self.tags[name.lower()] = tag
            objects.append(tag)
        return objects

    # Checks across entries

    def check_limits(self, entries: list[TimeEntry], *, replacing: TimeEntry | None = None) -> dict[int, list[str]]:
        """Day totals (24 h at most) and, where the organisation forbids them, overlaps.

        Returns {index in `entries`: [messages]}; each batch is checked together
        with what is already stored.
        """
        problems: dict[int, list[str]] = defaultdict(list)
        if not entries:
            return problems
        # No time goes into a closed period or a submitted or approved timesheet, by any door.
        for index, messages in self.locks.day_problems(entries).items():
            problems[index].extend(messages)
        users = {e.user_id for e in entries}
        days = {e.date for e in entries}
        existing = TimeEntry.objects.filter(org=self.org, user_id__in=users, date__in=days)
        exclude = [e.pk for e in entries if e.pk] + ([replacing.pk] if replacing else [])
        if exclude:
            existing = existing.exclude(pk__in=exclude)
        totals = defaultdict(int)
        for row in existing.values("user_id", "date").annotate(total=Sum("duration")):
            totals[(row["user_id"], row["date"])] = row["total"]
        for index, entry in enumerate(entries):
            key = (entry.user_id, entry.date)
            totals[key] += entry.duration
            if totals[key] > MAX_DAY_SECONDS:
                problems[index].append(
                    f"This would make {format_duration(totals[key])} on {entry.date:%a %d %b}: a day has at most 24 hours."
                )
        if not self.org.allow_overlap:
            timed = [(i, e) for i, e in enumerate(entries) if e.start is not None]
            if timed:
                lo = min(e.start for _, e in timed)
                hi = max(e.end for _, e in timed)
                stored = TimeEntry.objects.filter(
                    org=self.org, user_id__in={e.user_id for _, e in timed}, start__lt=hi, end__gt=lo
                )
                if exclude:
                    stored = stored.exclude(pk__in=exclude)
                others = [(None, e) for e in stored.only("user_id", "start", "end")]
                for i, entry in timed:
                    for j, other in others + timed:
                        if j == i or other.user_id != entry.user_id:
                            continue
                        if other.start < entry.end and entry.start < other.end:
                            problems[i].append(
                                f"It overlaps another entry from {timezone.localtime(other.start, user_zone(entry.user)):%H:%M} "
                                f"to {timezone.localtime(other.end, user_zone(entry.user)):%H:%M}; "
                                "your organisation does not allow overlapping entries."
                            )
                            break
        return problems


def clean_custom_values(definitions, values: dict, errors) -> dict:
    """Check custom field values against their definitions; unknown keys are refused."""
    known = {f.key: f for f in definitions}
    cleaned = {}
    for key in values:
        if key not in known:
            errors["custom_fields"].append(f"There is no custom field “{key}”.")
    for key, definition in known.items():
        value = values.get(key)
        if value in (None, ""):
            if definition.required:
                errors["custom_fields"].append(f"{definition.label} is required.")
            continue
        if definition.field_type == CustomFieldType.NUMBER:
            try:
                number = Decimal(str(value))
                if not number.is_finite():
                    raise InvalidOperation
                cleaned[key] = str(number)
            except (InvalidOperation, ValueError):
                errors["custom_fields"].append(f"{definition.label} must be a number.")
        elif definition.field_type == CustomFieldType.DATE:
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                errors["custom_fields"].append(f"{definition.label} must be a date like 2026-01-31.")
            else:
                if day_problem(day):
                    errors["custom_fields"].append(f"{definition.label}: {day_problem(day)}")
                cleaned[key] = day.isoformat()
        elif definition.field_type == CustomFieldType.CHOICE:
            if str(value) not in definition.choices:
                errors["custom_fields"].append(f"{definition.label} must be one of: {', '.join(definition.choices)}.")
            else:
                cleaned[key] = str(value)
        else:
            text = str(value)
            if len(text) > 500:
                errors["custom_fields"].append(f"{definition.label} may have at most 500 characters.")
            cleaned[key] = text[:500]
    return cleaned


def editable_entries_q(user):
    return Q(user=user, status__in=[EntryStatus.OPEN, EntryStatus.REJECTED])
