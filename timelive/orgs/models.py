import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from timelive.lib.codes import new_code
from timelive.lib.zones import CURRENCIES, time_zone_choices


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    # A client or outside approver: sees only what is shared with them.
    EXTERNAL = "external", "External"


# Roles that may run the organisation: people, settings, audit log.
ADMIN_ROLES = (Role.OWNER, Role.ADMIN)
# Roles that count as staff of the organisation (not externals).
STAFF_ROLES = (Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER)


class Plan(models.TextChoices):
    TRIAL = "trial", "Trial"
    SUBSCRIBED = "subscribed", "Subscribed"
    ONPREM = "onprem", "On-Premises"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class EntryMode(models.TextChoices):
    DURATION = "duration", "Duration (e.g. 2:30)"
    START_END = "start_end", "Start and end times"


class TimerMidnight(models.TextChoices):
    SPLIT = "split", "Split it into one entry per day"
    KEEP = "keep", "Keep it whole, on the day it started"


class TimesheetPeriod(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    SEMIMONTHLY = "semimonthly", "Twice a month (1st–15th, 16th–end)"
    MONTHLY = "monthly", "Monthly"


class Organization(models.Model):
    """The tenant: every row of customer data belongs to one."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    currency = models.CharField(max_length=3, default="USD", choices=CURRENCIES)
    week_start = models.IntegerField(default=Weekday.MONDAY, choices=Weekday.choices)
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.TRIAL)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Time tracking policy.
    entry_mode = models.CharField(max_length=16, choices=EntryMode.choices, default=EntryMode.DURATION)
    allow_overlap = models.BooleanField("allow overlapping entries", default=True)
    timer_midnight = models.CharField(
        "a timer running past midnight", max_length=8, choices=TimerMidnight.choices, default=TimerMidnight.SPLIT
    )
    timesheet_period = models.CharField(max_length=16, choices=TimesheetPeriod.choices, default=TimesheetPeriod.WEEKLY)
    # The first day of the first two-week period, for bi-weekly timesheets.
    period_anchor = models.DateField(null=True, blank=True)
    # The email domain whose accounts this organisation manages (the policy's
    # "managed accounts"). Set by the operator once the organisation has shown
    # it owns the domain; people on it are told, and their privacy requests go
    # to this organisation's admins first.
    managed_domain = models.CharField(max_length=253, blank=True, db_index=True)
    managed_tags = models.BooleanField(
        "only the organisation's tags", default=False, help_text="Otherwise new tags are created as people type them."
    )
    # When the getting-started checklist on Home was finished or dismissed (timelive/orgs/checklist.py).
    getting_started_closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return self.name

    @property
    def is_trial(self) -> bool:
        return self.plan == Plan.TRIAL

    @property
    def trial_expired(self) -> bool:
        return self.is_trial and self.trial_ends_at is not None and timezone.now() >= self.trial_ends_at

    @property
    def is_read_only(self) -> bool:
        """An expired trial keeps its data visible and exportable, but frozen."""
        return self.trial_expired

    @property
    def trial_days_left(self) -> int:
        if not self.is_trial or self.trial_ends_at is None:
            return 0
        remaining = self.trial_ends_at - timezone.now()
        # A part of a day counts as a day: "1 day left" until the very end.
        return max(0, remaining.days + (1 if remaining.seconds or remaining.microseconds else 0))

    def start_trial(self, now=None):
        now = now or timezone.now()
        self.plan = Plan.TRIAL
        self.trial_ends_at = now + dt.timedelta(days=settings.TIMELIVE_TRIAL_DAYS)


class Membership(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    # A removed member keeps their rows (entries, comments) but loses access.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Values of the organisation's custom fields for members, by field key.
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "user"], name="membership_org_user_unique")]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        return f"{self.user} in {self.org} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_external(self) -> bool:
        return self.role == Role.EXTERNAL


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed, single-use, expiring offer to join an organisation.

    Only a hash of the link's token is stored.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(Lower("email"), "org", name="invitation_email_org")]

    def __str__(self):
        return f"Invitation of {self.email} to {self.org}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def problem(self) -> str:
        """Why the link cannot be used any more, in words for the person holding it."""
        return {
            "accepted": "This invitation has already been used.",
            "revoked": "This invitation was withdrawn.",
            "expired": "This invitation has expired.",
        }.get(self.status, "")


class AuditEvent(models.TextChoices):
    ORG_CREATED = "org.created", "Organisation created"
    ORG_SETTINGS_CHANGED = "org.settings_changed", "Organisation settings changed"
    ORG_PLAN_CHANGED = "org.plan_changed", "Edition or plan changed"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_ROLE_CHANGED = "member.role_changed", "Member's role changed"
    MEMBER_REMOVED = "member.removed", "Member removed"
    MEMBER_RESTORED = "member.restored", "Member restored"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    TOKEN_CREATED = "token.created", "API token created"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    OPERATOR_CHANGE = "operator.change", "Change in the operator console"
    # The privacy center: accounts, data-subject requests, exports, retention.
    ACCOUNT_DEACTIVATED = "account.deactivated", "Account deactivated"
    ACCOUNT_REACTIVATED = "account.reactivated", "Account reactivated"
    ACCOUNT_RESTRICTED = "account.restricted", "Processing restricted"
    ACCOUNT_UNRESTRICTED = "account.unrestricted", "Restriction lifted"
    ACCOUNT_OBJECTED = "account.objected", "Objection recorded"
    ACCOUNT_DELETION_SCHEDULED = "account.deletion_scheduled", "Account deletion scheduled"
    ACCOUNT_DELETION_CANCELLED = "account.deletion_cancelled", "Account deletion cancelled"
    ACCOUNT_DELETED = "account.deleted", "Account deleted (pseudonymised)"
    DATA_EXPORT_REQUESTED = "data.export_requested", "Copy of personal data requested"
    DATA_REQUEST_FILED = "data_request.filed", "Data request filed"
    DATA_REQUEST_CHANGED = "data_request.changed", "Data request handled"
    RETENTION_APPLIED = "retention.applied", "Retention rules applied"
    INTEGRATION_INSTALLED = "integration.installed", "Integration installed"
    INTEGRATION_REMOVED = "integration.removed", "Integration removed"
    # Time entries, field by field: details["changes"] is {field: [old, new]} (timelive.orgs.history).
    ENTRY_CREATED = "entry.created", "Time entry created"
    ENTRY_CHANGED = "entry.changed", "Time entry changed"
    ENTRY_DELETED = "entry.deleted", "Time entry deleted"
    # Timesheet approval, one row per transition; "waiting" names who must act next (for notifications).
    TIMESHEET_SUBMITTED = "timesheet.submitted", "Timesheet submitted"
    TIMESHEET_APPROVED = "timesheet.approved", "Timesheet approved"
    TIMESHEET_REJECTED = "timesheet.rejected", "Timesheet rejected"
    TIMESHEET_RECALLED = "timesheet.recalled", "Timesheet recalled"
    TIMESHEET_OVERRIDDEN = "timesheet.overridden", "Timesheet approval overridden"
    TIMESHEET_WAITING = "timesheet.waiting", "Timesheet waiting for approval"
    # Expenses, field by field as time entries.
    EXPENSE_CREATED = "expense.created", "Expense created"
    EXPENSE_CHANGED = "expense.changed", "Expense changed"
    EXPENSE_DELETED = "expense.deleted", "Expense deleted"
    EXPENSE_RECEIPT_ADDED = "expense.receipt_added", "Receipt added"
    EXPENSE_RECEIPT_REMOVED = "expense.receipt_removed", "Receipt removed"


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditLog(models.Model):
    """Append-only record of who changed what, when (UTC)."""

    org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=40, choices=AuditEvent.choices)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["org", "-created_at"]),
            # One item's history (an entry's, a timesheet's) without reading the organisation's whole log.
            models.Index(fields=["org", "target_type", "target_id"], name="audit_target_history"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")
