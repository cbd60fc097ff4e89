"""The timesheet status report: for one timesheet period, who has not submitted, whose timesheet waits on
whom, who was rejected, and who is approved. Read-only; the same visibility as every report (members see
themselves, managers their direct reports and themselves, administrators everyone)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Sum

from timelive.approvals.models import Submission, SubmissionApprover, SubmissionKind, SubmissionStatus
from timelive.orgs.models import Membership, Role
from timelive.tracking.models import TimeEntry
from timelive.tracking.periods import period_bounds

NOT_SUBMITTED, WAITING, REJECTED, APPROVED = "not_submitted", "waiting", "rejected", "approved"
STATE_LABELS = {NOT_SUBMITTED: "Not submitted", WAITING: "Waiting for approval", REJECTED: "Rejected",
                APPROVED: "Approved"}


@dataclass
class StatusLine:
    membership: Membership
    seconds: int = 0
    state: str = NOT_SUBMITTED
    submissions: list = field(default_factory=list)
    waiting_on: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class StatusReport:
    start: dt.date
    end: dt.date
    lines: list

    def count(self, state) -> int:
        return sum(1 for line in self.lines if line.state == state)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(label, self.count(state)) for state, label in STATE_LABELS.items()]

    @property
    def missing(self) -> list:
        return [line for line in self.lines if line.state in (NOT_SUBMITTED, REJECTED)]


def people_for(scope):
    """Active staff memberships whose timesheets the person may follow."""
    members = Membership.objects.filter(org=scope.org, is_active=True).exclude(role=Role.EXTERNAL)
    if scope.sees_everything:
        return members
    if scope.role == Role.MANAGER:
        return members.filter(Q(user_id=scope.user.pk) | Q(user_id__in=scope.direct_report_ids()))
    if scope.role == Role.EXTERNAL:
        return members.none()
    return members.filter(user_id=scope.user.pk)


def timesheet_status(scope, day: dt.date) -> StatusReport:
    """The period holding `day`. Queries: people, their hours (GROUP BY), submissions with their approvers."""
    start, end = period_bounds(scope.org, day)
    members = list(people_for(scope).select_related("user").order_by("user__full_name", "id"))
    user_ids = [m.user_id for m in members]
    hours = dict(TimeEntry.objects.filter(org=scope.org, user_id__in=user_ids, date__gte=start, date__lte=end)
                 .order_by().values("user_id").annotate(total=Sum("duration")).values_list("user_id", "total"))
    submissions = (Submission.objects.filter(org=scope.org, kind=SubmissionKind.TIMESHEET, person_id__in=user_ids,
                                             start__lte=end, end__gte=start)
                   .prefetch_related(Prefetch("approvers", queryset=SubmissionApprover.objects.select_related("user")))
                   .order_by("start", "id"))
    by_person: dict = {}
    for submission in submissions:
        by_person.setdefault(submission.person_id, []).append(submission)
    lines = []
    for member in members:
        line = StatusLine(member, hours.get(member.user_id) or 0, submissions=by_person.get(member.user_id, []))
        statuses = {s.status for s in line.submissions}
        if SubmissionStatus.REJECTED in statuses:
            line.state = REJECTED
        elif SubmissionStatus.SUBMITTED in statuses:
            line.state = WAITING
            line.waiting_on = sorted({a.user.full_name for s in line.submissions if s.status == SubmissionStatus.SUBMITTED
                                      for a in s.approvers.all() if a.tier == s.current_tier})
        elif statuses and statuses <= {SubmissionStatus.APPROVED}:
            line.state = APPROVED
        lines.append(line)
    return StatusReport(start, end, lines)
