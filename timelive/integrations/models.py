import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from timelive.lib.codes import hash_secret, new_code, new_secret

TOKEN_PREFIX = "tl_"
# last_used_at is written at most this often, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at=None, user__is_active=True).filter(
            models.Q(expires_at=None) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the secret is shown once.

    A token may be limited to one organisation; without one it reaches every
    organisation its owner belongs to.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, shown in lists so people can tell tokens apart.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name, *, org=None, expires_at=None) -> tuple["ApiToken", str]:
        secret = TOKEN_PREFIX + new_secret()
        token = cls.objects.create(user=user, org=org, name=name, token_hash=hash_secret(secret),
                                   hint=secret[:8], expires_at=expires_at)
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> "ApiToken | None":
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        token = cls.objects.usable().select_related("user", "org").filter(token_hash=hash_secret(secret)).first()
        if token is not None:
            token.touch()
        return token

    def touch(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > TOUCH_EVERY:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class InstalledIntegration(models.Model):
    """A third-party service an organisation connected: listed for its members
    beside the operator's subprocessors."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="integrations")
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=300)
    data_categories = models.CharField("data shared", max_length=300)
    location = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    installed_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Outgoing webhooks (webhooks.py sends them; receivers.py turns other apps' signals into deliveries).


class WebhookEvent(models.TextChoices):
    TIME_ENTRY_CREATED = "time_entry.created", "Time entry created"
    TIME_ENTRY_UPDATED = "time_entry.updated", "Time entry changed"
    TIME_ENTRY_DELETED = "time_entry.deleted", "Time entry deleted"
    TIMESHEET_SUBMITTED = "timesheet.submitted", "Timesheet submitted"
    TIMESHEET_APPROVED = "timesheet.approved", "Timesheet approved"
    TIMESHEET_REJECTED = "timesheet.rejected", "Timesheet rejected"
    EXPENSE_SHEET_APPROVED = "expense_sheet.approved", "Expense sheet approved"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_LEFT = "member.left", "Member left"
    # Sent only by "Send a test event".
    PING = "ping", "Test event"


class Webhook(models.Model):
    """An organisation's endpoint that receives signed events.

    The signing secret is not stored: it is derived from SECRET_KEY and this
    row's random `secret_salt` (webhooks.signing_secret), so a copy of the
    database alone cannot sign events, and nothing but the creation (or a
    new secret) ever shows it.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="webhooks")
    title = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret_salt = models.CharField(max_length=64, default=new_secret, editable=False)
    is_active = models.BooleanField(default=True)
    # Why it was turned off: by an administrator, or by TimeLive after too many failures.
    disabled_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Lists it for the members on the subprocessors page while it exists.
    integration = models.OneToOneField(InstalledIntegration, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="webhook")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["org", "is_active"])]

    def __str__(self):
        return self.title

    def wants(self, event: str) -> bool:
        return self.is_active and (event in self.events or event == WebhookEvent.PING)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one webhook; the same id and body on every attempt, so receivers can
    drop repeats."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} {self.code}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    # Null when no answer came (refused address, timeout, connection error).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class CalendarFeed(models.Model):
    """A person's secret calendar address (/feeds/<secret>.ics). Only the secret's hash is stored;
    revoking deletes the row, so the address answers 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    FEED_PREFIX = "cal_"

    @classmethod
    def issue(cls, user) -> tuple["CalendarFeed", str]:
        """A new address for `user`, replacing any earlier one (which stops working)."""
        secret = cls.FEED_PREFIX + new_secret()
        cls.objects.filter(user=user).delete()
        return cls.objects.create(user=user, token_hash=hash_secret(secret)), secret
