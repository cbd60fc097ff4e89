"""Approval paths and timesheets: submit, approve, reject, recall, and an administrator's overrides.

Every step goes through the approval engine (timelive.approvals.actions), the
same functions the pages call, so the rules, the history and the locks are the
same whichever door a change comes through. Who may see and do what follows the
pages too: a timesheet that is not yours to see is a 404; one you may see but
not act on (you are not among its approvers, it is not yours to recall) a 403;
a step the timesheet's state no longer allows (decided already, recalled, not
your step) a 409 whose `code` says which.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Sum
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import model_validator

from timelive.approvals.access import get_path_for_user, get_submission_for_user
from timelive.approvals.actions import (
    MAX_COMMENT,
    OVERRIDE_APPROVE,
    OVERRIDE_DELETE,
    OVERRIDE_REJECT,
    OVERRIDE_REOPEN,
    ApprovalError,
    OwnOverride,
    check_range,
    do_approve,
    do_override,
    do_recall,
    do_reject,
    do_submit_expense_sheet,
    do_submit_timesheet,
    sheet_expenses,
    timesheet_entries,
)
from timelive.approvals.locking import Locks
from timelive.approvals.models import (
    ACTIVE_STATUSES,
    MAX_TIERS,
    ApprovalPath,
    ApprovalTier,
    PathKind,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from timelive.approvals.paths import current_setup
from timelive.approvals.views import waiting_on, with_totals
from timelive.expenses.models import Receipt, to_amount
from timelive.orgs.access import get_admin_membership, get_membership
from timelive.orgs.models import Membership, Role
from timelive.privacy.core.processing import edit_refusal
from timelive.tracking.periods import period_bounds

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, ApiError, responses
from .expenses import ExpenseOut, expense_out
from .schemas import Day, OrgSlug, Page, PageParams, examples

router = Router(tags=["Approvals"])

PathId = Annotated[str, Path(description="The approval path's id.", pattern=r"^[0-9a-z]{1,16}$",
                             examples=["a7p2x9m4c8q1"])]
SubmissionId = Annotated[str, Path(description="The timesheet submission's id.", pattern=r"^[0-9a-z]{1,16}$",
                                   examples=["s4t8m2x9v1zc"])]
SheetId = Annotated[str, Path(description="The expense sheet's id.", pattern=r"^[0-9a-z]{1,16}$",
                              examples=["e4t8m2x9v1zc"])]

BAD_BODY = "The body is not valid JSON. Code `bad_request`."
READ_ONLY = " Code `permission_denied`, or `read_only` for an organisation whose trial ended."
NOT_FOUND_SUBMISSION = NOT_FOUND_ORG + (" Also when the timesheet does not exist or is not yours to see: yours, "
                                        "those you approve, and for administrators everyone's.")
DECISION_CONFLICT = (
    "The timesheet's state does not allow this step now, and nothing was changed. Code `already_decided` (approved "
    "or rejected already, or the step you name was decided by someone else), `recalled` (its person took it back), "
    "`reopened` (an administrator took it out of approval), `wrong_tier` (the step you name is not the one waiting) "
    "or `not_approver` (you approve another step of it, not the one waiting)."
)

# The state a refused step found, as the `code` of the 409.
STATE_CODES = {
    SubmissionStatus.APPROVED: "already_decided",
    SubmissionStatus.REJECTED: "already_decided",
    SubmissionStatus.RECALLED: "recalled",
    SubmissionStatus.REOPENED: "reopened",
    SubmissionStatus.DELETED: "deleted",
}


# Schemas

PERSON_EXAMPLE = {"id": "k3v9q2m8x1ab", "name": "Ada Lovelace"}


class PersonRef(Schema):
    id: str = Field(description="The person's id.", examples=["k3v9q2m8x1ab"])
    name: str = Field(description="Their name (or email, when they gave no name).", examples=["Ada Lovelace"])

    model_config = examples(PERSON_EXAMPLE)


class TierOut(Schema):
    tier: int = Field(ge=1, le=MAX_TIERS, description="The step's position, 1 first.", examples=[1])
    project_manager: bool = Field(description="The manager of the timesheet's projects approves.", examples=[False])
    team_lead: bool = Field(description="The team lead of the timesheet's projects approves.", examples=[True])
    employee_manager: bool = Field(description="The person's own manager approves.", examples=[False])
    people: list[PersonRef] = Field(description="People named as approvers (external members included).")

    model_config = examples({"tier": 1, "project_manager": False, "team_lead": True, "employee_manager": False,
                             "people": [PERSON_EXAMPLE]})


PATH_EXAMPLE = {
    "id": "a7p2x9m4c8q1", "title": "Lead then client", "kind": "custom", "is_builtin": False, "is_default": True,
    "tiers": [{"tier": 1, "project_manager": False, "team_lead": True, "employee_manager": False, "people": []},
              {"tier": 2, "project_manager": False, "team_lead": False, "employee_manager": False,
               "people": [PERSON_EXAMPLE]}],
    "created_at": "2026-01-05T09:00:00Z",
}


class PathOut(Schema):
    id: str = Field(description="The path's id.", examples=["a7p2x9m4c8q1"])
    title: str = Field(examples=["Lead then client"])
    kind: PathKind = Field(description="One of the built-in paths, or `custom`.", examples=["custom"])
    is_builtin: bool = Field(description="Built-in paths cannot be changed or deleted.", examples=[False])
    is_default: bool = Field(description="The organisation's default path, followed unless a project or member has "
                                         "one of their own.", examples=[True])
    tiers: list[TierOut] = Field(description="Its steps in order (none: approval is not required).")
    created_at: dt.datetime = Field(examples=["2026-01-05T09:00:00Z"])

    model_config = examples(PATH_EXAMPLE)


class PathList(Page):
    items: list[PathOut]

    model_config = examples({"items": [PATH_EXAMPLE], "count": 1})


SUBMISSION_EXAMPLE = {
    "id": "s4t8m2x9v1zc", "kind": "timesheet", "person": PERSON_EXAMPLE, "start": "2026-03-02", "end": "2026-03-08",
    "status": "submitted", "path": "a7p2x9m4c8q1", "path_title": "Lead then client", "tier_count": 2,
    "current_tier": 1, "total_seconds": 144000, "submitted_at": "2026-03-06T17:00:00Z", "decided_at": None,
    "updated_at": "2026-03-06T17:00:00Z",
}


class SheetOut(Schema):
    """What timesheets and expense sheets have in common."""

    id: str = Field(description="The submission's id.", examples=["s4t8m2x9v1zc"])
    kind: SubmissionKind = Field(examples=["timesheet"])
    person: PersonRef = Field(description="Whose time (or expenses) it is.")
    start: dt.date = Field(description="First day (inclusive).", examples=["2026-03-02"])
    end: dt.date = Field(description="Last day (inclusive).", examples=["2026-03-08"])
    status: SubmissionStatus = Field(description="submitted (waiting for approval), approved, rejected, recalled, "
                                                 "reopened or deleted (the last two by an administrator).",
                                     examples=["submitted"])
    path: str | None = Field(description="The id of the path it follows; null when none applied (or it was deleted).",
                             examples=["a7p2x9m4c8q1"])
    path_title: str = Field(description="The path's title when it was submitted.", examples=["Lead then client"])
    tier_count: int = Field(ge=0, description="How many steps it passes; 0 when no approval was needed.", examples=[2])
    current_tier: int = Field(ge=0, description="The step waiting (1 first) while submitted; afterwards the step "
                                                "it was decided at. Send it back as `tier` when approving or "
                                                "rejecting.", examples=[1])
    submitted_at: dt.datetime = Field(description="When it was (last) submitted.", examples=["2026-03-06T17:00:00Z"])
    decided_at: dt.datetime | None = Field(description="When it was approved or rejected; null otherwise.",
                                           examples=[None])
    updated_at: dt.datetime = Field(examples=["2026-03-06T17:00:00Z"])


class SubmissionOut(SheetOut):
    total_seconds: int = Field(ge=0, description="The time its person has logged on its days, in seconds.",
                               examples=[144000])

    model_config = examples(SUBMISSION_EXAMPLE)


class SubmissionList(Page):
    items: list[SubmissionOut]

    model_config = examples({"items": [SUBMISSION_EXAMPLE], "count": 1})


class DayTotal(Schema):
    date: dt.date = Field(examples=["2026-03-02"])
    seconds: int = Field(ge=0, examples=[28800])

    model_config = examples({"date": "2026-03-02", "seconds": 28800})


class ProjectTotal(Schema):
    project: str = Field(description="The project's id.", examples=["p9x2m4c8q1zt"])
    name: str = Field(examples=["Website"])
    seconds: int = Field(ge=0, examples=[144000])

    model_config = examples({"project": "p9x2m4c8q1zt", "name": "Website", "seconds": 144000})


class TierApprovers(Schema):
    tier: int = Field(ge=1, examples=[1])
    approvers: list[PersonRef] = Field(description="Who may approve this step (any one of them), worked out when "
                                                   "the timesheet was submitted.")

    model_config = examples({"tier": 1, "approvers": [PERSON_EXAMPLE]})


class EventOut(Schema):
    action: str = Field(description="submitted, resubmitted, approved, rejected, recalled or reopened.",
                        examples=["rejected"])
    actor: PersonRef | None = Field(description="Who did it; null for what happened by itself (no approval needed).")
    tier: int = Field(ge=0, description="The step it happened at.", examples=[2])
    comment: str = Field(examples=["Ten hours on Tuesday?"])
    is_override: bool = Field(description="An administrator acting outside the path.", examples=[False])
    at: dt.datetime = Field(examples=["2026-03-07T10:00:00Z"])

    model_config = examples({"action": "rejected", "actor": PERSON_EXAMPLE, "tier": 2,
                             "comment": "Ten hours on Tuesday?", "is_override": False, "at": "2026-03-07T10:00:00Z"})


DETAIL_EXAMPLE = {
    **SUBMISSION_EXAMPLE,
    "days": [{"date": "2026-03-02", "seconds": 28800}], "projects": [{"project": "p9x2m4c8q1zt", "name": "Website",
                                                                      "seconds": 28800}],
    "entry_count": 1, "total_seconds": 28800, "tiers": [{"tier": 1, "approvers": [PERSON_EXAMPLE]}],
    "waiting_for": [PERSON_EXAMPLE],
    "history": [{"action": "submitted", "actor": PERSON_EXAMPLE, "tier": 1, "comment": "", "is_override": False,
                 "at": "2026-03-06T17:00:00Z"}],
    "your_actions": ["approve", "reject"],
}


class SubmissionDetail(SubmissionOut):
    days: list[DayTotal] = Field(description="Every day of the timesheet with the time logged on it.")
    projects: list[ProjectTotal] = Field(description="The time logged per project, by project name.")
    entry_count: int = Field(ge=0, description="How many time entries it holds.", examples=[1])
    tiers: list[TierApprovers] = Field(description="Each step with its approvers.")
    waiting_for: list[PersonRef] = Field(description="Who may act on the step waiting now (empty unless submitted).")
    history: list[EventOut] = Field(description="Everything that happened to it, oldest first, with comments.")
    your_actions: list[Literal["approve", "reject", "recall", "override"]] = Field(
        description="What you may do with it now.", examples=[["approve", "reject"]])

    model_config = examples(DETAIL_EXAMPLE)


class TimesheetFilters(PageParams):
    waiting: Literal["me"] | None = Field(None, description="`me`: the timesheets whose waiting step you may approve, "
                                                            "oldest first (your inbox).", examples=["me"])
    person: str | None = Field(None, pattern=r"^[0-9a-z]{1,16}$", description="`me` (the default, except with "
                               "`waiting`), a person's id, or `all`; someone else's or `all` for administrators only.",
                               examples=["me"])
    status: SubmissionStatus | None = Field(None, description="Only timesheets in this state.", examples=["submitted"])

    model_config = examples({"waiting": "me", "limit": 50, "offset": 0})


class SubmitIn(Schema):
    start: Day | None = Field(None, description="First day; with `end`, days within one timesheet period.",
                              examples=["2026-03-02"])
    end: Day | None = Field(None, description="Last day (inclusive).", examples=["2026-03-08"])
    day: Day | None = Field(None, description="Instead of `start` and `end`: any day of the period to submit whole.",
                            examples=["2026-03-04"])
    person: str | None = Field(None, pattern=r"^[0-9a-z]{1,16}$", description="Whose timesheet: a person's id; "
                               "administrators only (recorded as an override). Default: yours.", examples=["me"])
    comment: str = Field("", max_length=MAX_COMMENT, description="For your approvers; kept in the history.",
                         examples=["Friday was a bank holiday."])

    model_config = examples({"start": "2026-03-02", "end": "2026-03-08", "comment": ""})

    @model_validator(mode="after")
    def one_way_to_say_which_days(self):
        if self.day is not None and (self.start is not None or self.end is not None):
            raise ValueError("Send either `day` or `start` and `end`, not both.")
        if self.day is None and (self.start is None or self.end is None):
            raise ValueError("Send `start` and `end`, or a `day` of the period.")
        return self


class DecisionIn(Schema):
    tier: int = Field(ge=1, le=MAX_TIERS, description="The step you saw waiting (`current_tier`): if someone decided "
                                                       "it meanwhile, you get 409 instead of deciding the next one.",
                      examples=[1])
    comment: str = Field("", max_length=MAX_COMMENT, description="Kept in the history; required to reject.",
                         examples=["Looks right."])

    model_config = examples({"tier": 1, "comment": "Looks right."})


class RejectIn(DecisionIn):
    model_config = examples({"tier": 1, "comment": "Ten hours on Tuesday?"})


class OverrideIn(Schema):
    action: Literal["approve", "reject", "reopen", "delete"] = Field(
        description="approve: approved now, skipping the remaining steps; reject: back to its person; reopen: out "
                    "of approval, its time open for changes again; delete: its time entries (or expenses) removed for good, "
                    "whatever their state, each deletion in the audit log.", examples=["reopen"])
    comment: str = Field(max_length=MAX_COMMENT, description="Why: required, kept in the history with your name.",
                         examples=["Tuesday belongs to another project."])

    model_config = examples({"action": "reopen", "comment": "Tuesday belongs to another project."})


# Shaping answers


def person_ref(user) -> dict:
    return {"id": user.code, "name": str(user)}


def path_rows(org):
    people = Membership.objects.select_related("user").order_by("user__full_name", "user__email")
    tiers = ApprovalTier.objects.order_by("position").prefetch_related(Prefetch("people", queryset=people))
    return ApprovalPath.objects.filter(org=org).prefetch_related(Prefetch("tiers", queryset=tiers))


def path_out(path, default_id) -> dict:
    return {
        "id": path.uid, "title": path.title, "kind": path.kind, "is_builtin": path.is_builtin,
        "is_default": path.pk == default_id, "created_at": path.created_at,
        "tiers": [{"tier": t.position, "project_manager": t.project_manager, "team_lead": t.team_lead,
                   "employee_manager": t.employee_manager, "people": [person_ref(m.user) for m in t.people.all()]}
                  for t in path.tiers.all()],
    }


def submission_out(submission, total_seconds=None) -> dict:
    return {
        "id": submission.uid, "kind": submission.kind, "person": person_ref(submission.person),
        "start": submission.start, "end": submission.end, "status": submission.status,
        "path": submission.path.uid if submission.path_id else None, "path_title": submission.path_title,
        "tier_count": submission.tier_count, "current_tier": submission.current_tier,
        "total_seconds": submission.total_seconds if total_seconds is None else total_seconds,
        "submitted_at": submission.submitted_at, "decided_at": submission.decided_at,
        "updated_at": submission.updated_at,
    }


def submission_detail(request, submission) -> dict:
    """A timesheet with its totals, steps, approvers and history (five queries)."""
    per_day, projects, count = defaultdict(int), {}, 0
    rows = (timesheet_entries(submission).order_by().values("date", "project__uid", "project__name")
            .annotate(seconds=Sum("duration"), n=Count("id")))
    for row in rows:
        per_day[row["date"]] += row["seconds"]
        project = projects.setdefault(row["project__uid"], {"project": row["project__uid"],
                                                            "name": row["project__name"], "seconds": 0})
        project["seconds"] += row["seconds"]
        count += row["n"]
    days = [submission.start + dt.timedelta(days=i) for i in range((submission.end - submission.start).days + 1)]
    return {
        **submission_out(submission, total_seconds=sum(per_day.values())),
        "days": [{"date": day, "seconds": per_day.get(day, 0)} for day in days],
        "projects": sorted(projects.values(), key=lambda p: (p["name"].lower(), p["project"])),
        "entry_count": count,
        **steps_and_history(request, submission),
    }


def steps_and_history(request, submission) -> dict:
    """Each step with its approvers, who it waits for, its history, and what the caller may do (three queries)."""
    approvers = defaultdict(list)
    for approver in submission.approvers.select_related("user"):
        approvers[approver.tier].append(approver.user)
    waiting = submission.status == SubmissionStatus.SUBMITTED
    current = approvers.get(submission.current_tier, []) if waiting else []
    me = request.user.pk
    your_actions = []
    if any(user.pk == me for user in current):
        your_actions += ["approve", "reject"]
    if submission.person_id == me and submission.may_recall:
        your_actions.append("recall")
    if request.membership.is_admin and submission.person_id != me:
        your_actions.append("override")
    return {
        "tiers": [{"tier": tier, "approvers": [person_ref(u) for u in approvers.get(tier, [])]}
                  for tier in range(1, submission.tier_count + 1)],
        "waiting_for": [person_ref(u) for u in current],
        "history": [{"action": e.action, "actor": person_ref(e.actor) if e.actor_id else None, "tier": e.tier,
                     "comment": e.comment, "is_override": e.is_override, "at": e.created_at}
                    for e in submission.events.select_related("actor")],
        "your_actions": your_actions,
    }


def fresh_detail(request, submission) -> dict:
    """The submission as stored now (after a step), with its detail."""
    reloaded = Submission.objects.select_related("person", "path").get(pk=submission.pk)
    if reloaded.is_expense_sheet:
        return expense_sheet_detail(request, reloaded)
    return submission_detail(request, reloaded)


def get_sheet(request, uid, kind=SubmissionKind.TIMESHEET) -> Submission:
    """A submission of `kind` the caller may see (404 otherwise: a timesheet's id is no expense sheet's)."""
    submission = get_submission_for_user(request, uid)
    if submission.kind != kind:
        raise ApiError(404, "Not found.", "not_found")
    return submission


def invalid(field, message):
    return Status(422, {"detail": f"{field}: {message}", "code": "invalid",
                        "errors": [{"loc": ["body", field], "msg": message, "type": "invalid"}]})


# Why the engine refused: it says so in words (ApprovalError); the API also names it with a code,
# read from the state the refusal left (the engine changed nothing).


def state_refusal(exc, submission) -> ApiError:
    return ApiError(409, str(exc), STATE_CODES.get(submission.status, "conflict"))


def decision_refusal(exc, submission, acting_user, tier) -> ApiError:
    found = Submission.objects.select_related("person").get(pk=submission.pk)
    if found.status != SubmissionStatus.SUBMITTED:
        return state_refusal(exc, found)
    if tier < found.current_tier:
        return ApiError(409, str(exc), "already_decided")
    if tier > found.current_tier:
        # The engine's words ("already decided") fit a step that moved on, not one that has not come yet.
        return ApiError(409, f"Step {tier} of this {found.noun} is not the one waiting: step {found.current_tier} of "
                             f"{found.tier_count} is.", "wrong_tier")
    if not found.approvers.filter(tier=found.current_tier, user=acting_user).exists():
        return ApiError(409, str(exc), "not_approver")
    if edit_refusal(found.person, acting_user):
        return ApiError(403, str(exc), "permission_denied")
    return ApiError(409, str(exc), "conflict")


def submit_refusal(exc, org, person, acting_user, start, end, kind=SubmissionKind.TIMESHEET) -> ApiError:
    if edit_refusal(person, acting_user):
        return ApiError(403, str(exc), "permission_denied")
    if Locks(org.id).is_closed(start):
        return ApiError(409, str(exc), "closed")
    active = {(s.start, s.end): s.status for s in Submission.objects.filter(
        org=org, person=person, kind=kind, status__in=ACTIVE_STATUSES, start__lte=end,
        end__gte=start)}
    if (start, end) in active:
        exact = active.pop((start, end))
        if not active:
            return ApiError(409, str(exc), "already_approved" if exact == SubmissionStatus.APPROVED
                            else "already_submitted")
    if active:
        return ApiError(409, str(exc), "overlapping")
    if kind == SubmissionKind.EXPENSE_SHEET:
        return ApiError(409, str(exc), "nothing_to_submit")
    return ApiError(409, str(exc), "conflict")


# Paths

PATHS_FORBIDDEN = "External members cannot read the organisation's approval paths. Code `permission_denied`."


def path_reader(request, org):
    membership = get_membership(request, org)
    if membership.is_external:
        raise PermissionDenied("External members cannot read the organisation's approval paths.")
    return current_setup(membership.org)


@router.get("/orgs/{org}/approval-paths", summary="List approval paths", **responses({200: PathList}, {
    401: NOT_AUTHENTICATED, 403: PATHS_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_approval_paths(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's approval paths by title, built-in ones included, each with its steps and who approves
    them: named people and relations (the project's manager or team lead, the employee's manager). Any member
    may read them; administrators change them on the Approval paths page.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 when `limit` or `offset` is out of range.
    """
    settings = path_reader(request, org)
    paths = path_rows(request.org).order_by("title", "id")
    count = paths.count()
    items = [path_out(p, settings.default_path_id) for p in paths[page.offset: page.offset + page.limit]]
    return {"items": items, "count": count}


@router.get("/orgs/{org}/approval-paths/{path}", summary="One approval path", **responses({200: PathOut}, {
    401: NOT_AUTHENTICATED, 403: PATHS_FORBIDDEN,
    404: NOT_FOUND_ORG + " Also when the organisation has no path with this id.", 422: INVALID}))
def get_approval_path(request, org: OrgSlug, path: PathId):
    """An approval path with its steps and approvers.

    Errors: 401 without valid credentials; 403 for external members; 404 when the organisation or path is not
    yours to see; 422 for a malformed id.
    """
    settings = path_reader(request, org)
    found = get_path_for_user(request, path)
    return path_out(path_rows(request.org).get(pk=found.pk), settings.default_path_id)


# Timesheets

LIST_FORBIDDEN = "Only administrators can list other people's timesheets (`person`). Code `permission_denied`."


@router.get("/orgs/{org}/timesheets", summary="List timesheets", **responses({200: SubmissionList}, {
    401: NOT_AUTHENTICATED, 403: LIST_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_timesheets(request, org: OrgSlug, filters: Query[TimesheetFilters]):
    """Your submitted timesheets, newest period first. With `waiting=me`, the ones whose waiting step you may
    approve (your inbox), oldest first. Administrators may name any `person` (or `all`). Each comes with the time
    logged on its days.

    Errors: 401 without valid credentials; 403 when someone other than an administrator names another `person`;
    404 for an organisation you are not in; 422 for a malformed filter.
    """
    membership = get_membership(request, org)
    f = filters
    submissions = filtered_submissions(request, membership, f, SubmissionKind.TIMESHEET)
    return {"items": [submission_out(s) for s in submissions[f.offset: f.offset + f.limit]],
            "count": submissions.count()}


def filtered_submissions(request, membership, f, kind):
    """The caller's submissions of `kind`, or their inbox (`waiting=me`), or an administrator's pick of `person`."""
    user = request.user
    if f.waiting == "me":
        submissions = waiting_on(request.org, user)
    else:
        submissions = with_totals(Submission.objects.filter(org=request.org)).order_by("-start", "-id")
    submissions = submissions.filter(kind=kind)
    person = f.person or ("all" if f.waiting else "me")
    if person in ("me", user.code):
        submissions = submissions.filter(person=user)
    elif not membership.is_admin and not f.waiting:
        raise PermissionDenied(f"Only administrators can list other people's {SubmissionKind(kind).label.lower()}s.")
    elif person != "all":
        submissions = submissions.filter(person__code=person)
    if f.status:
        submissions = submissions.filter(status=f.status)
    return submissions.select_related("person", "path")


@router.get("/orgs/{org}/timesheets/{submission}", summary="One timesheet", **responses({200: SubmissionDetail}, {
    401: NOT_AUTHENTICATED, 404: NOT_FOUND_SUBMISSION, 422: INVALID}))
def get_timesheet(request, org: OrgSlug, submission: SubmissionId):
    """A submitted timesheet: the time on each day and project, each step with its approvers, who it waits for,
    its whole history with comments, and what you may do with it.

    Errors: 401 without valid credentials; 404 when the organisation or timesheet is not yours to see; 422 for a
    malformed id.
    """
    get_membership(request, org)
    return submission_detail(request, get_sheet(request, submission))


SUBMIT_FORBIDDEN = ("External members log no time; only administrators submit someone else's timesheet; nobody "
                    "but its person while their processing is restricted." + READ_ONLY)
SUBMIT_CONFLICT = ("The days cannot be submitted now, and nothing was changed. Code `already_submitted` or "
                   "`already_approved` (these very days are waiting or approved), `overlapping` (some of the days are "
                   "in another timesheet that is waiting or approved), or `closed` (the period is closed).")
SUBMIT_INVALID = ("The days are malformed, out of range, not within one timesheet period, or the last is before the "
                  "first; or `person` is no active member. Code `invalid`.")


@router.post("/orgs/{org}/timesheets", summary="Submit a timesheet", **responses({201: SubmissionDetail}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: SUBMIT_FORBIDDEN, 404: NOT_FOUND_ORG, 409: SUBMIT_CONFLICT,
    422: SUBMIT_INVALID}))
def submit_timesheet(request, org: OrgSlug, payload: SubmitIn):
    """Submit days for approval: `start` and `end` within one timesheet period, or a `day` to submit its whole
    period. The timesheet follows its approval path (see `path`); with no approval needed it is approved at once.
    Its time is locked while it waits, if the organisation locks submitted time. Days rejected or recalled before
    are submitted again, with their history.

    Errors: 401 without valid credentials; 403 for external members, for someone else's timesheet without being an
    administrator, for a read-only organisation; 404 for an organisation you are not in; 409 when the days are
    already submitted or approved, overlap another timesheet, or lie in a closed period; 422 for days that are not
    within one period.
    """
    return submit(request, org, payload, SubmissionKind.TIMESHEET)


def submit(request, org, payload, kind):
    membership = get_membership(request, org)
    if membership.is_external:
        raise PermissionDenied("External members do not log time or expenses here.")
    person = request.user
    if payload.person and payload.person not in ("me", request.user.code):
        if not membership.is_admin:
            raise PermissionDenied(f"Only administrators can submit someone else's {SubmissionKind(kind).label.lower()}.")
        member = (Membership.objects.filter(org=request.org, user__code=payload.person, is_active=True)
                  .exclude(role=Role.EXTERNAL).select_related("user").first())
        if member is None:
            return invalid("person", f"No active member (who logs time) with id {payload.person}.")
        person = member.user
    if payload.day is not None:
        start, end = period_bounds(request.org, payload.day)
    else:
        start, end = payload.start, payload.end
        try:
            check_range(request.org, start, end)
        except ApprovalError as exc:
            return invalid("end", str(exc))
    do_submit = do_submit_expense_sheet if kind == SubmissionKind.EXPENSE_SHEET else do_submit_timesheet
    try:
        submission = do_submit(request.org, person, start, end, acting_user=request.user, comment=payload.comment)
    except ApprovalError as exc:
        raise submit_refusal(exc, request.org, person, request.user, start, end, kind) from None
    return Status(201, fresh_detail(request, submission))


def decide(request, org, submission_id, payload, decision, kind=SubmissionKind.TIMESHEET):
    """Approve or reject (`decision`) the step the caller saw (`payload.tier`), as its approver."""
    found = approver_of(request, org, submission_id, kind)
    if decision is do_reject and not payload.comment.strip():
        return invalid("comment", "Say why you reject it: the comment goes back to the person.")
    try:
        done = decision(found, acting_user=request.user, expected_tier=payload.tier, comment=payload.comment)
    except ApprovalError as exc:
        raise decision_refusal(exc, found, request.user, payload.tier) from None
    return fresh_detail(request, done)


def approver_of(request, org, submission_id, kind=SubmissionKind.TIMESHEET):
    """A timesheet the caller approves at some step (404 if they may not see it, 403 if they approve none)."""
    get_membership(request, org)
    submission = get_sheet(request, submission_id, kind)
    if not submission.approvers.filter(user=request.user).exists():
        raise PermissionDenied(f"You are not an approver of this {submission.noun}."
                               + (" As an administrator, use override." if request.membership.is_admin else ""))
    return submission


DECISION_FORBIDDEN = ("You are not among the timesheet's approvers (administrators: use override), or its person's "
                      "processing is restricted." + READ_ONLY)


@router.post("/orgs/{org}/timesheets/{submission}/approve", summary="Approve a timesheet's step",
             **responses({200: SubmissionDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: DECISION_FORBIDDEN, 404: NOT_FOUND_SUBMISSION,
                 409: DECISION_CONFLICT, 422: INVALID}))
def approve_timesheet(request, org: OrgSlug, submission: SubmissionId, payload: DecisionIn):
    """Approve the step waiting, named by `tier` (the `current_tier` you saw): the next step waits, or after the
    last the timesheet is approved (and its time locked, if the organisation locks approved time). Of two approvers
    of one step approving at once, one decides; the other gets 409 `already_decided`.

    Errors: 401 without valid credentials; 403 when you approve no step of it; 404 when the organisation or
    timesheet is not yours to see; 409 when it is decided already, recalled, reopened, or the step waiting is not
    `tier` or not yours; 422 for a malformed body.
    """
    return decide(request, org, submission, payload, do_approve)


@router.post("/orgs/{org}/timesheets/{submission}/reject", summary="Reject a timesheet",
             **responses({200: SubmissionDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: DECISION_FORBIDDEN, 404: NOT_FOUND_SUBMISSION,
                 409: DECISION_CONFLICT,
                 422: "The body is malformed, or `comment` is empty: say why, it goes back to the person. "
                      "Code `invalid`."}))
def reject_timesheet(request, org: OrgSlug, submission: SubmissionId, payload: RejectIn):
    """Reject the step waiting, named by `tier`, with a `comment` saying why: the timesheet goes back to its person
    with the comment, and its time can be changed again.

    Errors: 401 without valid credentials; 403 when you approve no step of it; 404 when the organisation or
    timesheet is not yours to see; 409 when it is decided already, recalled, reopened, or the step waiting is not
    `tier` or not yours; 422 without a comment.
    """
    return decide(request, org, submission, payload, do_reject)


@router.post("/orgs/{org}/timesheets/{submission}/recall", summary="Recall your timesheet",
             **responses({200: SubmissionDetail}, {
                 401: NOT_AUTHENTICATED, 403: "It is not your timesheet." + READ_ONLY, 404: NOT_FOUND_SUBMISSION,
                 409: "It is not waiting for approval (code `already_decided`, `recalled`, `reopened` or `deleted`), or a step "
                      "is approved already (code `approval_started`: ask an approver to reject it, or an "
                      "administrator to reopen it).",
                 422: INVALID}))
def recall_timesheet(request, org: OrgSlug, submission: SubmissionId):
    """Take your timesheet back out of approval, before anyone approved a step; its time is open for changes
    again. Submit it again when it is ready.

    Errors: 401 without valid credentials; 403 when it is not yours; 404 when the organisation or timesheet is not
    yours to see; 409 when it no longer waits, or a step is approved already; 422 for a malformed id.
    """
    return recall(request, org, submission, SubmissionKind.TIMESHEET)


def recall(request, org, submission, kind):
    get_membership(request, org)
    found = get_sheet(request, submission, kind)
    if found.person_id != request.user.pk:
        raise PermissionDenied(f"Only the person who submitted {found.a_noun} can recall it.")
    try:
        done = do_recall(found, acting_user=request.user)
    except ApprovalError as exc:
        now = Submission.objects.get(pk=found.pk)
        if now.status == SubmissionStatus.SUBMITTED:
            raise ApiError(409, str(exc), "approval_started") from None
        raise state_refusal(exc, now) from None
    return fresh_detail(request, done)


@router.post("/orgs/{org}/timesheets/{submission}/override", summary="Override a timesheet's approval",
             **responses({200: SubmissionDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED,
                 403: "Only administrators override, not their own timesheet (code `own_submission`) and not for "
                      "someone whose processing is restricted." + READ_ONLY,
                 404: NOT_FOUND_SUBMISSION,
                 409: "Its state does not allow this: only a waiting timesheet can be approved, a waiting or approved "
                      "one rejected or reopened, and a deleted one not deleted again. Code `already_decided`, "
                      "`recalled`, `reopened` or `deleted` (the state found).",
                 422: "The body is malformed, `action` is unknown, or `comment` is empty. Code `invalid`."}))
def override_timesheet(request, org: OrgSlug, submission: SubmissionId, payload: OverrideIn):
    """As an administrator, act on any timesheet outside its path: `approve` it now (skipping the remaining steps),
    `reject` it back to its person, `reopen` it (out of approval, its time open for changes again), or `delete` it
    (its time entries removed for good, locked or not, each deletion audited). The
    `comment` is required and the act is kept in its history as an override, with your name.

    Errors: 401 without valid credentials; 403 for anyone but administrators; 404 when the organisation or
    timesheet is not yours to see; 409 when its state does not allow the action; 422 without a comment.
    """
    return override(request, org, submission, payload, SubmissionKind.TIMESHEET)


def override(request, org, submission, payload, kind):
    get_admin_membership(request, org)
    found = get_sheet(request, submission, kind)
    if not payload.comment.strip():
        return invalid("comment", "Say why you override the approval path: it is kept in the history.")
    action = {"approve": OVERRIDE_APPROVE, "reject": OVERRIDE_REJECT, "reopen": OVERRIDE_REOPEN,
              "delete": OVERRIDE_DELETE}[payload.action]
    try:
        done = do_override(found, action, acting_user=request.user, comment=payload.comment)
    except OwnOverride as exc:
        raise ApiError(403, str(exc), "own_submission") from None
    except ApprovalError as exc:
        if edit_refusal(found.person, request.user):
            raise ApiError(403, str(exc), "permission_denied") from None
        raise state_refusal(exc, Submission.objects.get(pk=found.pk)) from None
    return fresh_detail(request, done)


# Expense sheets: a person's open and rejected expenses of one timesheet period, through the same paths, steps,
# history and error codes as timesheets. The expenses move with the sheet (submitted, approved, rejected, open
# again), each move in the expense's own audit trail; submitted and approved expenses cannot be changed (409
# `locked` on the expenses API). Approvers, external ones too, see the expenses and receipts of what they approve.

EXPENSE_SHEET_EXAMPLE = {
    **{k: v for k, v in SUBMISSION_EXAMPLE.items() if k != "total_seconds"}, "kind": "expense_sheet",
    "total": "48.20", "currency": "GBP", "expense_count": 2,
}


class ExpenseSheetOut(SheetOut):
    total: Decimal = Field(description="Its person's expenses on its days, in the organisation's currency.",
                           examples=["48.20"])
    currency: str = Field(description="The organisation's currency.", examples=["GBP"])
    expense_count: int = Field(ge=0, description="How many expenses its person has on its days.", examples=[2])

    model_config = examples(EXPENSE_SHEET_EXAMPLE)


class ExpenseSheetList(Page):
    items: list[ExpenseSheetOut]

    model_config = examples({"items": [EXPENSE_SHEET_EXAMPLE], "count": 1})


class ExpenseSheetDetail(ExpenseSheetOut):
    expenses: list[ExpenseOut] = Field(description="The expenses on its days, with their receipts (download them at "
                                                   "`/orgs/{org}/expenses/{expense}/receipts/{receipt}`).")
    tiers: list[TierApprovers] = Field(description="Each step with its approvers.")
    waiting_for: list[PersonRef] = Field(description="Who may act on the step waiting now (empty unless submitted).")
    history: list[EventOut] = Field(description="Everything that happened to it, oldest first, with comments.")
    your_actions: list[Literal["approve", "reject", "recall", "override"]] = Field(
        description="What you may do with it now.", examples=[["approve", "reject"]])

    model_config = examples({**EXPENSE_SHEET_EXAMPLE, "expenses": [], "tiers": DETAIL_EXAMPLE["tiers"],
                             "waiting_for": [PERSON_EXAMPLE], "history": DETAIL_EXAMPLE["history"],
                             "your_actions": ["approve", "reject"]})


class ExpenseSheetFilters(TimesheetFilters):
    model_config = examples({"waiting": "me", "limit": 50, "offset": 0})


def expense_sheet_out(submission) -> dict:
    out = submission_out(submission, total_seconds=0)
    del out["total_seconds"]
    # Summed by the database: SQLite drops the cents' zeros, so they are put back.
    return {**out, "total": to_amount(Decimal(submission.expense_total or 0), submission.org.currency),
            "currency": submission.org.currency,
            "expense_count": submission.expense_count}


def expense_sheet_detail(request, submission) -> dict:
    """An expense sheet with its expenses and their receipts, steps, approvers and history."""
    receipts = Prefetch("receipts", queryset=Receipt.objects.order_by("created_at", "id"))
    expenses = list(sheet_expenses(submission).select_related(
        "user", "project", "expense_code", "tax_code", "payment_method").prefetch_related(receipts))
    out = submission_out(submission, total_seconds=0)
    del out["total_seconds"]
    return {
        **out, "total": sum((e.base_total for e in expenses), Decimal("0.00")), "currency": request.org.currency,
        "expense_count": len(expenses), "expenses": [expense_out(e) for e in expenses],
        **steps_and_history(request, submission),
    }


NOT_FOUND_SHEET = NOT_FOUND_ORG + (" Also when the expense sheet does not exist or is not yours to see: yours, "
                                   "those you approve, and for administrators everyone's.")
EXPENSE_SUBMIT_CONFLICT = ("The expenses cannot be submitted now, and nothing was changed. Code `already_submitted` "
                           "or `already_approved` (these very days are waiting or approved), `overlapping` (some of "
                           "the days are in another expense sheet), `closed` (the period is closed) or "
                           "`nothing_to_submit` (no open or rejected expenses on these days).")


@router.get("/orgs/{org}/expense-sheets", summary="List expense sheets", **responses({200: ExpenseSheetList}, {
    401: NOT_AUTHENTICATED, 403: LIST_FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_expense_sheets(request, org: OrgSlug, filters: Query[ExpenseSheetFilters]):
    """Your submitted expense sheets, newest period first; with `waiting=me`, the ones whose waiting step you may
    approve, oldest first. Administrators may name any `person` (or `all`). Each comes with its total in the
    organisation's currency.

    Errors: 401 without valid credentials; 403 when someone other than an administrator names another `person`;
    404 for an organisation you are not in; 422 for a malformed filter.
    """
    membership = get_membership(request, org)
    f = filters
    submissions = filtered_submissions(request, membership, f, SubmissionKind.EXPENSE_SHEET).select_related("org")
    return {"items": [expense_sheet_out(s) for s in submissions[f.offset: f.offset + f.limit]],
            "count": submissions.count()}


@router.get("/orgs/{org}/expense-sheets/{sheet}", summary="One expense sheet",
            **responses({200: ExpenseSheetDetail}, {401: NOT_AUTHENTICATED, 404: NOT_FOUND_SHEET, 422: INVALID}))
def get_expense_sheet(request, org: OrgSlug, sheet: SheetId):
    """An expense sheet: its expenses with their receipts, the total in the organisation's currency, each step with
    its approvers, who it waits for, its history with comments, and what you may do with it.

    Errors: 401 without valid credentials; 404 when the organisation or expense sheet is not yours to see; 422 for
    a malformed id.
    """
    get_membership(request, org)
    return expense_sheet_detail(request, get_sheet(request, sheet, SubmissionKind.EXPENSE_SHEET))


@router.post("/orgs/{org}/expense-sheets", summary="Submit an expense sheet", **responses({201: ExpenseSheetDetail}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: SUBMIT_FORBIDDEN, 404: NOT_FOUND_ORG, 409: EXPENSE_SUBMIT_CONFLICT,
    422: SUBMIT_INVALID}))
def submit_expense_sheet(request, org: OrgSlug, payload: SubmitIn):
    """Submit your open and rejected expenses of `start` to `end` (within one timesheet period), or of the whole
    period of `day`, for approval. The sheet follows the path of the member, else of the expenses' projects, else
    the organisation's default; with no approval needed it is approved at once. Its expenses cannot be changed while
    it waits or once approved.

    Errors: 401 without valid credentials; 403 for external members, for someone else's expenses without being an
    administrator, for a read-only organisation; 404 for an organisation you are not in; 409 when the days are
    already submitted or approved, overlap another expense sheet, lie in a closed period or hold no open expense;
    422 for days that are not within one period.
    """
    return submit(request, org, payload, SubmissionKind.EXPENSE_SHEET)


@router.post("/orgs/{org}/expense-sheets/{sheet}/approve", summary="Approve an expense sheet's step",
             **responses({200: ExpenseSheetDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: DECISION_FORBIDDEN, 404: NOT_FOUND_SHEET,
                 409: DECISION_CONFLICT, 422: INVALID}))
def approve_expense_sheet(request, org: OrgSlug, sheet: SheetId, payload: DecisionIn):
    """Approve the step waiting, named by `tier`: the next step waits, or after the last the sheet and its expenses
    are approved (read-only from then on).

    Errors: as for approving a timesheet's step.
    """
    return decide(request, org, sheet, payload, do_approve, SubmissionKind.EXPENSE_SHEET)


@router.post("/orgs/{org}/expense-sheets/{sheet}/reject", summary="Reject an expense sheet",
             **responses({200: ExpenseSheetDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: DECISION_FORBIDDEN, 404: NOT_FOUND_SHEET,
                 409: DECISION_CONFLICT,
                 422: "The body is malformed, or `comment` is empty: say why, it goes back to the person. "
                      "Code `invalid`."}))
def reject_expense_sheet(request, org: OrgSlug, sheet: SheetId, payload: RejectIn):
    """Reject the step waiting, named by `tier`, with a `comment` saying why: the sheet goes back to its person and
    its expenses can be changed again.

    Errors: as for rejecting a timesheet.
    """
    return decide(request, org, sheet, payload, do_reject, SubmissionKind.EXPENSE_SHEET)


@router.post("/orgs/{org}/expense-sheets/{sheet}/recall", summary="Recall your expense sheet",
             **responses({200: ExpenseSheetDetail}, {
                 401: NOT_AUTHENTICATED, 403: "It is not your expense sheet." + READ_ONLY, 404: NOT_FOUND_SHEET,
                 409: "It is not waiting for approval (code `already_decided`, `recalled`, `reopened` or `deleted`), or a step "
                      "is approved already (code `approval_started`).",
                 422: INVALID}))
def recall_expense_sheet(request, org: OrgSlug, sheet: SheetId):
    """Take your expense sheet back out of approval, before anyone approved a step; its expenses are open again.

    Errors: as for recalling a timesheet.
    """
    return recall(request, org, sheet, SubmissionKind.EXPENSE_SHEET)


@router.post("/orgs/{org}/expense-sheets/{sheet}/override", summary="Override an expense sheet's approval",
             **responses({200: ExpenseSheetDetail}, {
                 400: BAD_BODY, 401: NOT_AUTHENTICATED,
                 403: "Only administrators override, not their own expense sheet (code `own_submission`) and not for "
                      "someone whose processing is restricted." + READ_ONLY,
                 404: NOT_FOUND_SHEET,
                 409: "Its state does not allow this. Code `already_decided`, `recalled`, `reopened` or `deleted`.",
                 422: "The body is malformed, `action` is unknown, or `comment` is empty. Code `invalid`."}))
def override_expense_sheet(request, org: OrgSlug, sheet: SheetId, payload: OverrideIn):
    """As an administrator, `approve`, `reject` or `reopen` any expense sheet outside its path, with a required
    `comment`; kept in its history as an override with your name.

    Errors: as for overriding a timesheet.
    """
    return override(request, org, sheet, payload, SubmissionKind.EXPENSE_SHEET)
