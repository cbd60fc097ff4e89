"""Clients, projects, tasks, time entries, the timer, custom fields and rates."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from timelive.lib.codes import new_code
from timelive.lib.durations import format_duration
from timelive.lib.money import round_money
from timelive.lib.zones import CURRENCIES


def _uid_field():
    return models.CharField(max_length=16, unique=True, default=new_code, editable=False)


# Clients


class Client(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="clients")
    uid = _uid_field()
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint("org", Lower("name"), name="client_name_unique_in_org")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClientContact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    uid = _uid_field()
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField("job title or role", max_length=120, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClientDepartment(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="departments")
    uid = _uid_field()
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Projects


class BillingType(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    FIXED_FEE = "fixed_fee", "Fixed fee"
    NON_BILLABLE = "non_billable", "Non-billable"


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


# Statuses in which people may still log time.
OPEN_PROJECT_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


class Project(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="projects")
    uid = _uid_field()
    name = models.CharField(max_length=200)
    # The organisation's own short code for the project, e.g. "ACME-042".
    code = models.CharField(max_length=40, blank=True)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    department = models.ForeignKey(ClientDepartment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    billing_type = models.CharField(max_length=16, choices=BillingType.choices, default=BillingType.HOURLY)
    status = models.CharField(max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    description = models.TextField(blank=True)
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_projects"
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_projects"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="ProjectMember", related_name="projects")
    # Everyone in the organisation may log time here, not only the members.
    is_public = models.BooleanField("open to everyone", default=True)
    is_template = models.BooleanField(default=False)
    estimated_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    fixed_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "org", Lower("code"), name="project_code_unique_in_org", condition=~models.Q(code="")
            )
        ]
        indexes = [models.Index(fields=["org", "status"])]
        ordering = ["name"]

    def __str__(self):
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def billable_by_default(self) -> bool:
        return self.billing_type != BillingType.NON_BILLABLE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PROJECT_STATUSES


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")]


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    uid = _uid_field()
    name = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    is_done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_date", "name"]

    def __str__(self):
        return self.name


# Tasks


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    ARCHIVED = "archived", "Archived"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Task(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="tasks")
    uid = _uid_field()
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tasks")
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    priority = models.CharField(max_length=16, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    estimated_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["project", "status"])]
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.ARCHIVED


def attachment_path(attachment, filename):
    return f"attachments/{attachment.comment.task.org_id}/{new_code(16)}/{filename[-100:]}"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    uid = _uid_field()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class TaskAttachment(models.Model):
    comment = models.ForeignKey(TaskComment, on_delete=models.CASCADE, related_name="attachments")
    uid = _uid_field()
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)


# Tags


class Tag(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("org", Lower("name"), name="tag_name_unique_in_org")]
        ordering = ["name"]

    def __str__(self):
        return self.name


# Time entries


class EntryStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class TimeEntry(models.Model):
    """Time one person worked on one project (and maybe task) on one of their local days.

    `duration` is whole seconds. `start`/`end` are set in start/end mode and by
    the timer. The rates it was valued at are stored, so later rate changes do
    not rewrite the past.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="time_entries")
    uid = _uid_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="time_entries")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField()
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField()
    description = models.TextField(blank=True, max_length=5000)
    billable = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="time_entries")
    status = models.CharField(max_length=16, choices=EntryStatus.choices, default=EntryStatus.OPEN)
    bill_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cost_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    bill_currency = models.CharField(max_length=3, blank=True, choices=CURRENCIES)
    cost_currency = models.CharField(max_length=3, blank=True, choices=CURRENCIES)
    custom_fields = models.JSONField(default=dict, blank=True)
    # A client's idempotency key for bulk creation: re-sending creates nothing twice.
    client_key = models.CharField(max_length=100, null=True, blank=True)
    # Bumped on every change, so two people editing the same entry cannot lose an update.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["org", "user", "date"]),
            models.Index(fields=["org", "project", "date"]),
            models.Index(fields=["org", "date"]),
            models.Index(fields=["org", "updated_at"]),
            # Bulk creation looks a whole batch's idempotency keys up at once.
            models.Index(fields=["org", "client_key"], name="entry_client_key_lookup",
                         condition=models.Q(client_key__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "user", "client_key"], name="entry_client_key_unique"),
        ]
        ordering = ["date", "start", "id"]

    def __str__(self):
        return f"{self.date} {format_duration(self.duration)} {self.project_id}"

    @property
    def duration_display(self) -> str:
        return format_duration(self.duration)

    @property
    def hours(self) -> Decimal:
        return Decimal(self.duration) / Decimal(3600)

    @property
    def bill_amount(self) -> Decimal | None:
        if not self.billable or self.bill_rate is None:
            return None
        return round_money(self.hours * self.bill_rate, self.org.currency)

    @property
    def cost_amount(self) -> Decimal | None:
        if self.cost_rate is None:
            return None
        return round_money(self.hours * self.cost_rate, self.org.currency)


class Timer(models.Model):
    """A person's running timer in one organisation (one per person and organisation, so a
    timer in one never shows, stops or blocks one in another). Stopping it makes time entries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timers")
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True, max_length=5000)
    billable = models.BooleanField(default=True)
    tag_names = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="one_timer_per_person_and_org")]

    def elapsed(self, now=None) -> int:
        return max(0, int(((now or timezone.now()) - self.started_at).total_seconds()))


# Custom fields


class CustomFieldTarget(models.TextChoices):
    TIME_ENTRY = "time_entry", "Time entries"
    PROJECT = "project", "Projects"
    MEMBER = "member", "Members"


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"


MAX_CUSTOM_FIELDS = 15


class CustomField(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="custom_fields")
    uid = _uid_field()
    target = models.CharField(max_length=16, choices=CustomFieldTarget.choices)
    key = models.SlugField(max_length=40, help_text="The name used in the API and exports.")
    label = models.CharField(max_length=80)
    field_type = models.CharField(max_length=10, choices=CustomFieldType.choices, default=CustomFieldType.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "target", "key"], name="custom_field_key_unique")]
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


# Rates


class RateKind(models.TextChoices):
    BILLING = "billing", "Billing rate"
    COST = "cost", "Cost rate"


class Rate(models.Model):
    """An hourly rate in force from `valid_from` to `valid_to` (inclusive; open when empty).

    Its level follows from what it names: a task; a project and a person (the
    person on that project); a project; a person; or nothing (the whole
    organisation). The most specific one in force on an entry's date applies.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="rates")
    uid = _uid_field()
    kind = models.CharField(max_length=8, choices=RateKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="rates")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["org", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def level(self) -> int:
        """Higher is more specific: task 4, project member 3, project 2, member 1, organisation 0."""
        if self.task_id:
            return 4
        if self.project_id and self.user_id:
            return 3
        if self.project_id:
            return 2
        if self.user_id:
            return 1
        return 0

    def in_force_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)
