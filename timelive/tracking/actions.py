"""Saving time entries and running the timer.

Every change goes through here, so that the rules in entries.py hold for the
week grid, the timer, the API and bulk imports alike.
"""

import contextlib
import datetime as dt
import threading

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from timelive.approvals.locking import Locks
from timelive.lib.bulk import bulk_insert
from timelive.lib.zones import start_of_day
from timelive.orgs.access import lock_member
from timelive.orgs.actions import audit, json_value
from timelive.orgs.history import ENTRY_TARGET, audit_row, field_changes, write_rows
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.core.processing import edit_refusal, refuse_edit_while_restricted

from .entries import EntryData, EntryInvalid, EntryRules, user_zone
from .models import (
    CustomField,
    EntryStatus,
    Milestone,
    Project,
    ProjectMember,
    Rate,
    Tag,
    Task,
    TaskStatus,
    TimeEntry,
    Timer,
)
from .rates import RateBook, rate_level
from .signals import CREATED, DELETED, UPDATED, announce_entries


class Conflict(Exception):
    """Someone else changed the entry since it was read; nothing was saved."""


class Locked(Exception):
    """The entry is submitted or approved and cannot be changed."""


class TimerLocked(EntryInvalid):
    """The timer's day is locked (closed, or in a submitted or approved timesheet).

    An EntryInvalid, so that callers that show a rule's message show this one too;
    `open_day` is the first open day from today on, where a stopped timer can be logged instead
    (None when starting)."""

    def __init__(self, reason: str, open_day: dt.date | None = None):
        super().__init__({"__all__": [reason]})
        self.reason, self.open_day = reason, open_day


EDITABLE_STATUSES = (EntryStatus.OPEN, EntryStatus.REJECTED)


# The audit trail of time entries: every create, change and delete records who, when and
# {field: [old, new]} (timelive.orgs.history), in the transaction of the change itself.

# What an entry's history follows, field by field.
ENTRY_FIELDS = ("project", "task", "date", "start", "end", "duration", "description", "billable", "tags", "status",
                "bill_rate", "bill_currency", "cost_rate", "cost_currency", "custom_fields")


def entry_values(entry: TimeEntry, tag_names=None) -> dict:
    """The entry's followed fields; tags only when `tag_names` are given (they are a separate table).
    Expects the entry's project and task loaded (they are recorded by name)."""
    values = {name: getattr(entry, name) for name in ENTRY_FIELDS if name not in ("project", "task", "tags")}
    values["project"] = str(entry.project) if entry.project_id else None
    values["task"] = str(entry.task) if entry.task_id else None
    # Instants in UTC, whatever zone the entry was typed in, so equal times compare equal.
    values["start"] = entry.start.astimezone(dt.UTC) if entry.start else None
    values["end"] = entry.end.astimezone(dt.UTC) if entry.end else None
    values["custom_fields"] = dict(entry.custom_fields or {})
    if tag_names is not None:
        values["tags"] = sorted(tag_names, key=str.lower)
    return values


def entry_label(day, project) -> str:
    """Short, and naming nobody: the day and the project."""
    return f"{day.isoformat()} {project}"


def entry_audit_row(org, actor_id, event, entry: TimeEntry, changes: dict, *, created_at=None, **extra) -> AuditLog:
    return audit_row(org, event, actor_id=actor_id, target_type=ENTRY_TARGET, target_id=entry.uid,
                     target_label=entry_label(entry.date, entry.project), created_at=created_at,
                     changes=changes, **extra)


def _tag_names_of(entries) -> dict[int, list[str]]:
    """{entry pk: tag names} for stored entries, in one query."""
    names: dict[int, list[str]] = {entry.pk: [] for entry in entries}
    through = TimeEntry.tags.through
    for entry_id, name in through.objects.filter(timeentry_id__in=list(names)).values_list("timeentry_id", "tag__name"):
        names[entry_id].append(name)
    return names


def _set_tags(entry: TimeEntry, tags) -> tuple[list[str], list[str]]:
    """entry.tags.set(tags), reading the old tags' names in the query set() would make anyway.
    Returns (old names, new names)."""
    through = TimeEntry.tags.through
    old = dict(through.objects.filter(timeentry_id=entry.pk).values_list("tag_id", "tag__name"))
    wanted = {tag.pk: tag.name for tag in tags}
    removed = [tag_id for tag_id in old if tag_id not in wanted]
    if removed:
        through.objects.filter(timeentry_id=entry.pk, tag_id__in=removed).delete()
    added = [through(timeentry_id=entry.pk, tag_id=tag_id) for tag_id in wanted if tag_id not in old]
    if added:
        through.objects.bulk_create(added)
    return list(old.values()), list(wanted.values())


def _raise_limits(rules, entries, replacing=None):
    problems = rules.check_limits(entries, replacing=replacing)
    if problems:
        raise EntryInvalid({"__all__": [m for messages in problems.values() for m in messages]})


_sqlite_writers = threading.Lock()


def _writer_turn():
    """On SQLite, one write transaction at a time per process: this process's threads queue
    here and start the moment the previous one commits, instead of polling SQLite's write lock
    with growing sleeps (and taking the GIL from the one holding it). Not inside a transaction
    that may already hold the write lock, which would be a deadlock."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return contextlib.nullcontext()
    return _sqlite_writers


def _refuse_if_restricted(rules: EntryRules, person) -> None:
    """Another member may not change a restricted person's time (the person and the operator may)."""
    if person.is_restricted and person.pk != rules.membership.user_id:
        refuse_edit_while_restricted(person, rules.membership.user)


def create_entry(rules: EntryRules, user, data: EntryData) -> TimeEntry:
    # Checking the entry only reads; the transaction (on SQLite, the write lock)
    # covers the day totals and the insert, so that writers queue for less time.
    _refuse_if_restricted(rules, user)
    entry, tag_names = rules.build(user, data)
    with _writer_turn(), transaction.atomic():
        # The checks below and the insert are one step for this person: no other write of theirs between.
        lock_member(rules.org.id, user.pk)
        _raise_limits(rules, [entry])
        entry.save()
        tags = rules.tag_objects(tag_names) if tag_names else []
        if tags:
            entry.tags.set(tags)
        changes = field_changes(None, entry_values(entry, [t.name for t in tags]), ENTRY_FIELDS)
        entry_audit_row(rules.org, rules.membership.user_id, AuditEvent.ENTRY_CREATED, entry, changes).save()
        announce_entries(CREATED, [entry])
    return entry


@transaction.atomic
def update_entry(rules: EntryRules, entry: TimeEntry, data: EntryData, *, expected_version: int | None = None) -> TimeEntry:
    """Change an entry. With `expected_version`, refuse (Conflict) if it changed meanwhile."""
    lock_member(rules.org.id, entry.user_id)
    current = TimeEntry.objects.select_for_update(of=("self",)).select_related("project", "task", "user").get(pk=entry.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict("Someone changed this entry meanwhile. Reload to see the latest.")
    _refuse_if_restricted(rules, current.user)
    # Submitted, approved or closed time (the organisation's approval settings say which).
    reason = rules.locks.entry_reason(current)
    if reason:
        raise Locked(reason)
    # build() changes `current` in place: what it was is read first.
    before = entry_values(current)
    updated, tag_names = rules.build(current.user, data, instance=current)
    _raise_limits(rules, [updated])
    updated.version = current.version + 1
    updated.save()
    after = entry_values(updated)
    if tag_names is not None:
        before["tags"], after["tags"] = (sorted(names, key=str.lower)
                                         for names in _set_tags(updated, rules.tag_objects(tag_names)))
    changes = field_changes(before, after, ENTRY_FIELDS)
    if changes:
        entry_audit_row(rules.org, rules.membership.user_id, AuditEvent.ENTRY_CHANGED, updated, changes).save()
        announce_entries(UPDATED, [updated])
    return updated


@transaction.atomic
def delete_entry(entry: TimeEntry, *, expected_version: int | None = None, acting_user=None) -> None:
    """Delete an entry. With `acting_user`, refuse (ProcessingRestricted) someone else's while
    its person's processing is restricted."""
    lock_member(entry.org_id, entry.user_id)
    current = TimeEntry.objects.select_for_update(of=("self",)).select_related("project", "task").get(pk=entry.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict("Someone changed this entry meanwhile. Reload to see the latest.")
    if acting_user is not None and current.user_id != acting_user.pk:
        refuse_edit_while_restricted(current.user, acting_user)
    reason = Locks(current.org_id).entry_reason(current, "deleted")
    if reason:
        raise Locked(reason)
    delete_entries([current], actor_id=acting_user.pk if acting_user is not None else None)


def delete_entries(entries: list[TimeEntry], *, actor_id) -> None:
    """Delete stored entries (locked, checked and with project and task loaded by the caller),
    recording each one's last values; one query for their tags and one for the audit rows."""
    if not entries:
        return
    tags = _tag_names_of(entries)
    rows = [entry_audit_row(entry.org_id, actor_id, AuditEvent.ENTRY_DELETED, entry,
                            field_changes(entry_values(entry, tags[entry.pk]), None, ENTRY_FIELDS))
            for entry in entries]
    announce_entries(DELETED, entries, tags)
    for entry in entries:
        entry.delete()
    write_rows(rows)


# Values that every database adapter takes as they are; anything else goes through its field.
def insert_entries(entries: list[TimeEntry]) -> list[TimeEntry]:
    """INSERT new entries in as few statements as the database allows (see lib/bulk.py)."""
    return bulk_insert(entries, TimeEntry)


def bulk_create_entries(rules: EntryRules, user_for, items: list[tuple[str, EntryData]], *, atomic_batch: bool):
    """Create many entries with client idempotency keys.

    `items` are (key, data); `user_for(data)` gives the person each is for.
    Keys already used (by earlier batches) are skipped and reported as
    existing. With `atomic_batch`, one bad row creates none of the batch;
    otherwise exactly the good rows are created.

    Returns (results, created_count) where results[i] is
    {"key", "status": created|exists|invalid, "id"?, "errors"?}.
    """
    keys = [key for key, _ in items]
    results: list[dict] = [{"key": key} for key in keys]
    rules.preload(
        project_uids=[d.project for _, d in items if isinstance(d.project, str)],
        task_uids=[d.task for _, d in items if isinstance(d.task, str)],
    )
    if len(items) > rules.FEW_RATE_QUERIES:
        rules.ratebook  # noqa: B018 - many entries: load the organisation's rates once
    seen = {}
    for index, key in enumerate(keys):
        if key in seen:
            results[index].update(status="invalid", errors={"key": ["This key appears twice in the batch."]})
        seen.setdefault(key, index)

    built: list[tuple[int, TimeEntry, list[str] | None]] = []
    by_user_keys: dict[int, list[str]] = {}
    for index, (key, data) in enumerate(items):
        if results[index].get("status"):
            continue
        user = user_for(data)
        refusal = edit_refusal(user, rules.membership.user) if user.is_restricted else ""
        if refusal:
            results[index].update(status="invalid", errors={"user": [refusal]})
            continue
        data.client_key = key
        try:
            entry, tags = rules.build(user, data)
        except EntryInvalid as exc:
            results[index].update(status="invalid", errors=exc.errors)
            continue
        built.append((index, entry, tags))
        by_user_keys.setdefault(entry.user_id, []).append(key)

    # One query for the whole batch (the partial index on organisation and key), not one per person.
    wanted = {(user_id, key) for user_id, user_keys in by_user_keys.items() for key in user_keys}
    existing = {}
    if wanted:
        rows = TimeEntry.objects.filter(org=rules.org, client_key__in={key for _, key in wanted})
        for uid, user_id, client_key in rows.values_list("uid", "user_id", "client_key"):
            if (user_id, client_key) in wanted:
                existing[(user_id, client_key)] = uid
    fresh = []
    for index, entry, tags in built:
        uid = existing.get((entry.user_id, entry.client_key))
        if uid is not None:
            results[index].update(status="exists", id=uid)
        else:
            fresh.append((index, entry, tags))

    with _writer_turn(), transaction.atomic():
        # The day totals, overlaps and locks are checked while the batch's people write nothing else.
        lock_member(rules.org.id, {entry.user_id for _, entry, _ in fresh})
        problems = rules.check_limits([entry for _, entry, _ in fresh])
        good = []
        for position, (index, entry, tags) in enumerate(fresh):
            if position in problems:
                results[index].update(status="invalid", errors={"__all__": problems[position]})
            else:
                good.append((index, entry, tags))

        if atomic_batch and any(r.get("status") == "invalid" for r in results):
            for index, _, _ in good:
                results[index].update(status="not_created")
            return results, 0

        # The batch is created at one moment.
        now = timezone.now()
        for _, entry, _ in good:
            entry.created_at = entry.updated_at = now
        try:
            created = insert_entries([entry for _, entry, _ in good])
        except IntegrityError:
            # Another request used the same keys at the same moment; nothing here was created.
            raise Conflict("Another request is creating entries with the same keys. Send the batch again.") from None
        through = TimeEntry.tags.through
        links = []
        # One audit row per entry, all in one INSERT with the batch (no query per entry).
        rows = []
        actor_id = rules.membership.user_id
        for (index, _, tags), entry in zip(good, created, strict=True):
            results[index].update(status="created", id=entry.uid)
            tag_objects = rules.tag_objects(tags) if tags else []
            for tag in tag_objects:
                links.append(through(timeentry_id=entry.pk, tag_id=tag.pk))
            changes = field_changes(None, entry_values(entry, [t.name for t in tag_objects]), ENTRY_FIELDS)
            rows.append(entry_audit_row(rules.org, actor_id, AuditEvent.ENTRY_CREATED, entry, changes,
                                        created_at=now, via="bulk"))
        if links:
            through.objects.bulk_create(links, batch_size=2000)
        write_rows(rows)
        announce_entries(CREATED, created)
    return results, len(created)


# The timer


def _midnights_between(start: dt.datetime, end: dt.datetime, zone) -> list[dt.datetime]:
    """Local midnights strictly between start and end, in UTC (so a day's piece lasts what it really
    lasted, and the 24-hour cap adds real hours, across a daylight-saving change too)."""
    cuts = []
    day = start.astimezone(zone).date() + dt.timedelta(days=1)
    while True:
        midnight = start_of_day(day, zone)
        if midnight >= end:
            return cuts
        cuts.append(midnight)
        day += dt.timedelta(days=1)


# A timer stopped within its first minute logs one minute: never nothing, so it cannot vanish unnoticed.
MIN_TIMER_SECONDS = 60
# How far ahead first_open_day() looks for a day that is not locked.
OPEN_DAY_HORIZON = 62


def _probe(user, day) -> TimeEntry:
    return TimeEntry(user=user, user_id=user.pk, date=day, duration=1)


def first_open_day(rules: EntryRules, user, start: dt.date) -> dt.date | None:
    """The first day from `start` on where `user` may still log time, in one query (None if none is near)."""
    days = [start + dt.timedelta(days=n) for n in range(OPEN_DAY_HORIZON)]
    problems = rules.locks.day_problems([_probe(user, day) for day in days])
    return next((day for index, day in enumerate(days) if index not in problems), None)


def timer_days(timer: Timer, user, now=None) -> list[dt.date]:
    """The person's local days the timer runs over (the days stopping it would log on)."""
    zone = user_zone(user)
    first = timer.started_at.astimezone(zone).date()
    last = max(first, (now or timezone.now()).astimezone(zone).date())
    return [first + dt.timedelta(days=n) for n in range(min((last - first).days, OPEN_DAY_HORIZON) + 1)]


def timer_lock(rules: EntryRules, user, timer: Timer | None, now=None) -> TimerLocked | None:
    """Why the running `timer` cannot be stopped onto its own days (with an open day to log it on), or None."""
    if timer is None:
        return None
    days = timer_days(timer, user, now)
    problems = rules.locks.day_problems([_probe(user, day) for day in days])
    if not problems:
        return None
    reason = problems[min(problems)][0]
    today = timezone.localdate(now or timezone.now(), timezone=user_zone(user))
    return TimerLocked(reason, first_open_day(rules, user, today))


def running_timer(org, user) -> Timer | None:
    """The person's timer in this organisation (each organisation has its own)."""
    return Timer.objects.select_related("project", "task").filter(org=org, user=user).first()


@transaction.atomic
def start_timer(rules: EntryRules, user, *, project, task=None, description="", billable=None, tags=()) -> tuple[Timer, list]:
    """Start the person's timer in this organisation; a running one there is stopped into entries first.

    Starting again what started less than a minute ago (a double click, a second tab) keeps it
    running and logs nothing.
    Refuses (TimerLocked) on a day whose time is locked: such a timer could never be stopped there."""
    lock_member(rules.org.id, user.pk)
    running = Timer.objects.select_for_update(of=("self",)).filter(user=user, org=rules.org).first()
    today = timezone.localdate(timezone=user_zone(user))
    probe = EntryData(project=project, task=task, date=today, duration=1,
                      description=description, billable=billable, tags=list(tags))
    entry, tag_names = rules.build(user, probe)
    wanted = (entry.project_id, entry.task_id, entry.description, entry.billable, tag_names or [])
    if running is not None and running.elapsed() < MIN_TIMER_SECONDS and wanted == (
            running.project_id, running.task_id, running.description, running.billable, running.tag_names):
        return running, []
    problems = rules.locks.day_problems([entry])
    if problems:
        raise TimerLocked(problems[0][0])
    stopped = stop_timer(rules, user) if running is not None else []
    timer = Timer.objects.create(
        user=user, org=rules.org, project=entry.project, task=entry.task, description=entry.description,
        billable=entry.billable, tag_names=tag_names or [],
    )
    return timer, stopped


@transaction.atomic
def stop_timer(rules: EntryRules, user, *, now=None, day: dt.date | None = None) -> list[TimeEntry]:
    """Stop the running timer (of this organisation) into entries: one, or one per local day when
    the organisation splits timers at midnight. Returns the entries made ([] when none ran).

    A timer stopped within its first minute logs one minute. When its days are locked it stays
    running and TimerLocked says why and names an open day; with `day` its time is logged there
    instead, as one entry of its duration (at most 24 hours)."""
    lock_member(rules.org.id, user.pk)
    timer = (Timer.objects.select_for_update(of=("self",)).select_related("project", "task")
             .filter(user=user, org=rules.org).first())
    if timer is None:
        return []
    now = now or timezone.now()
    start = timer.started_at
    if now - start < dt.timedelta(seconds=MIN_TIMER_SECONDS):
        now = start + dt.timedelta(seconds=MIN_TIMER_SECONDS)
        pieces = [(start, now)]
    else:
        pieces = [(start, now)]
        if rules.org.timer_midnight == "split" and day is None:
            cuts = _midnights_between(start, now, user_zone(user))
            bounds = [start, *cuts, now]
            pieces = list(zip(bounds[:-1], bounds[1:], strict=False))
    # An over-long timer (forgotten overnight) is capped at 24 h per entry.
    entries = []
    for piece_start, piece_end in pieces:
        piece_end = min(piece_end, piece_start + dt.timedelta(hours=24))
        common = {"project": timer.project, "task": timer.task, "description": timer.description,
                  "billable": timer.billable, "tags": list(timer.tag_names)}
        if day is not None:
            data = EntryData(date=day, duration=int((piece_end - piece_start).total_seconds()), **common)
        else:
            data = EntryData(start=piece_start, end=piece_end, **common)
        entry, tag_names = rules.build(user, data)
        entries.append((entry, tag_names))
    if day is None:
        locked = rules.locks.day_problems([e for e, _ in entries])
        if locked:
            today = timezone.localdate(now, timezone=user_zone(user))
            raise TimerLocked(locked[min(locked)][0], first_open_day(rules, user, today))
    problems = rules.check_limits([e for e, _ in entries])
    if problems:
        raise EntryInvalid({"__all__": [m for messages in problems.values() for m in messages]})
    timer.delete()
    saved = []
    rows = []
    for entry, tag_names in entries:
        entry.save()
        tags = rules.tag_objects(tag_names) if tag_names else []
        if tags:
            entry.tags.set(tags)
        saved.append(entry)
        changes = field_changes(None, entry_values(entry, [t.name for t in tags]), ENTRY_FIELDS)
        rows.append(entry_audit_row(rules.org, rules.membership.user_id, AuditEvent.ENTRY_CREATED, entry, changes,
                                    via="timer"))
    write_rows(rows)
    announce_entries(CREATED, saved)
    return saved


@transaction.atomic
def discard_timer(rules: EntryRules, user) -> bool:
    """Throw the running timer (of this organisation) away without logging it. True if one ran."""
    lock_member(rules.org.id, user.pk)
    deleted, _ = Timer.objects.filter(user=user, org=rules.org).delete()
    return bool(deleted)



# Catalogue and settings changes, audited (as organisation settings changes).


def audit_settings(org, user, target=None, **details):
    audit(org, user, AuditEvent.ORG_SETTINGS_CHANGED, target,
          **{key: json_value(value) for key, value in details.items()})


def field_summary(field) -> dict:
    return {"target": field.target, "key": field.key, "label": field.label, "type": field.field_type,
            "choices": field.choices, "required": field.required, "position": field.position}


def rate_summary(rate) -> dict:
    return {"kind": rate.kind, "amount": f"{rate.amount:.2f}", "currency": rate.currency, "level": rate_level(rate),
            "user": rate.user.code if rate.user_id else None, "project": rate.project.uid if rate.project_id else None,
            "task": rate.task.uid if rate.task_id else None,
            "valid_from": json_value(rate.valid_from), "valid_to": json_value(rate.valid_to)}


# Tags, custom fields and rates: the pages and the API change them through these, so that each
# change writes the same audit row whichever door it came through. Each runs in its own
# transaction; a name or key already used raises IntegrityError (after rolling back).


@transaction.atomic
def do_create_tag(org, name: str, *, acting_user) -> Tag:
    tag = Tag.objects.create(org=org, name=name)
    audit_settings(org, acting_user, tag, tag={"old": None, "new": tag.name})
    return tag


@transaction.atomic
def do_rename_tag(tag: Tag, name: str, *, acting_user) -> Tag:
    old, tag.name = tag.name, name
    tag.save(update_fields=["name"])
    audit_settings(tag.org, acting_user, tag, tag={"old": old, "new": tag.name})
    return tag


@transaction.atomic
def do_delete_tag(tag: Tag, *, acting_user) -> int:
    """Delete a tag (it leaves every entry that had it). Returns how many entries had it."""
    uses = tag.time_entries.count()
    tag.delete()
    audit_settings(tag.org, acting_user, None, tag={"old": tag.name, "new": None}, entries=uses)
    return uses


@transaction.atomic
def do_save_custom_field(field: CustomField, before: dict | None, *, acting_user) -> CustomField:
    """Save a new (`before` None) or changed field; `before` is its field_summary() as read."""
    field.save()
    audit_settings(field.org, acting_user, field, custom_field={"old": before, "new": field_summary(field)})
    return field


@transaction.atomic
def do_delete_custom_field(field: CustomField, *, acting_user) -> None:
    summary = field_summary(field)
    field.delete()
    audit_settings(field.org, acting_user, None, custom_field={"old": summary, "new": None})


@transaction.atomic
def do_save_rate(rate: Rate, before: dict | None, *, acting_user) -> Rate:
    """Save a new (`before` None) or changed rate; `before` is its rate_summary() as read."""
    rate.save()
    audit_settings(rate.org, acting_user, rate, rate={"old": before, "new": rate_summary(rate)})
    return rate


@transaction.atomic
def do_delete_rate(rate: Rate, *, acting_user) -> None:
    summary = rate_summary(rate)
    rate.delete()
    audit_settings(rate.org, acting_user, None, rate={"old": summary, "new": None})


# Clients, projects and tasks: what their audit rows follow (not ids, dates of the row itself
# or what the form does not touch).
CATALOG_SKIP = {"id", "uid", "org", "created_at", "updated_at"}


def catalog_values(row) -> dict:
    return {f.name: json_value(getattr(row, f.attname)) for f in row._meta.concrete_fields if f.name not in CATALOG_SKIP}


@transaction.atomic
def do_save_catalog(form, *, acting_user):
    """Save a valid client, project or task form (a new or a changed row, the pages' and the API's
    alike) and record what changed: {"<noun>": "created"|"changed", "changes": {field: [old, new]}}.
    A unique name or code already used raises IntegrityError (after rolling back)."""
    row = form.instance
    model = type(row)
    stored = model.objects.filter(pk=row.pk).first() if row.pk else None
    before = catalog_values(stored) if stored is not None else {}
    row = form.save()
    after = catalog_values(row)
    changes = {name: [before.get(name), value] for name, value in after.items()
               if before.get(name) != value and (stored is not None or value not in (None, "", [], {}))}
    if changes or stored is None:
        audit_settings(row.org, acting_user, row, **{model._meta.model_name: "changed" if stored else "created",
                                                     "changes": changes})
    return row


REPRICE_BATCH = 1000


@transaction.atomic
def do_reprice_entries(org, *, date_from, date_to, project=None, person=None, acting_user) -> tuple[int, int]:
    """Value again, with the rates in force now, the open entries of a date range
    (optionally of one project or person). Returns (entries checked, entries changed)."""
    book = RateBook(org)
    entries = TimeEntry.objects.filter(org=org, status=EntryStatus.OPEN, date__gte=date_from, date__lte=date_to)
    # A closed period keeps the values it was closed with.
    closed_before = Locks(org.id).closed_before
    if closed_before is not None:
        entries = entries.filter(date__gte=closed_before)
    if project is not None:
        entries = entries.filter(project=project)
    if person is not None:
        entries = entries.filter(user=person)
    fields = ["bill_rate", "bill_currency", "cost_rate", "cost_currency"]
    # The project's name and code label the entries' audit rows.
    entries = (entries.select_for_update(of=("self",)).select_related("project")
               .only("id", "uid", "user_id", "project_id", "task_id", "date", "version", "project__name",
                     "project__code", *fields).order_by("id"))
    now = timezone.now()
    checked = changed = 0
    batch = []
    rows = []
    actor_id = acting_user.pk if acting_user is not None else None

    def save_batch():
        TimeEntry.objects.bulk_update(batch, [*fields, "version", "updated_at"])
        write_rows(rows)

    for entry in entries.iterator(chunk_size=REPRICE_BATCH):
        checked += 1
        before = {f: getattr(entry, f) for f in fields}
        book.value(entry)
        entry_changes = field_changes(before, entry, fields)
        if entry_changes:
            entry.version += 1
            entry.updated_at = now
            batch.append(entry)
            rows.append(entry_audit_row(org, actor_id, AuditEvent.ENTRY_CHANGED, entry, entry_changes, created_at=now,
                                        via="reprice"))
        if len(batch) >= REPRICE_BATCH:
            save_batch()
            changed += len(batch)
            batch, rows = [], []
    if batch:
        save_batch()
        changed += len(batch)
    audit(org, acting_user, AuditEvent.ORG_SETTINGS_CHANGED, None, reprice={
        "from": date_from.isoformat(), "to": date_to.isoformat(),
        "project": project.uid if project else None, "person": person.code if person else None,
        "checked": checked, "changed": changed,
    })
    return checked, changed


@transaction.atomic
def do_copy_project(source: Project, *, name: str, code: str = "", start_date=None, project_manager=None) -> Project:
    """A new, active project with the source's settings, members, milestones, open tasks
    (with their parent/child structure and assignees) and project and task rates; no time entries.

    With `start_date`, dates move by as much as the start does.
    """
    shift = start_date - source.start_date if start_date and source.start_date else None

    def moved(day):
        return day + shift if day and shift else day

    copy = Project.objects.create(
        org_id=source.org_id, name=name, code=code, client_id=source.client_id, department_id=source.department_id,
        billing_type=source.billing_type, description=source.description,
        project_manager=project_manager or source.project_manager, team_lead_id=source.team_lead_id,
        is_public=source.is_public, estimated_hours=source.estimated_hours, estimated_cost=source.estimated_cost,
        fixed_cost=source.fixed_cost, start_date=start_date or source.start_date, deadline=moved(source.deadline),
        custom_fields=dict(source.custom_fields),
    )
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=copy, user_id=pk) for pk in source.memberships.values_list("user_id", flat=True)])
    old_milestones = list(source.milestones.order_by("id"))
    new_milestones = Milestone.objects.bulk_create(
        [Milestone(project=copy, name=m.name, due_date=moved(m.due_date)) for m in old_milestones])
    milestone_map = {old.pk: new.pk for old, new in zip(old_milestones, new_milestones, strict=True)}
    old_tasks = list(source.tasks.exclude(status=TaskStatus.ARCHIVED).order_by("id"))
    new_tasks = Task.objects.bulk_create([
        Task(org_id=copy.org_id, project=copy, name=t.name, description=t.description, priority=t.priority,
             estimated_hours=t.estimated_hours, due_date=moved(t.due_date), milestone_id=milestone_map.get(t.milestone_id))
        for t in old_tasks
    ])
    task_map = {old.pk: new for old, new in zip(old_tasks, new_tasks, strict=True)}
    with_parent = []
    for old_task in old_tasks:
        if old_task.parent_id in task_map:
            new = task_map[old_task.pk]
            new.parent = task_map[old_task.parent_id]
            with_parent.append(new)
    Task.objects.bulk_update(with_parent, ["parent"])
    through = Task.assignees.through
    through.objects.bulk_create([
        through(task_id=task_map[task_id].pk, user_id=user_id)
        for task_id, user_id in through.objects.filter(task_id__in=list(task_map)).values_list("task_id", "user_id")
    ])
    rates = Rate.objects.filter(project=source).filter(Q(task__isnull=True) | Q(task_id__in=list(task_map)))
    Rate.objects.bulk_create([
        Rate(org_id=r.org_id, kind=r.kind, amount=r.amount, currency=r.currency, user_id=r.user_id, project=copy,
             task=task_map[r.task_id] if r.task_id else None, valid_from=r.valid_from, valid_to=r.valid_to)
        for r in rates
    ])
    return copy
