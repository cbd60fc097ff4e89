"""Time entries, bulk creation and the timer."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, model_validator

from timelive.accounts.models import User
from timelive.orgs.access import get_membership
from timelive.orgs.models import ADMIN_ROLES, Membership, Role
from timelive.tracking import actions
from timelive.tracking.access import get_entry_for_user
from timelive.tracking.entries import EntryData, EntryInvalid, EntryRules, user_zone
from timelive.tracking.models import EntryStatus, Tag, TimeEntry, Timer

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, ApiError, ErrorOut, responses
from .schemas import Day, Moment, OrgSlug, Page, examples

router = Router(tags=["Time entries and timer"])

ENTRY_EXAMPLE = {
    "id": "v1c3kq8z2m0a", "user": "k3v9q2m8x1ab", "project": "p9x2m4c8q1zt", "task": None, "date": "2026-11-23",
    "start": "2026-11-23T09:00:00+00:00", "end": "2026-11-23T11:30:00+00:00", "duration": 9000,
    "description": "Workshop with the client", "billable": True, "tags": ["workshop"], "status": "open",
    "bill_rate": "120.00", "bill_currency": "GBP", "cost_rate": None, "cost_currency": "", "custom_fields": {},
    "version": 1, "created_at": "2026-11-23T11:31:00+00:00", "updated_at": "2026-11-23T11:31:00+00:00",
}
BAD_BODY = "The body is not valid JSON. Code `bad_request`."
FORBIDDEN = "You may not do this with your role (external members have no time entries). Code `permission_denied` " \
            "or, for an organisation whose trial ended, `read_only`."
NOT_FOUND_ENTRY = NOT_FOUND_ORG + " Also when the entry does not exist or is not yours to see."
ENTRY_INVALID = ("The entry breaks a rule (unknown or archived project, task of another project, duration over 24 h, "
                 "end before start, overlap where forbidden, unknown tag where tags are managed…); `errors` lists "
                 "each problem. Code `invalid`.")
CONFLICT = "The entry changed since you read it (`version` differs), or it is submitted or approved. Code `conflict` or `locked`."


class DictsAsTheyAre(Schema):
    """A Schema that validates a plain dict as it is.

    ninja's Schema wraps whatever it validates in an attribute getter, which for a dict of
    plain values (a JSON object, or what entry_out() makes) reads the same keys, only slower:
    a large part of answering with a page of entries or reading 1,000 bulk items. Anything
    other than a dict still goes through the getter."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if type(values) is dict:
            return handler(values)
        return super()._run_root_validator(values, handler, info)


class TimeEntryOut(DictsAsTheyAre):
    id: str = Field(description="The entry's id.")
    user: str = Field(description="The person's id.")
    project: str = Field(description="The project's id.")
    task: str | None = Field(description="The task's id, or null.")
    date: dt.date = Field(description="The person's local day the entry belongs to.")
    start: dt.datetime | None = Field(description="Start, ISO 8601 with offset; null for a duration-only entry.")
    end: dt.datetime | None
    duration: int = Field(ge=0, description="Whole seconds.")
    description: str
    billable: bool
    tags: list[str]
    status: EntryStatus
    bill_rate: Decimal | None = Field(description="The billing rate per hour the entry was valued at.")
    bill_currency: str
    cost_rate: Decimal | None
    cost_currency: str
    custom_fields: dict
    version: int = Field(description="Send it back as `version` when changing the entry, to avoid lost updates.")
    created_at: dt.datetime
    updated_at: dt.datetime

    model_config = examples(ENTRY_EXAMPLE)


class TimeEntryList(Page):
    items: list[TimeEntryOut]

    model_config = examples({"items": [ENTRY_EXAMPLE], "count": 1})


class TimeEntryIn(Schema):
    project: str = Field(max_length=16, description="The project's id.", examples=["p9x2m4c8q1zt"])
    task: str | None = Field(None, max_length=16, description="The task's id (a task of that project).")
    date: Day | None = Field(None, description="Needed with `duration`; with `start`/`end` it follows the start.")
    start: Moment | None = Field(None, description="With `end`, instead of `duration`. Without an offset, "
                                                        "it is read in the person's time zone.")
    end: Moment | None = None
    duration: int | None = Field(None, ge=0, le=10_000_000, description="Whole seconds (at most 86400).")
    description: str = Field("", max_length=5000)
    billable: bool | None = Field(None, description="Defaults from the project's billing type.")
    tags: list[str] = Field(default_factory=list, max_length=20)
    custom_fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    user: str | None = Field(None, max_length=16, description="The person's id; administrators only. Default: you.")

    model_config = examples({"project": "p9x2m4c8q1zt", "date": "2026-11-23", "duration": 5400,
                             "description": "Design review", "tags": ["design"]})


class TimeEntryPatch(Schema):
    project: str | None = Field(None, max_length=16)
    task: str | None = Field(None, max_length=16, description="A task id, or \"\" to clear the task.")
    date: Day | None = None
    start: Moment | None = None
    end: Moment | None = None
    duration: int | None = Field(None, ge=0, le=10_000_000)
    description: str | None = Field(None, max_length=5000)
    billable: bool | None = None
    tags: list[str] | None = Field(None, max_length=20)
    custom_fields: dict[str, str | int | float | bool | None] | None = None
    version: int | None = Field(None, ge=1, description="The version you read; refused with 409 if it changed.")

    model_config = examples({"duration": 7200, "version": 1})


class TimeEntryFilters(Schema):
    from_: Day | None = Field(None, alias="from", description="First day (inclusive).", examples=["2026-11-23"])
    to: Day | None = Field(None, description="Last day (inclusive).", examples=["2026-11-29"])
    user: str | None = Field(None, max_length=16, description="A person's id, or `me`.")
    project: str | None = Field(None, max_length=16)
    task: str | None = Field(None, max_length=16)
    client: str | None = Field(None, max_length=16)
    billable: bool | None = None
    tags: str | None = Field(None, max_length=500, description="Comma-separated tag names; entries with any of them.")
    modified_after: Moment | None = Field(None, description="Only entries changed after this time, oldest change "
                                                                  "first: for syncing.")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)

    model_config = examples({"from": "2026-11-23", "to": "2026-11-29", "user": "me", "limit": 50, "offset": 0})


def entry_out(entry: TimeEntry, tag_names=None) -> dict:
    # Times are given in the person's own zone, with its offset.
    zone = user_zone(entry.user)
    return {
        "id": entry.uid, "user": entry.user.code, "project": entry.project.uid,
        "task": entry.task.uid if entry.task_id else None, "date": entry.date,
        "start": entry.start.astimezone(zone) if entry.start else None, "end": entry.end.astimezone(zone) if entry.end else None,
        "duration": entry.duration, "description": entry.description, "billable": entry.billable,
        "tags": tag_names if tag_names is not None else [t.name for t in entry.tags.all()],
        "status": entry.status, "bill_rate": entry.bill_rate, "bill_currency": entry.bill_currency,
        "cost_rate": entry.cost_rate, "cost_currency": entry.cost_currency, "custom_fields": entry.custom_fields,
        "version": entry.version, "created_at": entry.created_at, "updated_at": entry.updated_at,
    }


def invalid(exc: EntryInvalid):
    errors = [{"loc": ["body", field], "msg": msg, "type": "invalid"} for field, msgs in exc.errors.items() for msg in msgs]
    detail = "; ".join(f"{e['loc'][1]}: {e['msg']}" if e["loc"][1] != "__all__" else e["msg"] for e in errors[:5])
    return Status(422, {"detail": detail or "Invalid entry.", "code": "invalid", "errors": errors})


def tracking_membership(request, org) -> Membership:
    membership = get_membership(request, org)
    if membership.role == Role.EXTERNAL:
        raise PermissionDenied("External members have no time entries.")
    return membership


def person_for(request, membership, user_id: str | None):
    """Whom an entry is for: yourself, or (administrators only) another active member."""
    if not user_id or user_id in ("me", request.user.code):
        return request.user
    if membership.role not in ADMIN_ROLES:
        raise PermissionDenied("Only administrators can log time for other people.")
    person = User.objects.filter(
        code=user_id, memberships__org=membership.org, memberships__is_active=True
    ).first()
    if person is None:
        raise ApiError(422, f"user: no active member with id {user_id}.", "invalid")
    return person


def people_for(request, membership, user_ids) -> dict:
    """person_for() for many ids at once: {id: person}, with one query for all of them.

    Refuses (as person_for does, for the first offending id in order) a non-administrator
    naming someone else and an id that is no active member."""
    people = {}
    wanted = [u for u in dict.fromkeys(user_ids) if u]
    others = [u for u in wanted if u not in ("me", request.user.code)]
    found = {}
    if others and membership.role in ADMIN_ROLES:
        found = {p.code: p for p in User.objects.filter(
            code__in=others, memberships__org=membership.org, memberships__is_active=True
        )}
    for user_id in wanted:
        if user_id in ("me", request.user.code):
            people[user_id] = request.user
        elif membership.role not in ADMIN_ROLES:
            raise PermissionDenied("Only administrators can log time for other people.")
        elif user_id not in found:
            raise ApiError(422, f"user: no active member with id {user_id}.", "invalid")
        else:
            people[user_id] = found[user_id]
    return people


def visible_entries(request, membership):
    entries = TimeEntry.objects.filter(org=membership.org)
    if membership.role in ADMIN_ROLES:
        return entries
    mine = Q(user=request.user)
    if membership.role == Role.MANAGER:
        mine |= Q(project__project_manager=request.user) | Q(project__team_lead=request.user)
    return entries.filter(mine)


@router.get("/orgs/{org}/time-entries", operation_id="list_time_entries",
            summary="List time entries", **responses({200: TimeEntryList}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_entries(request, org: OrgSlug, filters: Query[TimeEntryFilters]):
    """Time entries you may see: yours; a manager also sees the entries on projects they manage or lead; an
    administrator sees everyone's. Ordered by day and start, or by last change with `modified_after`.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed filter.
    """
    membership = tracking_membership(request, org)
    entries = visible_entries(request, membership)
    f = filters
    if f.from_:
        entries = entries.filter(date__gte=f.from_)
    if f.to:
        entries = entries.filter(date__lte=f.to)
    if f.user:
        entries = entries.filter(user=request.user) if f.user == "me" else entries.filter(user__code=f.user)
    if f.project:
        entries = entries.filter(project__uid=f.project)
    if f.task:
        entries = entries.filter(task__uid=f.task)
    if f.client:
        entries = entries.filter(project__client__uid=f.client)
    if f.billable is not None:
        entries = entries.filter(billable=f.billable)
    if f.tags:
        names = [n.strip() for n in f.tags.split(",") if n.strip()]
        tag_ids = list(Tag.objects.filter(org=membership.org, name__in=names).values_list("id", flat=True))
        entries = entries.filter(tags__in=tag_ids).distinct()
    if f.modified_after:
        entries = entries.filter(updated_at__gt=f.modified_after).order_by("updated_at", "id")
    else:
        entries = entries.order_by("date", "start", "id")
    count = entries.count()
    page = list(entries.select_related("user", "project", "task").prefetch_related("tags")[f.offset: f.offset + f.limit])
    return {"items": [entry_out(e) for e in page], "count": count}


@router.post("/orgs/{org}/time-entries", operation_id="create_time_entry",
            summary="Create a time entry", **responses({201: TimeEntryOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: ENTRY_INVALID}))
def create_entry(request, org: OrgSlug, payload: TimeEntryIn):
    """Log time: `project` and `date` with `duration` (seconds), or `project` with `start` and `end`.

    Errors: 401 without valid credentials; 403 for external members, for logging time for someone else without
    being an administrator, for a read-only organisation, or for someone whose processing is restricted; 404 for an
    organisation you are not in; 422 when the entry breaks a rule, with one item in `errors` per problem.
    """
    membership = tracking_membership(request, org)
    person = person_for(request, membership, payload.user)
    data = EntryData(project=payload.project, task=payload.task, date=payload.date, start=payload.start,
                     end=payload.end, duration=payload.duration, description=payload.description,
                     billable=payload.billable, tags=payload.tags, custom_fields=payload.custom_fields)
    try:
        entry = actions.create_entry(EntryRules(membership.org, membership), person, data)
    except EntryInvalid as exc:
        return invalid(exc)
    entry.user = person
    # A new entry sent without tags has none: no need to ask the database.
    return Status(201, entry_out(entry, [] if not payload.tags else None))


# Bulk


class BulkItem(DictsAsTheyAre, TimeEntryIn):
    key: str = Field(min_length=1, max_length=100, description="Your idempotency key for this entry: "
                                                               "sending it again never creates a second entry.")


class BulkIn(Schema):
    items: list[BulkItem] = Field(min_length=1, max_length=1000)
    all_or_nothing: bool = Field(True, description="true: one invalid item and nothing is created (422). "
                                                   "false: exactly the valid items are created.")

    model_config = examples({"items": [{"key": "import-2026-11-23-1", "project": "p9x2m4c8q1zt",
                                        "date": "2026-11-23", "duration": 3600}], "all_or_nothing": True})


class BulkResult(BaseModel):
    # A plain pydantic model, not a ninja Schema: a batch answers with 1,000 of these plain dicts,
    # and Schema's per-object attribute getter would be a large part of the batch's time.
    key: str
    status: str = Field(description="created, exists (the key was used before), invalid, or not_created "
                                    "(valid, but the batch was refused as a whole).")
    id: str | None = None
    errors: dict[str, list[str]] | None = None

    model_config = examples({"key": "import-2026-11-23-1", "status": "created", "id": "v1c3kq8z2m0a"},
                            {"key": "import-2026-11-23-2", "status": "invalid",
                             "errors": {"duration": ["One day has at most 24 hours."]}})


class BulkOut(Schema):
    created: int
    existing: int
    invalid: int
    results: list[BulkResult] = Field(description="One per item, in the order sent.")

    model_config = examples({"created": 1, "existing": 0, "invalid": 0,
                             "results": [{"key": "import-2026-11-23-1", "status": "created", "id": "v1c3kq8z2m0a"}]})


@router.post("/orgs/{org}/time-entries/bulk", operation_id="bulk_create_time_entries",
            summary="Create up to 1,000 time entries", **responses({200: BulkOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG,
    409: "Another request is creating entries with the same keys at this moment. Code `conflict`; send the batch again.",
    422: "Some items are invalid and `all_or_nothing` is true, so nothing was created: `errors` names each bad item "
         "as `[\"body\", \"items\", index, field]`. Or the request itself is malformed. Code `invalid`."}))
def bulk_create(request, org: OrgSlug, payload: BulkIn):
    """Create many entries at once, each with your own idempotency `key`. Re-sending a batch (after a timeout,
    say) creates nothing twice: items whose key was already used answer `exists` with the entry's id.

    Errors: 401 without valid credentials; 403 for external members, a read-only organisation or entries for
    other people without being an administrator; 404 for an organisation you are not in; 409 when the same keys
    are being created by another request at this moment; 422 when items are invalid and `all_or_nothing` is true.
    """
    membership = tracking_membership(request, org)
    people = people_for(request, membership, [item.user for item in payload.items])
    items = [
        (item.key, EntryData(project=item.project, task=item.task, date=item.date, start=item.start, end=item.end,
                             duration=item.duration, description=item.description, billable=item.billable,
                             tags=item.tags, custom_fields=item.custom_fields, extra={"user": item.user}))
        for item in payload.items
    ]
    try:
        results, created = actions.bulk_create_entries(
            EntryRules(membership.org, membership),
            lambda data: people.get(data.extra["user"], request.user),
            items,
            atomic_batch=payload.all_or_nothing,
        )
    except actions.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    body = {
        "created": created,
        "existing": sum(r["status"] == "exists" for r in results),
        "invalid": sum(r["status"] == "invalid" for r in results),
        "results": results,
    }
    if payload.all_or_nothing and body["invalid"]:
        errors = [
            {"loc": ["body", "items", index, field], "msg": message, "type": "invalid"}
            for index, result in enumerate(results) if result["status"] == "invalid"
            for field, messages in result["errors"].items() for message in messages
        ]
        detail = f"{body['invalid']} of {len(results)} items are invalid, so none was created. First: " \
                 f"item {errors[0]['loc'][2]}: {errors[0]['msg']}"
        return Status(422, {"detail": detail, "code": "invalid", "errors": errors})
    return Status(200, body)


@router.get("/orgs/{org}/time-entries/{entry}", operation_id="get_time_entry",
            summary="One time entry", **responses({200: TimeEntryOut}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ENTRY, 422: INVALID}))
def get_entry(request, org: OrgSlug, entry: str):
    """A time entry you may see.

    Errors: 401 without valid credentials; 403 for external members; 404 when the organisation or entry is not
    yours to see; 422 for a malformed id.
    """
    tracking_membership(request, org)
    return entry_out(get_entry_for_user(request, entry[:16]))


@router.patch("/orgs/{org}/time-entries/{entry}", operation_id="update_time_entry",
            summary="Change a time entry", **responses({200: TimeEntryOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ENTRY, 409: CONFLICT, 422: ENTRY_INVALID}))
def patch_entry(request, org: OrgSlug, entry: str, payload: TimeEntryPatch):
    """Change some fields of an entry. Send the `version` you read to be sure nobody changed it meanwhile.

    Errors: 401 without valid credentials; 403 for external members, a read-only organisation, or someone else's
    entry while their processing is restricted; 404 when the entry is not yours to change (administrators may
    change anyone's); 409 when it changed meanwhile or is
    submitted or approved; 422 when the change breaks a rule.
    """
    membership = tracking_membership(request, org)
    current = get_entry_for_user(request, entry[:16], for_change=True)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version", None)
    data = EntryData(**{k: v for k, v in fields.items() if k in EntryData.__dataclass_fields__})
    if "task" in fields and not fields["task"]:
        data.task, data.clear_task = None, True
    if ("start" in fields or "end" in fields) and fields.get("start") is None and fields.get("end") is None:
        data.clear_times = True
    try:
        updated = actions.update_entry(EntryRules(membership.org, membership), current, data, expected_version=version)
    except EntryInvalid as exc:
        return invalid(exc)
    except actions.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return entry_out(updated)


@router.delete("/orgs/{org}/time-entries/{entry}", operation_id="delete_time_entry",
            summary="Delete a time entry", **responses({204: None}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ENTRY, 409: CONFLICT, 422: INVALID}))
def delete_entry(request, org: OrgSlug, entry: str, version: int | None = None):
    """Delete an entry (optionally only if it is still at `version`).

    Errors: 401 without valid credentials; 403 for external members, a read-only organisation, or someone else's
    entry while their processing is restricted; 404 when the entry is not yours to delete; 409 when it changed
    meanwhile or is submitted or approved; 422 for a malformed version.
    """
    tracking_membership(request, org)
    current = get_entry_for_user(request, entry[:16], for_change=True)
    try:
        actions.delete_entry(current, expected_version=version, acting_user=request.user)
    except actions.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return Status(204, None)


# Timer


class TimerOut(Schema):
    running: bool
    project: str | None = None
    task: str | None = None
    description: str = ""
    billable: bool | None = None
    tags: list[str] = Field(default_factory=list)
    started_at: dt.datetime | None = None
    elapsed: int = Field(0, ge=0, description="Seconds since it started.")

    model_config = examples({"running": True, "project": "p9x2m4c8q1zt", "task": None, "description": "Call",
                             "billable": True, "tags": [], "started_at": "2026-11-23T09:00:00+00:00", "elapsed": 600})


class TimerStartIn(Schema):
    project: str = Field(max_length=16)
    task: str | None = Field(None, max_length=16)
    description: str = Field("", max_length=5000)
    billable: bool | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)

    model_config = examples({"project": "p9x2m4c8q1zt", "description": "Call"})


class TimerStopOut(Schema):
    entries: list[TimeEntryOut] = Field(description="The entries made: one, or one per day when the organisation "
                                                    "splits timers at midnight. Empty when no timer was running.")

    model_config = examples({"entries": [ENTRY_EXAMPLE]})


def timer_out(timer: Timer | None) -> dict:
    if timer is None:
        return {"running": False}
    return {"running": True, "project": timer.project.uid, "task": timer.task.uid if timer.task_id else None,
            "description": timer.description, "billable": timer.billable, "tags": timer.tag_names,
            "started_at": timer.started_at, "elapsed": timer.elapsed()}


@router.get("/orgs/{org}/timer", operation_id="get_timer",
            summary="Your running timer", **responses({200: TimerOut}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def current_timer(request, org: OrgSlug):
    """Your timer in this organisation: `running` is false when none runs here.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed slug.
    """
    membership = tracking_membership(request, org)
    return timer_out(actions.running_timer(membership.org, request.user))


@router.post("/orgs/{org}/timer", summary="Start your timer", **responses({201: TimerOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: ENTRY_INVALID}))
def start_timer(request, org: OrgSlug, payload: TimerStartIn):
    """Start your timer on a project (and task). A timer already running here is stopped into entries first.

    Each organisation has its own timer. Starting what already runs here (the same project, task, description,
    billable flag and tags) keeps it running.

    Errors: 401 without valid credentials; 403 for external members or a read-only organisation; 404 for an
    organisation you are not in; 422 for an unknown or archived project or a task of another project (code
    `invalid`), or when today is locked, closed or in a submitted or approved timesheet (code `locked`).
    """
    membership = tracking_membership(request, org)
    try:
        timer, _ = actions.start_timer(EntryRules(membership.org, membership), request.user, project=payload.project,
                                       task=payload.task, description=payload.description, billable=payload.billable,
                                       tags=payload.tags)
    except actions.TimerLocked as exc:
        raise ApiError(422, exc.reason, "locked") from None
    except EntryInvalid as exc:
        return invalid(exc)
    return Status(201, timer_out(timer))


class TimerLockedOut(ErrorOut):
    open_day: dt.date | None = Field(None, description="The first open day from today on, to send as `date`.")


STOP_RESPONSES = responses({200: TimerStopOut}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG,
    409: "The timer's days are locked; it keeps running. Code `locked`, with `open_day`.", 422: ENTRY_INVALID})
STOP_RESPONSES["response"][409] = TimerLockedOut


@router.post("/orgs/{org}/timer/stop", summary="Stop your timer", **STOP_RESPONSES)
def stop_timer(request, org: OrgSlug, date: dt.date | None = None):
    """Stop your timer (in this organisation) into time entries. A timer stopped within its first minute logs
    one minute. With `date` its time is logged on that day instead, as one entry of its duration.

    Errors: 401 without valid credentials; 403 for external members or a read-only organisation; 404 for an
    organisation you are not in; 409 (code `locked`) when the timer's days are locked: it keeps running, and
    `open_day` names the first open day to send as `date`; 422 when the entries it would make break a rule (a day
    over 24 hours, an overlap where forbidden).
    """
    membership = tracking_membership(request, org)
    try:
        entries = actions.stop_timer(EntryRules(membership.org, membership), request.user, day=date)
    except actions.TimerLocked as exc:
        return Status(409, {"detail": f"{exc.reason} The timer is still running: stop it with date set to an "
                                      "open day, or discard it.", "code": "locked",
                            "open_day": exc.open_day})
    except EntryInvalid as exc:
        return invalid(exc)
    for entry in entries:
        entry.user = request.user
    return {"entries": [entry_out(e) for e in entries]}

