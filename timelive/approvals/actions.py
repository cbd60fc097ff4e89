"""The approval engine: submit, approve, reject, recall, and an administrator's overrides.

Every transition locks the submission's row (select_for_update), checks the
state it finds there, and refuses with ApprovalError when the step no longer
fits (approved twice, not yours, already recalled), leaving everything as it
was. Approvers pass the tier they saw, so two approvers of one tier clicking
at once make exactly one transition: the second finds the tier moved on.

Each transition appends a SubmissionEvent (who, when, what, tier, comment,
override or not): the submission's history. In the same transaction it
writes the organisation's audit log, in one INSERT: a `timesheet.*` row for
the transition (period, tier, comment, status old → new), a
`timesheet.waiting` row naming who must act next when it waits on someone,
and an `entry.changed` row for each entry whose status moved. Expense sheets
take the same steps and write the same `timesheet.*` rows (with details
kind="expense_sheet" and a label "Expense sheet of …"); their expenses move
through timelive.expenses.actions.do_set_expense_status, which writes each
expense's own `expense.changed` row (via "approval", the submission's uid). Once a
transition commits, the `submission_changed` signal announces it (with who
is now waiting to act), for notifications to turn into mail.
"""

import datetime as dt
import functools

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.dispatch import Signal
from django.utils import timezone

from timelive.orgs.actions import audit, json_value
from timelive.orgs.history import SUBMISSION_TARGET, audit_row, field_changes, write_rows
from timelive.orgs.models import AuditEvent, Membership
from timelive.privacy.core.processing import edit_refusal
from timelive.tracking.actions import ENTRY_TARGET, _writer_turn, entry_label
from timelive.tracking.models import EntryStatus, TimeEntry
from timelive.tracking.periods import period_bounds

from .locking import Locks
from .models import (
    ACTIVE_STATUSES,
    MAX_TIERS,
    ApprovalPath,
    ApprovalSettings,
    ApprovalTier,
    EventAction,
    MemberApproval,
    PathKind,
    ProjectApproval,
    Submission,
    SubmissionApprover,
    SubmissionEvent,
    SubmissionKind,
    SubmissionStatus,
)
from .paths import ensure_setup, resolve_path, tier_approvers

MAX_COMMENT = 2000

# Sent after a transition commits: submission, event, waiting_for (ids of the people who must act next).
submission_changed = Signal()


def transition(func):
    """Run a transition in one transaction; on SQLite, after this process's other writers
    (tracking.actions._writer_turn), so that two threads queue instead of failing on the lock."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with _writer_turn(), transaction.atomic():
            return func(*args, **kwargs)

    return run


class ApprovalError(Exception):
    """A step the rules do not allow now; the message is for the person. Nothing was changed."""


def timesheet_entries(submission):
    """The time entries a timesheet submission covers: its person's, on its days."""
    return TimeEntry.objects.filter(org_id=submission.org_id, user_id=submission.person_id,
                                    date__gte=submission.start, date__lte=submission.end)


def sheet_expenses(submission):
    """The expenses an expense sheet covers: its person's, on its days (see Expense.objects.for_sheet)."""
    from timelive.expenses.models import Expense

    return Expense.objects.for_sheet(submission.org, submission.person, submission.start, submission.end)


def _set_expenses(submission, status, actor, *, submitting) -> list:
    """Move the expense sheet's expenses to `status` through the expenses' own audited step.

    Submitting takes the open and rejected expenses; every later step moves the
    ones the sheet holds (submitted or approved), so an expense added to the
    period after submitting stays open, with its person, until the sheet is
    recalled, rejected or reopened and submitted again. The expense rows are
    written by do_set_expense_status itself, so nothing is added here."""
    from timelive.expenses.actions import do_set_expense_status
    from timelive.expenses.models import ExpenseStatus

    held = ((ExpenseStatus.OPEN, ExpenseStatus.REJECTED) if submitting
            else (ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED))
    do_set_expense_status(sheet_expenses(submission).filter(status__in=held), ExpenseStatus(str(status)),
                          acting_user=actor, submission=submission.uid)
    return []


def _set_entries(submission, status, now, actor, *, submitting=False) -> list:
    """Move the timesheet's entries (an expense sheet's expenses) to `status`; returns the unsaved
    audit rows of those that moved."""
    if submission.is_expense_sheet:
        return _set_expenses(submission, status, actor, submitting=submitting)
    entries = timesheet_entries(submission)
    moved = entries.exclude(status=status).values_list("uid", "status", "date", "project__code", "project__name")
    rows = [
        audit_row(submission.org_id, AuditEvent.ENTRY_CHANGED, actor=actor, target_type=ENTRY_TARGET, target_id=uid,
                  target_label=entry_label(day, f"{code} {name}" if code else name), created_at=now,
                  changes={"status": [old, status]}, via="approval", submission=submission.uid)
        for uid, old, day, code, name in moved
    ]
    # The version moves on, so an editor holding the old one cannot overwrite the new state.
    entries.update(status=status, version=F("version") + 1, updated_at=now)
    return rows


def _delete_contents(submission, actor) -> list:
    """An administrator's override: delete what the sheet covers, locked or not, each deletion
    audited with its last values (the entries' rows are written here, the expenses' by their action)."""
    if submission.is_expense_sheet:
        from timelive.expenses.actions import do_delete_expense

        for expense in sheet_expenses(submission).select_for_update():
            do_delete_expense(expense, acting_user=actor, override=True)
        return []
    from timelive.tracking.actions import delete_entries

    entries = list(timesheet_entries(submission).select_for_update(of=("self",)).select_related("project", "task"))
    delete_entries(entries, actor_id=actor.pk)
    return []


def _event(submission, actor, action, *, comment="", is_override=False, tier=None, now=None) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission, actor=actor, action=action, comment=comment, is_override=is_override,
        tier=submission.current_tier if tier is None else tier, created_at=now or timezone.now(),
    )


def waiting_for(submission) -> list[int]:
    """Who may act on the submission's current tier now (none unless it is waiting)."""
    return [user_id for user_id, _, _ in _waiting_approvers(submission)]


def _waiting_approvers(submission) -> list[tuple[int, str, str | None]]:
    """(user id, name, membership code) of who may act on the current tier now; none unless it is waiting."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return []
    code = Membership.objects.filter(org_id=submission.org_id, user_id=OuterRef("user_id")).values("code")[:1]
    return list(SubmissionApprover.objects.filter(submission=submission, tier=submission.current_tier)
                .annotate(code=Subquery(code)).values_list("user_id", "user__full_name", "code"))


# The audit log's record of a transition. Its label names the person's timesheet by name, never by
# address; the privacy eraser replaces the name (and names in comments) when a person is erased.


def submission_label(submission) -> str:
    name, kind = submission.person.full_name, submission.get_kind_display()
    return f"{kind} of {name} · {submission.range_label}" if name else f"{kind} · {submission.range_label}"


def _submission_row(submission, actor, event, *, before: dict, now, comment="", tier=None, **details):
    """The transition's row: period, step, comment, and status (and step) old → new."""
    return audit_row(
        submission.org_id, event, actor=actor, target_type=SUBMISSION_TARGET, target_id=submission.uid,
        target_label=submission_label(submission), created_at=now,
        period=[submission.start.isoformat(), submission.end.isoformat()],
        tier=submission.current_tier if tier is None else tier, tiers=submission.tier_count, comment=comment,
        changes=field_changes(before, _state(submission), ("status", "current_tier")),
        **({"kind": submission.kind} if submission.is_expense_sheet else {}), **details,
    )


def _state(submission) -> dict:
    return {"status": submission.status, "current_tier": submission.current_tier}


def _announce(submission, event, rows: list, now):
    """Write the transition's audit rows (and, when it waits on someone, who), and announce it once committed."""
    approvers = _waiting_approvers(submission)
    if approvers:
        rows.append(audit_row(
            submission.org_id, AuditEvent.TIMESHEET_WAITING, target_type=SUBMISSION_TARGET, target_id=submission.uid,
            target_label=submission_label(submission), created_at=now,
            period=[submission.start.isoformat(), submission.end.isoformat()], tier=submission.current_tier,
            tiers=submission.tier_count, approvers=[code for _, _, code in approvers if code],
            approver_names=[name for _, name, _ in approvers],
        ))
    write_rows(rows)
    people = [user_id for user_id, _, _ in approvers]
    transaction.on_commit(lambda: submission_changed.send(
        sender=Submission, submission=submission, event=event, waiting_for=people))


def _clean_comment(comment: str, *, required: str = "") -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ApprovalError(required)
    if len(comment) > MAX_COMMENT:
        raise ApprovalError(f"Keep the comment under {MAX_COMMENT:,} characters.")
    return comment


def _lock(submission) -> Submission:
    # Re-read under lock: the page may be stale, and two approvers may click at once.
    return Submission.objects.select_for_update(of=("self",)).select_related("person", "org").get(pk=submission.pk)


def _refuse_if_restricted(submission, acting_user):
    refusal = edit_refusal(submission.person, acting_user)
    if refusal:
        raise ApprovalError(refusal)


def _state_problem(submission) -> str:
    """Why a submission that is not waiting cannot be approved or rejected, in words."""
    person = submission.person
    return {
        SubmissionStatus.APPROVED: f"This {submission.noun} is already approved.",
        SubmissionStatus.REJECTED: f"This {submission.noun} was rejected; it waits for {person} to submit it again.",
        SubmissionStatus.RECALLED: f"{person} recalled this {submission.noun}, so there is nothing to approve or reject.",
        SubmissionStatus.REOPENED: f"An administrator reopened this {submission.noun}, so there is nothing to approve or reject.",
    }.get(submission.status, f"This {submission.noun} is not waiting for approval.")


# Submitting


def check_range(org, start: dt.date, end: dt.date):
    """A submitted range lies within one timesheet period."""
    if end < start:
        raise ApprovalError("The last day must not be before the first.")
    first, last = period_bounds(org, start)
    if end > last:
        raise ApprovalError(f"Submit one timesheet period at a time: {start:%-d %b} – {end:%-d %b} goes past the "
                            f"period's last day, {last:%-d %b %Y}.")


@transition
def do_submit_timesheet(org, person, start: dt.date, end: dt.date, *, acting_user, comment="") -> Submission:
    """Submit `person`'s time from `start` to `end` (within one period) for approval.

    Submitting a range that was rejected or recalled before submits the same
    submission again. Someone other than the person acting is an
    administrator's override (the view checks the role).
    """
    return _submit(SubmissionKind.TIMESHEET, org, person, start, end, acting_user=acting_user, comment=comment)


@transition
def do_submit_expense_sheet(org, person, start: dt.date, end: dt.date, *, acting_user, comment="") -> Submission:
    """Submit `person`'s open and rejected expenses from `start` to `end` (within one timesheet period).

    The same rules as a timesheet: one period at a time, the path resolved from
    the member, the expenses' projects and the organisation's default, the same
    steps; an expense sheet with nothing open in it is refused.
    """
    return _submit(SubmissionKind.EXPENSE_SHEET, org, person, start, end, acting_user=acting_user, comment=comment)


def sheet_project_ids(kind, org, person, start, end) -> set:
    """The projects a sheet of `kind` would hold: what its path is resolved from."""
    if kind == SubmissionKind.EXPENSE_SHEET:
        from timelive.expenses.models import EDITABLE_STATUSES, Expense

        items = Expense.objects.for_sheet(org, person, start, end).filter(status__in=EDITABLE_STATUSES)
    else:
        items = TimeEntry.objects.filter(org=org, user=person, date__gte=start, date__lte=end)
    return set(items.order_by().values_list("project_id", flat=True).distinct())


def _submit(kind, org, person, start, end, *, acting_user, comment) -> Submission:
    noun = SubmissionKind(kind).label.lower()
    check_range(org, start, end)
    comment = _clean_comment(comment)
    ensure_setup(org)
    # Lock the person's membership: one submission at a time per person, so two cannot overlap.
    membership = Membership.objects.select_for_update().filter(org=org, user=person, is_active=True).first()
    if membership is None:
        raise ApprovalError(f"{person} is not a member of {org.name} any more.")
    locks = Locks(org.id)
    if locks.is_closed(start):
        raise ApprovalError(locks.closed_message("it cannot be submitted"))
    overlapping = (Submission.objects.filter(org=org, person=person, kind=kind,
                                             status__in=ACTIVE_STATUSES, start__lte=end, end__gte=start)
                   .exclude(start=start, end=end).first())
    if overlapping is not None:
        raise ApprovalError(f"{overlapping.range_label} is already {overlapping.get_status_display().lower()}; "
                            f"a day can be in one {noun} at a time.")
    submission = (Submission.objects.select_for_update(of=("self",))
                  .filter(org=org, person=person, kind=kind, start=start, end=end).first())
    if submission is not None and submission.status in ACTIVE_STATUSES:
        raise ApprovalError(f"This {noun} is already {submission.get_status_display().lower()}.")
    project_ids = sheet_project_ids(kind, org, person, start, end)
    if kind == SubmissionKind.EXPENSE_SHEET and not project_ids:
        raise ApprovalError(f"There are no open expenses from {start:%-d %b} to {end:%-d %b %Y} to submit.")
    is_override = acting_user.pk != person.pk
    refusal = edit_refusal(person, acting_user)
    if refusal:
        raise ApprovalError(refusal)
    now = timezone.now()
    again = submission is not None
    if submission is None:
        submission = Submission(org=org, person=person, kind=kind, start=start, end=end)
    before = _state(submission) if again else {}
    path = resolve_path(org, membership, project_ids)
    approvers = tier_approvers(org, path, membership, project_ids) if path is not None else {}
    submission.path = path
    submission.path_title = path.title if path else ""
    submission.tier_count = len(approvers)
    submission.current_tier = 1 if approvers else 0
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = submission.updated_at = now
    submission.decided_at = None
    submission.save()
    if again:
        submission.approvers.all().delete()
    SubmissionApprover.objects.bulk_create(
        SubmissionApprover(submission=submission, tier=tier, user_id=user_id)
        for tier, users in approvers.items() for user_id in sorted(users)
    )
    event = _event(submission, acting_user, EventAction.RESUBMITTED if again else EventAction.SUBMITTED,
                   comment=comment, is_override=is_override, now=now)
    # An administrator submitting someone's timesheet acts outside the path: an override.
    rows = [_submission_row(submission, acting_user, AuditEvent.TIMESHEET_OVERRIDDEN if is_override
                            else AuditEvent.TIMESHEET_SUBMITTED, before=before, now=now, comment=comment,
                            again=again, override=is_override, **({"action": "submit"} if is_override else {}))]
    if not approvers:
        # No path, or one without tiers: approved at once.
        before = _state(submission)
        submission.status = SubmissionStatus.APPROVED
        submission.decided_at = now
        submission.save(update_fields=["status", "decided_at"])
        rows += _set_entries(submission, EntryStatus.APPROVED, now, acting_user, submitting=True)
        event = _event(submission, None, EventAction.APPROVED, comment="No approval is required.", now=now)
        rows.append(_submission_row(submission, None, AuditEvent.TIMESHEET_APPROVED, before=before, now=now,
                                    comment=event.comment, final=True))
    else:
        rows += _set_entries(submission, EntryStatus.SUBMITTED, now, acting_user, submitting=True)
    _announce(submission, event, rows, now)
    return submission


# Deciding


def _lock_for_decision(submission, acting_user, expected_tier):
    """Re-read the submission under lock and check that `acting_user` may decide its waiting step now."""
    submission = _lock(submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ApprovalError(_state_problem(submission))
    if expected_tier is not None and expected_tier != submission.current_tier:
        raise ApprovalError(f"Step {expected_tier} of this {submission.noun} has already been decided by someone else; "
                            "it now shows its current state.")
    if not submission.approvers.filter(tier=submission.current_tier, user=acting_user).exists():
        raise ApprovalError(f"You are not an approver of step {submission.current_tier} of this {submission.noun}.")
    _refuse_if_restricted(submission, acting_user)
    return submission


@transition
def do_approve(submission, *, acting_user, expected_tier: int | None = None, comment="") -> Submission:
    """Approve the current tier: the next tier waits, or after the last the timesheet is approved."""
    comment = _clean_comment(comment)
    submission = _lock_for_decision(submission, acting_user, expected_tier)
    now = timezone.now()
    event = _event(submission, acting_user, EventAction.APPROVED, comment=comment, now=now)
    before, tier, rows = _state(submission), submission.current_tier, []
    final = submission.current_tier >= submission.tier_count
    if not final:
        submission.current_tier += 1
        submission.updated_at = now
        submission.save(update_fields=["current_tier", "updated_at"])
    else:
        submission.status = SubmissionStatus.APPROVED
        submission.decided_at = submission.updated_at = now
        submission.save(update_fields=["status", "decided_at", "updated_at"])
        rows = _set_entries(submission, EntryStatus.APPROVED, now, acting_user)
    rows.append(_submission_row(submission, acting_user, AuditEvent.TIMESHEET_APPROVED, before=before, now=now,
                                comment=comment, tier=tier, final=final))
    _announce(submission, event, rows, now)
    return submission


@transition
def do_reject(submission, *, acting_user, comment, expected_tier: int | None = None) -> Submission:
    """Send the timesheet back to its person with the reason; its entries can be changed again."""
    comment = _clean_comment(comment, required="Say why you reject it: the comment goes back to the person.")
    submission = _lock_for_decision(submission, acting_user, expected_tier)
    now = timezone.now()
    event = _event(submission, acting_user, EventAction.REJECTED, comment=comment, now=now)
    before = _state(submission)
    submission.status = SubmissionStatus.REJECTED
    submission.decided_at = submission.updated_at = now
    submission.save(update_fields=["status", "decided_at", "updated_at"])
    rows = _set_entries(submission, EntryStatus.REJECTED, now, acting_user)
    rows.append(_submission_row(submission, acting_user, AuditEvent.TIMESHEET_REJECTED, before=before, now=now,
                                comment=comment))
    _announce(submission, event, rows, now)
    return submission


@transition
def do_recall(submission, *, acting_user, comment="") -> Submission:
    """The person takes their timesheet back, before anyone approved a tier."""
    comment = _clean_comment(comment)
    submission = _lock(submission)
    if submission.person_id != acting_user.pk:
        raise ApprovalError(f"Only the person who submitted {submission.a_noun} can recall it.")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ApprovalError(f"This {submission.noun} is {submission.get_status_display().lower()}; "
                            f"only {submission.a_noun} waiting for approval can be recalled.")
    if not submission.may_recall:
        raise ApprovalError(f"Someone has already approved a step of this {submission.noun}, so it cannot be recalled. "
                            "Ask an approver to reject it, or an administrator to reopen it.")
    now = timezone.now()
    event = _event(submission, acting_user, EventAction.RECALLED, comment=comment, now=now)
    before = _state(submission)
    submission.status = SubmissionStatus.RECALLED
    submission.updated_at = now
    submission.save(update_fields=["status", "updated_at"])
    rows = _set_entries(submission, EntryStatus.OPEN, now, acting_user)
    rows.append(_submission_row(submission, acting_user, AuditEvent.TIMESHEET_RECALLED, before=before, now=now,
                                comment=comment))
    _announce(submission, event, rows, now)
    return submission


# An administrator's overrides, outside the path. The view lets only administrators in.

OVERRIDE_APPROVE, OVERRIDE_REJECT, OVERRIDE_REOPEN, OVERRIDE_DELETE = "approve", "reject", "reopen", "delete"
OVERRIDES = {
    OVERRIDE_APPROVE: "Approve it now, skipping the remaining steps",
    OVERRIDE_REJECT: "Reject it, back to the person",
    OVERRIDE_REOPEN: "Reopen it: take it out of approval, its time open for changes again",
    OVERRIDE_DELETE: "Delete it: remove its time entries (or expenses) for good, whatever their state",
}


class OwnOverride(ApprovalError):
    """An administrator tried to override the approval of their own submission."""


def own_override_refusal(submission, acting_user) -> str:
    """Why `acting_user` may not override `submission` ("" when they may): nobody approves their own time, so
    another administrator or the owner must act on an administrator's own timesheet or expense sheet."""
    if submission.person_id != acting_user.pk:
        return ""
    return (f"Nobody overrides the approval of their own {submission.noun}: another administrator or the owner "
            "must act on it.")


@transition
def do_override(submission, action: str, *, acting_user, comment="") -> Submission:
    """Approve, reject or reopen any timesheet but one's own, whatever its path says; recorded as an override."""
    refusal = own_override_refusal(submission, acting_user)
    if refusal:
        raise OwnOverride(refusal)
    if action not in OVERRIDES:
        raise ApprovalError("Choose what to do with the timesheet.")
    comment = _clean_comment(comment, required="Say why you override the approval path: it is kept in the history.")
    submission = _lock(submission)
    _refuse_if_restricted(submission, acting_user)
    status = submission.status
    now = timezone.now()
    if action == OVERRIDE_APPROVE:
        if status != SubmissionStatus.SUBMITTED:
            raise ApprovalError(_state_problem(submission))
        new_status, entry_status, event_action = SubmissionStatus.APPROVED, EntryStatus.APPROVED, EventAction.APPROVED
    elif action == OVERRIDE_REJECT:
        if status not in ACTIVE_STATUSES:
            raise ApprovalError(f"This {submission.noun} is {submission.get_status_display().lower()}; only a submitted or "
                                f"approved {submission.noun} can be rejected.")
        new_status, entry_status, event_action = SubmissionStatus.REJECTED, EntryStatus.REJECTED, EventAction.REJECTED
    elif action == OVERRIDE_DELETE:
        if status == SubmissionStatus.DELETED:
            raise ApprovalError(f"This {submission.noun} has already been deleted.")
        new_status, entry_status, event_action = SubmissionStatus.DELETED, None, EventAction.DELETED
    else:
        if status not in ACTIVE_STATUSES:
            raise ApprovalError(f"This {submission.noun} is {submission.get_status_display().lower()}; it is already "
                                "open for changes.")
        new_status, entry_status, event_action = SubmissionStatus.REOPENED, EntryStatus.OPEN, EventAction.REOPENED
    event = _event(submission, acting_user, event_action, comment=comment, is_override=True, now=now)
    before = _state(submission)
    submission.status = new_status
    submission.updated_at = now
    if new_status in (SubmissionStatus.APPROVED, SubmissionStatus.REJECTED):
        submission.decided_at = now
    submission.save(update_fields=["status", "updated_at", "decided_at"])
    if action == OVERRIDE_DELETE:
        rows = _delete_contents(submission, acting_user)
    else:
        rows = _set_entries(submission, entry_status, now, acting_user)
    rows.append(_submission_row(submission, acting_user, AuditEvent.TIMESHEET_OVERRIDDEN, before=before, now=now,
                                comment=comment, action=action, override=True))
    _announce(submission, event, rows, now)
    return submission


# The administrators' settings: paths, assignments, locks. Audited as organisation settings changes.


def _plain(value):
    return value.title if isinstance(value, ApprovalPath) else str(value.user) if isinstance(value, Membership) \
        else json_value(value)


def _audit(org, acting_user, target=None, **details):
    audit(org, acting_user, AuditEvent.ORG_SETTINGS_CHANGED, target, approvals=details)


@transaction.atomic
def do_change_approval_settings(settings, changes: dict, *, acting_user) -> dict:
    """Save `changes` ({field: new value}) on the organisation's approval settings; returns what changed."""
    recorded = {}
    for field, value in changes.items():
        old = getattr(settings, field)
        if old != value:
            recorded[field] = {"old": _plain(old), "new": _plain(value)}
            setattr(settings, field, value)
    if recorded:
        settings.save()
        _audit(settings.org, acting_user, None, settings=recorded)
    return recorded


def tier_summary(spec: dict, people) -> list[str]:
    relations = [name for name in ("project_manager", "team_lead", "employee_manager") if spec.get(name)]
    return relations + [str(m.user) for m in people]


@transaction.atomic
def do_save_path(org, title: str, tiers: list, *, path=None, acting_user) -> ApprovalPath:
    """Create a custom path, or change one, with `tiers` [(relations, [memberships])] in order.

    Submissions already on their way keep the approvers they were given.
    """
    if path is not None and path.is_builtin:
        raise ApprovalError("The built-in paths cannot be changed; make a custom path instead.")
    if len(tiers) > MAX_TIERS:
        raise ApprovalError(f"A path has at most {MAX_TIERS} tiers.")
    created = path is None
    if created:
        path = ApprovalPath.objects.create(org=org, title=title, kind=PathKind.CUSTOM)
    else:
        path.title = title
        path.save(update_fields=["title"])
        path.tiers.all().delete()
    for position, (spec, people) in enumerate(tiers, 1):
        tier = ApprovalTier.objects.create(path=path, position=position, **spec)
        tier.people.set(people)
    _audit(org, acting_user, path, path={"created" if created else "changed": title,
                                         "tiers": [tier_summary(spec, people) for spec, people in tiers]})
    return path


@transaction.atomic
def do_delete_path(path, *, acting_user) -> None:
    """Delete a custom path: projects that followed it follow the default again; members, their projects'."""
    if path.is_builtin:
        raise ApprovalError("The built-in paths cannot be deleted.")
    if ApprovalSettings.objects.filter(org_id=path.org_id, default_path=path).exists():
        raise ApprovalError(f"{path} is the organisation's default path: choose another default first.")
    _audit(path.org, acting_user, path, path={"deleted": path.title})
    path.delete()


@transaction.atomic
def do_assign_project(org, project, path, *, acting_user) -> None:
    """Make `project`'s time follow `path` (None: the organisation's default again)."""
    old = ProjectApproval.objects.filter(project=project).select_related("path").first()
    if path is None:
        if old is not None:
            old.delete()
    else:
        ProjectApproval.objects.update_or_create(project=project, defaults={"org": org, "path": path})
    old_path = old.path if old else None
    if old_path != path:
        _audit(org, acting_user, project, project_path={"old": _plain(old_path), "new": _plain(path)})


@transaction.atomic
def do_assign_member(org, member, *, path, manager, acting_user) -> None:
    """Set a member's own path (None: inherited) and manager (None: nobody)."""
    old = MemberApproval.objects.filter(member=member).select_related("path", "manager__user").first()
    before = (old.path, old.manager) if old else (None, None)
    if path is None and manager is None:
        if old is not None:
            old.delete()
    else:
        MemberApproval.objects.update_or_create(member=member, defaults={"org": org, "path": path, "manager": manager})
    if before != (path, manager):
        _audit(org, acting_user, member, member_path={"old": _plain(before[0]), "new": _plain(path)},
               manager={"old": _plain(before[1]), "new": _plain(manager)})
