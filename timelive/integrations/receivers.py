"""Other apps' signals, turned into webhook deliveries. The payload's `data` is the object as the API
shows it (the API's own output schemas), so a receiver parses one shape."""

from django.dispatch import receiver

from timelive.approvals.actions import submission_changed
from timelive.approvals.models import EventAction, SubmissionKind, SubmissionStatus
from timelive.orgs.models import Organization
from timelive.orgs.signals import member_joined, member_left
from timelive.tracking.signals import entries_changed

from .models import Webhook, WebhookEvent
from .webhooks import queue_deliveries

ENTRY_EVENTS = {"created": WebhookEvent.TIME_ENTRY_CREATED, "updated": WebhookEvent.TIME_ENTRY_UPDATED,
                "deleted": WebhookEvent.TIME_ENTRY_DELETED}


def _listening(org_id, event) -> list[Webhook]:
    # One query, and nothing more when the organisation has no webhook for the event.
    return [w for w in Webhook.objects.filter(org_id=org_id, is_active=True) if w.wants(event)]


@receiver(entries_changed, dispatch_uid="webhooks.entries")
def on_entries_changed(sender, action, entries, tags=None, **kwargs):
    from timelive.api.time_entries import TimeEntryOut, entry_out
    from timelive.tracking.models import TimeEntry

    event = ENTRY_EVENTS[action]
    for org_id in {entry.org_id for entry in entries}:
        webhooks = _listening(org_id, event)
        if not webhooks:
            continue
        mine = [entry for entry in entries if entry.org_id == org_id]
        if tags is None:
            mine = (TimeEntry.objects.filter(pk__in=[e.pk for e in mine]).select_related("user", "project", "task")
                    .prefetch_related("tags").order_by("id"))
            items = [entry_out(entry) for entry in mine]
        else:
            items = [entry_out(entry, tags.get(entry.uid, [])) for entry in mine]
        data = [TimeEntryOut.model_validate(item).model_dump(mode="json") for item in items]
        queue_deliveries(webhooks, event, Organization.objects.get(pk=org_id), data)


def submission_event(submission, event) -> str | None:
    if submission.is_expense_sheet:
        if event.action == EventAction.APPROVED and submission.status == SubmissionStatus.APPROVED:
            return WebhookEvent.EXPENSE_SHEET_APPROVED
        return None
    if event.action in (EventAction.SUBMITTED, EventAction.RESUBMITTED):
        return WebhookEvent.TIMESHEET_SUBMITTED
    # Approved once its last step is: a step in between is no approval of the timesheet yet.
    if event.action == EventAction.APPROVED and submission.status == SubmissionStatus.APPROVED:
        return WebhookEvent.TIMESHEET_APPROVED
    if event.action == EventAction.REJECTED:
        return WebhookEvent.TIMESHEET_REJECTED
    return None


@receiver(submission_changed, dispatch_uid="webhooks.submissions")
def on_submission_changed(sender, submission, event, **kwargs):
    name = submission_event(submission, event)
    if name is None:
        return
    webhooks = _listening(submission.org_id, name)
    if not webhooks:
        return
    from timelive.api.approvals import (
        ExpenseSheetOut,
        SubmissionOut,
        expense_sheet_out,
        submission_out,
        with_totals,
    )
    from timelive.approvals.models import Submission

    fresh = with_totals(Submission.objects.filter(pk=submission.pk)).select_related("person", "org", "path").get()
    if fresh.kind == SubmissionKind.EXPENSE_SHEET:
        data = ExpenseSheetOut.model_validate(expense_sheet_out(fresh)).model_dump(mode="json")
    else:
        data = SubmissionOut.model_validate(submission_out(fresh)).model_dump(mode="json")
    queue_deliveries(webhooks, name, fresh.org, [data])


def _member(membership, event):
    webhooks = _listening(membership.org_id, event)
    if not webhooks:
        return
    from timelive.api.core import member_out
    from timelive.api.schemas import MemberOut

    data = MemberOut.model_validate(member_out(membership)).model_dump(mode="json")
    queue_deliveries(webhooks, event, membership.org, [data])


@receiver(member_joined, dispatch_uid="webhooks.member_joined")
def on_member_joined(sender, membership, **kwargs):
    _member(membership, WebhookEvent.MEMBER_JOINED)


@receiver(member_left, dispatch_uid="webhooks.member_left")
def on_member_left(sender, membership, **kwargs):
    _member(membership, WebhookEvent.MEMBER_LEFT)
