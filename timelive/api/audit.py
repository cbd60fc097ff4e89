"""The audit trail, read-only: the organisation's log (administrators) and one time entry's history.

Rows are what the audit page and its CSV show: who (a person id, or null for
TimeLive itself), when (UTC), what (`event`), about what (`target_type`,
`target_id`, `target`), and `details`; field-level changes are also given on
their own as `changes` ({field: [old, new]}). Newest first.
"""

import datetime as dt
import zoneinfo
from typing import Literal

from ninja import Field, Query, Router, Schema

from timelive.orgs.access import get_admin_membership
from timelive.orgs.history import CHANGES, ENTRY_TARGET, EVENT_GROUPS, filter_logs, history_for
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.tracking.access import get_entry_for_user

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, responses
from .schemas import Day, OrgSlug, Page, PageParams, examples
from .time_entries import tracking_membership

router = Router(tags=["Audit trail"])

ITEM_EXAMPLE = {
    "time": "2026-11-23T11:31:00Z", "actor": "k3v9q2m8x1ab", "actor_name": "Ada Lovelace",
    "event": "entry.changed", "event_label": "Time entry changed", "target_type": "timeentry",
    "target_id": "v1c3kq8z2m0a", "target": "2026-11-23 Website",
    "details": {"changes": {"duration": [3600, 5400]}}, "changes": {"duration": [3600, 5400]},
}
ADMINS_ONLY = ("Only owners and administrators read the organisation's audit log. Code `permission_denied`.")
ENTRY_FORBIDDEN = "External members have no time entries. Code `permission_denied`."
NOT_FOUND_ENTRY = NOT_FOUND_ORG + " Also when the entry does not exist or is not yours to see."


class AuditItemOut(Schema):
    time: dt.datetime = Field(description="When it happened (UTC).")
    actor: str | None = Field(description="The person id of who did it; null for what TimeLive did by itself "
                                          "(or a deleted account's rows, which stay pseudonymised).")
    actor_name: str = Field(description="Their name, as it is now.")
    event: AuditEvent = Field(description="What happened, e.g. `entry.changed`, `timesheet.approved`.")
    event_label: str
    target_type: str = Field(description="What it is about: `timeentry`, `submission`, `membership`, … (may be empty).")
    target_id: str = Field(description="Its id (a time entry's id, a timesheet's id, …).")
    target: str = Field(description="A short label of it, as it was then.")
    details: dict = Field(description="Everything recorded with the event (period, step, comment, …).")
    changes: dict[str, list] = Field(description="Field-level changes, {field: [old, new]}: null old on creation, "
                                                 "null new on deletion. Times are UTC ISO 8601, durations seconds.")

    model_config = examples(ITEM_EXAMPLE)


class AuditList(Page):
    items: list[AuditItemOut]

    model_config = examples({"items": [ITEM_EXAMPLE], "count": 1})


class AuditFilters(PageParams):
    kind: Literal[tuple(EVENT_GROUPS)] | None = Field(
        None, description="A group of events: " + ", ".join(f"`{k}` ({label.lower()})"
                                                          for k, (label, _) in EVENT_GROUPS.items()) + ".")
    event: AuditEvent | None = Field(None, description="One event.")
    actor: str | None = Field(None, max_length=16, pattern=r"^[0-9a-z]+$",
                              description="Who did it: a person id, or `me`.")
    target_type: str | None = Field(None, max_length=40, pattern=r"^[a-z_]+$", examples=["timeentry"])
    target_id: str | None = Field(None, max_length=40, pattern=r"^[-0-9A-Za-z_]+$")
    from_: Day | None = Field(None, alias="from", description="First day (inclusive), in your time zone.",
                                  examples=["2026-11-01"])
    to: Day | None = Field(None, description="Last day (inclusive), in your time zone.", examples=["2026-11-30"])

    model_config = examples({"kind": "timesheets", "from": "2026-11-01", "to": "2026-11-30", "limit": 50, "offset": 0})


def item_out(log: AuditLog) -> dict:
    details = log.details if isinstance(log.details, dict) else {"value": log.details}
    changes = details.get(CHANGES)
    return {
        "time": log.created_at.astimezone(dt.UTC), "actor": log.actor.code if log.actor else None,
        "actor_name": log.actor.full_name if log.actor else "", "event": log.event,
        "event_label": log.get_event_display(), "target_type": log.target_type, "target_id": log.target_id,
        "target": log.target_label, "details": details, "changes": changes if isinstance(changes, dict) else {},
    }


def _zone(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return dt.UTC


def _page(logs, page: PageParams) -> dict:
    count = logs.count()
    return {"items": [item_out(log) for log in logs[page.offset: page.offset + page.limit]], "count": count}


@router.get("/orgs/{org}/audit", operation_id="list_audit_log",
            summary="The organisation's audit log", **responses({200: AuditList}, {
    401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_ORG, 422: INVALID}))
def audit_log(request, org: OrgSlug, filters: Query[AuditFilters]):
    """Who changed what, and when: every audited change in the organisation, newest first, with field-level
    changes of time entries, timesheet approval steps (and who each waits for), members, settings and more.

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 for an
    organisation you are not in; 422 for a malformed filter.
    """
    membership = get_admin_membership(request, org)
    logs = AuditLog.objects.filter(org=membership.org).select_related("actor").order_by("-created_at", "-id")
    f = filters
    actor = None
    if f.actor:
        actor = request.user if f.actor == "me" else None
        if actor is None:
            logs = logs.filter(actor__code=f.actor)
    logs = filter_logs(logs, kind=f.kind or "", event=f.event or "", actor=actor, target_type=f.target_type or "",
                       target_id=f.target_id or "", date_from=f.from_, date_to=f.to, zone=_zone(request.user))
    return _page(logs, f)


@router.get("/orgs/{org}/time-entries/{entry}/history", operation_id="get_time_entry_history", summary="A time entry's history",
            **responses({200: AuditList}, {401: NOT_AUTHENTICATED, 403: ENTRY_FORBIDDEN, 404: NOT_FOUND_ENTRY,
                                          422: INVALID}))
def entry_history(request, org: OrgSlug, entry: str, page: Query[PageParams]):
    """Every change to one entry, newest first: its creation, each change of each field (old and new value),
    status moves by timesheet approval, re-pricing, and its deletion. Anyone who may see the entry may read it
    (yours; a manager's projects'; an administrator, everyone's). A deleted entry's history stays in the
    organisation's audit log (`target_id` = the entry's id).

    Errors: 401 without valid credentials; 403 for external members; 404 when the organisation or entry is not
    yours to see; 422 for a malformed parameter.
    """
    tracking_membership(request, org)
    found = get_entry_for_user(request, entry[:16])
    return _page(history_for(request.org, ENTRY_TARGET, found.uid), page)
