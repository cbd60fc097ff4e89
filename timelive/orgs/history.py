"""The audit log read as the history of one thing (a time entry, a timesheet, an expense).

Writers keep field-level changes in an audit row's details as
`details["changes"] = {field: [old, new]}` (see field_changes); on creation
the old side is null, on deletion the new side. Values are JSON: dates and
times as ISO 8601 text (UTC for times), decimals as text, related rows by
their label. This module also turns rows into sentences for people
("changed duration 1:00 → 1:30"), with times in the viewer's time zone.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from timelive.lib.durations import format_duration

from .actions import json_value
from .models import AuditEvent, AuditLog

CHANGES = "changes"
# The target types of time entries and timesheet submissions (their model names, as audit() writes them).
ENTRY_TARGET = "timeentry"
SUBMISSION_TARGET = "submission"

# Groups of events for the audit page's and the API's "kind" filter: {key: (label, event prefixes)}.
EVENT_GROUPS = {
    "entries": ("Time entries", ("entry.",)),
    "timesheets": ("Timesheet approvals", ("timesheet.",)),
    "expenses": ("Expenses", ("expense.",)),
    "members": ("Members and invitations", ("member.", "invitation.")),
    "organisation": ("Organisation and settings", ("org.", "operator.")),
    "access": ("API tokens and integrations", ("token.", "integration.")),
    "privacy": ("Privacy and accounts", ("account.", "data.", "data_request.", "retention.")),
}

# What audit rows point at, for the target filter: {target_type (a model name): label}.
TARGET_TYPES = {
    "timeentry": "Time entry",
    "submission": "Timesheet",
    "expense": "Expense",
    "membership": "Member",
    "invitation": "Invitation",
    "organization": "Organisation",
    "project": "Project",
    "tag": "Tag",
    "customfield": "Custom field",
    "rate": "Rate",
    "approvalpath": "Approval path",
    "apitoken": "API token",
    "installedintegration": "Integration",
    "user": "Person",
    "datarequest": "Data request",
}

# Field names as people read them; a field not named here is shown with its underscores as spaces.
FIELD_LABELS = {
    "bill_rate": "billing rate",
    "bill_currency": "billing currency",
    "cost_rate": "cost rate",
    "cost_currency": "cost currency",
    "custom_fields": "custom fields",
    "current_tier": "step",
    "start": "start",
    "end": "end",
}


def event_group_filter(group: str) -> Q:
    """The events of one of EVENT_GROUPS, as a filter on AuditLog."""
    query = Q(pk__in=[])
    for prefix in EVENT_GROUPS[group][1]:
        query |= Q(event__startswith=prefix)
    return query


def filter_logs(logs, *, kind="", event="", actor=None, target_type="", target_id="", date_from=None, date_to=None,
                zone=None):
    """`logs` narrowed by the audit page's and the API's filters. Dates are whole days in `zone`
    (the viewer's), both ends included; `actor` is a user."""
    if kind:
        logs = logs.filter(event_group_filter(kind))
    if event:
        logs = logs.filter(event=event)
    if actor is not None:
        logs = logs.filter(actor=actor)
    if target_type:
        logs = logs.filter(target_type=target_type)
    if target_id:
        logs = logs.filter(target_id=target_id)
    zone = zone or timezone.get_current_timezone()
    if date_from:
        logs = logs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, zone))
    if date_to:
        logs = logs.filter(created_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, zone))
    return logs


# Recording


def _value_of(source, name):
    if source is None:
        return None
    # type() first: bulk creation records a thousand entries at a time, and the ABC check is slow.
    if type(source) is dict or isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


# Values JSON holds as they are; the others go through json_value().
_PLAIN = frozenset((str, int, bool, float, list, dict, type(None)))


def _json(value):
    return value if type(value) in _PLAIN else json_value(value)


def field_changes(old, new, fields) -> dict:
    """{field: [old, new]} for each of `fields` whose value differs between `old` and `new`, JSON-safe.

    `old` and `new` are mappings or objects (read with getattr); either may be
    None, for something created or deleted, and then empty values (None, "",
    [], {}) are left out. Related rows are kept as their str(); dates, times
    and decimals as text (timelive.orgs.actions.json_value).
    """
    changes = {}
    for name in fields:
        before, after = _value_of(old, name), _value_of(new, name)
        if before == after or (_is_empty(before) and _is_empty(after)):
            continue
        changes[name] = [_json(before), _json(after)]
    return changes


def audit_row(org, event, *, actor=None, actor_id=None, target_type: str, target_id: str, target_label: str = "",
              created_at=None, **details) -> AuditLog:
    """An unsaved audit row, for write_rows(): one INSERT for a whole batch.

    `org` is an organisation or its id. The actor is a user or, to spare loading one, `actor_id`;
    neither for what TimeLive did by itself.
    """
    if actor is not None:
        actor_id = actor.pk if actor.is_authenticated else None
    return AuditLog(
        org_id=getattr(org, "pk", org), actor_id=actor_id, event=event, target_type=target_type, target_id=target_id,
        target_label=target_label[:200], created_at=created_at or timezone.now(), details=details,
    )


def write_rows(rows: list[AuditLog]) -> None:
    """Insert audit rows in one statement (a few on SQLite for very large batches)."""
    from timelive.lib.bulk import bulk_insert

    bulk_insert(rows, AuditLog, returning=False)


# Reading


# A history panel shows at most this many rows (the organisation's audit page has them all).
HISTORY_LIMIT = 200


def history_for(org, target_type: str, target_id: str):
    """One item's audit rows, newest first, with who did each."""
    return (AuditLog.objects.filter(org=org, target_type=target_type, target_id=target_id)
            .select_related("actor").order_by("-created_at", "-id"))


def _when(text):
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    if timezone.is_naive(moment):
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _status(value) -> str:
    return str(value).replace("_", " ").capitalize()


def _yes_no(value) -> str:
    return "yes" if value else "no"


def _tags(value) -> str:
    return ", ".join(str(v) for v in value) if value else "none"


def _fields(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    return ", ".join(f"{key}: {'—' if item in (None, '') else item}" for key, item in sorted(value.items())) or "none"


FORMATTERS = {
    "duration": lambda value: format_duration(int(value)),
    "start": _when,
    "end": _when,
    "billable": _yes_no,
    "reimbursable": _yes_no,
    "tags": _tags,
    "status": _status,
    "custom_fields": _fields,
}


def display_value(name: str, value) -> str:
    """A recorded value as a person reads it; times in the active (the viewer's) time zone."""
    if value is None or value == "":
        return "—"
    formatter = FORMATTERS.get(name)
    if formatter is not None:
        try:
            return formatter(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list | dict):
        return _tags(value) if isinstance(value, list) else _fields(value)
    return str(value)


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str
    # What the item was created with, or deleted with: one value, no arrow.
    single: bool = False

    def __str__(self):
        if self.single:
            return f"{self.label} {self.new if self.old == '—' else self.old}"
        return f"{self.label} {self.old} → {self.new}"


@dataclass
class HistoryItem:
    """One audit row as a line of history: "<who> <verb> <changes>"."""

    log: AuditLog
    who: str
    verb: str
    changes: list[Change] = field(default_factory=list)
    comment: str = ""

    @property
    def when(self):
        return self.log.created_at


SINGLE_VALUE_EVENTS = (AuditEvent.ENTRY_CREATED, AuditEvent.ENTRY_DELETED, AuditEvent.EXPENSE_CREATED,
                       AuditEvent.EXPENSE_DELETED)


def changes_of(log) -> list[Change]:
    recorded = log.details.get(CHANGES) if isinstance(log.details, dict) else None
    if not isinstance(recorded, dict):
        return []
    changes = []
    for name, pair in recorded.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        changes.append(Change(name, FIELD_LABELS.get(name, name.replace("_", " ")),
                              display_value(name, old), display_value(name, new),
                              single=log.event in SINGLE_VALUE_EVENTS))
    return changes


def _step(details) -> str:
    tier = details.get("tier")
    return f" step {tier}" if tier else ""


def verb_of(log) -> str:
    """What the actor did, as words that follow their name."""
    details = log.details if isinstance(log.details, dict) else {}
    event = log.event
    if event == AuditEvent.ENTRY_CREATED:
        return "created the entry"
    if event == AuditEvent.ENTRY_CHANGED:
        via = details.get("via")
        return {"approval": "changed (timesheet approval)", "reprice": "changed (re-pricing)"}.get(via, "changed")
    if event == AuditEvent.EXPENSE_CHANGED and details.get("via") == "approval":
        return "changed (expense sheet approval)"
    if event == AuditEvent.ENTRY_DELETED:
        return "deleted the entry"
    # Expense sheets go through the same steps; their rows carry kind "expense_sheet".
    sheet = "expense sheet" if details.get("kind") == "expense_sheet" else "timesheet"
    if event == AuditEvent.TIMESHEET_SUBMITTED:
        return f"submitted the {sheet} again" if details.get("again") else f"submitted the {sheet}"
    if event == AuditEvent.TIMESHEET_APPROVED:
        if details.get("final"):
            return f"approved the {sheet}" + (f" (step {details['tier']}, the last)" if details.get("tier") else "")
        return f"approved{_step(details)}"
    if event == AuditEvent.TIMESHEET_REJECTED:
        return f"rejected{_step(details)}"
    if event == AuditEvent.TIMESHEET_RECALLED:
        return f"recalled the {sheet}"
    if event == AuditEvent.TIMESHEET_OVERRIDDEN:
        return f"overrode the approval path: {details.get('action', '')}".rstrip(": ")
    if event == AuditEvent.TIMESHEET_WAITING:
        names = details.get("approver_names") or []
        return f"Waiting for {', '.join(names) if names else 'an administrator'}" + (
            f" (step {details['tier']})" if details.get("tier") else "")
    return log.get_event_display().lower()


def describe(log) -> HistoryItem:
    details = log.details if isinstance(log.details, dict) else {}
    if log.event == AuditEvent.TIMESHEET_WAITING:
        # Nobody acted: the row says who must act next.
        who = ""
    else:
        who = (log.actor.full_name or "Someone") if log.actor else "TimeLive"
    comment = details.get("comment", "")
    return HistoryItem(log=log, who=who, verb=verb_of(log), changes=changes_of(log),
                       comment=comment if isinstance(comment, str) else "")


def history_items(logs) -> list[HistoryItem]:
    return [describe(log) for log in logs]


def timesheet_history(submission, entry_uids):
    """A timesheet's audit rows and its entries' (those in it now), newest first.

    Entries' status moves made by the timesheet's own steps are left out: the steps say it.
    """
    steps = Q(target_type=SUBMISSION_TARGET, target_id=submission.uid)
    edits = Q(target_type=ENTRY_TARGET, target_id__in=list(entry_uids)) & (
        # Positive lookups only: a negated JSON key lookup skips rows without the key on some databases.
        Q(event__in=[AuditEvent.ENTRY_CREATED, AuditEvent.ENTRY_DELETED]) | Q(details__via__isnull=True)
        | Q(details__via="reprice"))
    return (AuditLog.objects.filter(org_id=submission.org_id).filter(steps | edits)
            .select_related("actor").order_by("-created_at", "-id"))
