"""Approval paths, who follows which, and the submissions that travel along them.

A path has up to five tiers; each tier names its approvers by person and/or by
relation (the project's manager or team lead, the employee's manager). Any one
approver of a tier can approve it. A submission (a person's timesheet for a
period, or their expense sheet: the open and rejected expenses of a period)
moves tier by tier; its history is an append-only list of events.

Which path applies (see paths.resolve_path): the member's own assignment, else
the paths of the projects in the timesheet (a project without one counts as
the organisation's default), the strictest of them (most tiers) when they
differ; no path at all means no approval is needed.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from timelive.lib.codes import new_code


def _uid_field():
    return models.CharField(max_length=16, unique=True, default=new_code, editable=False)


MAX_TIERS = 5


class PathKind(models.TextChoices):
    NOT_REQUIRED = "not_required", "Approval not required"
    PROJECT_MANAGER = "project_manager", "Project manager"
    TEAM_LEAD_THEN_PROJECT_MANAGER = "team_lead_then_pm", "Team lead then project manager"
    EMPLOYEE_MANAGER = "employee_manager", "Employee's manager"
    CUSTOM = "custom", "Custom"


BUILTIN_KINDS = (
    PathKind.NOT_REQUIRED,
    PathKind.PROJECT_MANAGER,
    PathKind.TEAM_LEAD_THEN_PROJECT_MANAGER,
    PathKind.EMPLOYEE_MANAGER,
)


class ApprovalPath(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="approval_paths")
    uid = _uid_field()
    # "title", not "name": the privacy registry reads a field called name as a person's.
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PathKind.choices, default=PathKind.CUSTOM)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("org", Lower("title"), name="approval_path_title_unique_in_org"),
            # Each built-in path exists once per organisation.
            models.UniqueConstraint(fields=["org", "kind"], name="approval_path_builtin_once",
                                    condition=~models.Q(kind="custom")),
        ]
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.kind != PathKind.CUSTOM


class ApprovalTier(models.Model):
    """One step of a path. Its approvers: the people named, plus whoever the relations point at."""

    path = models.ForeignKey(ApprovalPath, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField()
    project_manager = models.BooleanField("the project's manager", default=False)
    team_lead = models.BooleanField("the project's team lead", default=False)
    employee_manager = models.BooleanField("the employee's manager", default=False)
    # Members of the organisation, external members included (a client's approver).
    people = models.ManyToManyField("orgs.Membership", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="approval_tier_position_unique"),
            models.CheckConstraint(condition=models.Q(position__gte=1, position__lte=MAX_TIERS),
                                   name="approval_tier_position_range"),
        ]
        ordering = ["position"]

    def __str__(self):
        return f"{self.path} tier {self.position}"

    def relation_labels(self) -> list[str]:
        return [label for flag, label in (
            (self.project_manager, "the project's manager"),
            (self.team_lead, "the project's team lead"),
            (self.employee_manager, "the employee's manager"),
        ) if flag]


class ApprovalSettings(models.Model):
    """An organisation's approval settings: the default path and what is locked."""

    org = models.OneToOneField("orgs.Organization", on_delete=models.CASCADE, related_name="approval_settings")
    default_path = models.ForeignKey(ApprovalPath, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lock_submitted = models.BooleanField("lock submitted entries", default=True,
                                         help_text="Nobody can change time while it waits for approval.")
    lock_approved = models.BooleanField("lock approved entries", default=True,
                                        help_text="Nobody can change time once it is approved.")
    # Closing a month: no time before this day can be added, changed or deleted.
    locked_before = models.DateField("lock all time before", null=True, blank=True,
                                     help_text="Close the periods before this day (e.g. the first of the month).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Approval settings of {self.org}"


class ProjectApproval(models.Model):
    """The path a project's time follows, overriding the organisation's default."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    project = models.OneToOneField("tracking.Project", on_delete=models.CASCADE, related_name="approval")
    path = models.ForeignKey(ApprovalPath, on_delete=models.CASCADE, related_name="project_assignments")

    def __str__(self):
        return f"{self.project} → {self.path}"


class MemberApproval(models.Model):
    """A member's own path (overriding projects and the default) and their manager."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField("orgs.Membership", on_delete=models.CASCADE, related_name="approval")
    path = models.ForeignKey(ApprovalPath, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="member_assignments")
    # "The employee's manager" in a tier means this person.
    manager = models.ForeignKey("orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.member} → {self.path or 'inherited'}"


# Submissions


class SubmissionKind(models.TextChoices):
    TIMESHEET = "timesheet", "Timesheet"
    # A person's open (or rejected) expenses of one timesheet period; the same paths, the same steps.
    EXPENSE_SHEET = "expense_sheet", "Expense sheet"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECALLED = "recalled", "Recalled"
    # An administrator took it back out of approval (an override).
    REOPENED = "reopened", "Reopened"
    # An administrator deleted its time entries (or expenses) (an override).
    DELETED = "deleted", "Deleted"


# A period covered by one of these cannot be submitted again.
ACTIVE_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


class Submission(models.Model):
    """A person's timesheet for a range of days (a period, or part of one), on its way to approval.

    Submitting the same range again (after a rejection or recall) reuses the
    row, so its history tells the whole story.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="submissions")
    uid = _uid_field()
    kind = models.CharField(max_length=16, choices=SubmissionKind.choices, default=SubmissionKind.TIMESHEET)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_submissions")
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED)
    path = models.ForeignKey(ApprovalPath, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The path as it was when submitted; a later edit of the path does not move a submission in flight.
    path_title = models.CharField(max_length=120, blank=True)
    tier_count = models.PositiveSmallIntegerField(default=0)
    # 1-based while waiting; the tier it was approved or rejected at afterwards.
    current_tier = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "person", "kind", "start", "end"], name="submission_range_unique"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="submission_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["org", "person", "start"]),
            models.Index(fields=["org", "status"]),
        ]
        ordering = ["-start", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.person} for {self.range_label}"

    @property
    def range_label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%a %-d %b %Y}"
        if self.start.year == self.end.year:
            return f"{self.start:%-d %b} – {self.end:%-d %b %Y}"
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"

    @property
    def is_expense_sheet(self) -> bool:
        return self.kind == SubmissionKind.EXPENSE_SHEET

    @property
    def noun(self) -> str:
        """What it is, in words: "timesheet" or "expense sheet"."""
        return self.get_kind_display().lower()

    @property
    def a_noun(self) -> str:
        """"a timesheet", "an expense sheet"."""
        return f"an {self.noun}" if self.noun[0] in "aeiou" else f"a {self.noun}"

    def url_name(self, action: str = "") -> str:
        """The URL name of this sheet's page (or of `action` on it: approve, reject, recall, override),
        under its own kind's address: /approvals/timesheets/… or /approvals/expense-sheets/…."""
        if self.is_expense_sheet:
            return f"approvals:expense_sheet_{action}" if action else "approvals:expense_sheet"
        return f"approvals:{action}" if action else "approvals:submission"

    @property
    def is_waiting(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED

    @property
    def may_recall(self) -> bool:
        """The person can take it back until someone approves a tier."""
        return self.status == SubmissionStatus.SUBMITTED and self.current_tier <= 1


class SubmissionApprover(models.Model):
    """Who may approve a tier of a submission, worked out when it was submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="approvers")
    tier = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "tier", "user"], name="submission_approver_unique"),
        ]
        indexes = [models.Index(fields=["user", "tier"])]
        ordering = ["tier", "id"]


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RESUBMITTED = "resubmitted", "Submitted again"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECALLED = "recalled", "Recalled"
    REOPENED = "reopened", "Reopened"
    DELETED = "deleted", "Deleted"


class SubmissionEvent(models.Model):
    """One step in a submission's history. Append-only: rows are added, never changed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    # Empty for what the system did by itself (approval not required).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=EventAction.choices)
    tier = models.PositiveSmallIntegerField(default=0)
    comment = models.TextField(blank=True, max_length=2000)
    # An administrator acting outside the path.
    is_override = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.submission_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A submission's history is append-only.")
        super().save(*args, **kwargs)


# Queries for the signs on every page


def waiting_count():
    """How many of the membership's organisation's submissions wait at a step its person may approve:
    a subquery over a Membership row (see orgs.access.shell_figures)."""
    waiting = SubmissionApprover.objects.filter(
        user=models.OuterRef("user"), submission__org=models.OuterRef("org"),
        submission__status=SubmissionStatus.SUBMITTED, tier=models.F("submission__current_tier"),
    ).order_by().values("user").annotate(n=models.Count("id")).values("n")
    return Coalesce(models.Subquery(waiting), 0)


def latest_rejected(org_id: int, user) -> Submission | None:
    """The person's most recently rejected timesheet or expense sheet not yet submitted again, with
    `rejection_comment` and `rejected_by_id` from its last rejection (one query)."""
    last_rejection = SubmissionEvent.objects.filter(
        submission=models.OuterRef("pk"), action=EventAction.REJECTED).order_by("-created_at", "-id")
    return (Submission.objects.filter(org_id=org_id, person=user, status=SubmissionStatus.REJECTED)
            .annotate(rejection_comment=models.Subquery(last_rejection.values("comment")[:1]))
            .order_by("-decided_at", "-id").first())
