"""Timesheet submissions, their approvers and history, and members' managers, in the personal-data registry.

Approval records are part of the organisation's timesheets: who submitted which
days, who approved or rejected them and why. They stay after deletion, tied to
the pseudonymised person, like the entries they approve; the comments are free
text, so the person's name and email address are replaced in them.
"""

from django.db.models import Q

from timelive.accounts.personal_data import mentions
from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import ApprovalTier, MemberApproval, Submission, SubmissionApprover, SubmissionEvent


def export_submissions(user):
    submissions = Submission.objects.filter(person=user).select_related("org").order_by("start", "id")
    for submission in submissions:
        yield row(submission, "uid", "org.name", "kind", "start", "end", "status", "path_title", "tier_count",
                  "current_tier", "submitted_at", "decided_at")


personal_data(
    Submission, table="timesheet_submissions", export=export_submissions,
    note="Kept, tied to the pseudonymised person: which days were submitted and whether they were approved is part "
         "of the organisation's timesheets, as the time entries are.",
)


def export_approver_of(user):
    rows = SubmissionApprover.objects.filter(user=user).select_related("submission__org").order_by(
        "submission__start", "tier", "id")
    for approver in rows:
        yield row(approver, "submission.uid", "submission.org.name", "submission.start", "submission.end", "tier")


personal_data(
    SubmissionApprover, table="timesheet_approver_of", export=export_approver_of,
    note="Kept, tied to the pseudonymised person: who could approve a timesheet explains its history.",
)


def events_of(user):
    """What the person did, and what was done to their own timesheets."""
    return SubmissionEvent.objects.filter(Q(actor=user) | Q(submission__person=user))


def export_events(user):
    events = events_of(user).select_related("submission__org", "actor").order_by("created_at", "id")
    for event in events:
        if event.actor_id == user.pk:
            by = "you"
        else:
            # Someone else's step on your timesheet: named by display name only.
            by = event.actor.full_name if event.actor else "TimeLive"
        yield row(event, "submission.uid", "submission.org.name", "action", "tier", "comment", "is_override",
                  "created_at", by=by)


def redact_events(user):
    """The history stays; comments that spell out the person's name or email get the pseudonyms."""
    names = mentions(user)
    if not names:
        return
    for event in SubmissionEvent.objects.filter(names.lookup("comment")).only("pk", "comment"):
        comment = names.redact(event.comment)
        if comment != event.comment:
            # Rows are append-only through save(); erasure is the one change allowed, on this field only.
            SubmissionEvent.objects.filter(pk=event.pk).update(comment=comment)


personal_data(
    SubmissionEvent, table="timesheet_approval_history", export=export_events, erase=redact_events,
    note="Kept as the record of who submitted, approved or rejected what: the steps point at the pseudonymised "
         "person. Pseudonymised: wherever a comment (anyone's) spells out the person's email address or name, it is "
         "replaced by the pseudonymous address and “Deleted user N”.",
)


def export_managers(user):
    rows = MemberApproval.objects.filter(Q(member__user=user) | Q(manager__user=user)).select_related(
        "org", "member__user", "manager__user", "path")
    for assignment in rows.order_by("id"):
        if assignment.member.user_id == user.pk:
            manager = assignment.manager.user.full_name if assignment.manager else ""
            yield row(assignment, "org.name", role="your approval settings", path=str(assignment.path or ""),
                      manager=manager)
        else:
            yield row(assignment, "org.name", role="you manage", member=assignment.member.user.full_name)


personal_data(
    MemberApproval, table="approval_managers", export=export_managers,
    erase=lambda user: MemberApproval.objects.filter(Q(member__user=user) | Q(manager__user=user)).delete(),
    note="Removed: a person's own approval path and manager, and their place as someone's manager; a deleted "
         "account approves nothing any more. Timesheets already submitted keep their history.",
)


def export_approval_steps(user):
    # Steps of an approval path that name the person among their approvers.
    tiers = ApprovalTier.objects.filter(people__user=user).select_related("path__org").distinct()
    for tier in tiers.order_by("path__org__name", "path__title", "position"):
        yield row(tier, org=tier.path.org.name, path=tier.path.title, step=tier.position, approver="you, by name")


personal_data(
    ApprovalTier, table="approval_steps", export=export_approval_steps,
    note="Kept, naming the pseudonymised person: an approval path's steps are the organisation's settings, and a "
         "deleted account (inactive) approves nothing any more; administrators choose other approvers.",
)
