"""Policy versions, their acknowledgements and the consent ledger.

Published policy versions, acknowledgements and consent records are evidence:
they are written once and never changed or deleted (the model and its queryset
refuse, as the audit log does).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from timelive.lib.codes import new_code

from .markdown import render_markdown

MARKDOWN_HELP = (
    "Paragraphs separated by a blank line; headings with #, ## or ###; bullet lists with - ; "
    "**bold**; links as [text](https://…) or [text](/a/page/). Anything else shows as typed (no HTML)."
)


class Immutable(TypeError):
    """A change to a row that is kept as evidence."""


class PolicyKind(models.TextChoices):
    PRIVACY = "privacy", "Privacy policy"
    TERMS = "terms", "Terms of service"
    SECURITY = "security", "Security"


class PolicyDocument(models.Model):
    """One of the documents the operator publishes; its text lives in versions."""

    kind = models.CharField(max_length=16, choices=PolicyKind.choices, unique=True)
    title = models.CharField(max_length=120)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("privacy:policy", kwargs={"kind": self.kind})


class PolicyVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def in_force(self, now=None):
        """Published versions that have taken effect, newest first."""
        return self.published().filter(effective_at__lte=now or timezone.now()).order_by("-effective_at", "-id")

    def current(self, kind, now=None):
        return self.in_force(now).filter(document__kind=kind).select_related("document").first()

    def update(self, **kwargs):
        if self.filter(published_at__isnull=False).exists():
            raise Immutable("A published policy version cannot be changed; publish a new version instead.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise Immutable("A published policy version cannot be deleted.")
        return super().delete()


class PolicyVersion(models.Model):
    """One version of a policy document. A draft until published; then fixed for good."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField("version", max_length=40, help_text="How people refer to it, e.g. 2.0 or 2025-06-01.")
    text = models.TextField(help_text=MARKDOWN_HELP)
    summary = models.TextField(
        "summary of changes", blank=True, help_text="What changed from the previous version, in plain words."
    )
    effective_at = models.DateTimeField(
        "takes effect", help_text="Publishing moves a date in the past to the moment of publishing."
    )
    significant = models.BooleanField(
        default=False,
        help_text="A significant change shows a notice to everyone, asks logged-in people to acknowledge it "
        "and emails every active user when published.",
    )
    notice_days = models.PositiveIntegerField(
        "days the notice shows", default=30, help_text="For a significant change: from the day it takes effect."
    )
    # effective_at + notice_days, kept so the notice can be found with one indexed query.
    notice_ends_at = models.DateTimeField(editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "label"], name="policy_version_label_unique")]
        indexes = [models.Index(fields=["significant", "notice_ends_at"])]
        ordering = ["-effective_at", "-id"]

    def __str__(self):
        return f"{self.document} {self.label}" if self.document_id else self.label

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise Immutable("A published policy version cannot be changed; publish a new version instead.")
        if self.effective_at is not None:
            self.notice_ends_at = self.effective_at + dt.timedelta(days=self.notice_days or 0)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("privacy:version", kwargs={"kind": self.document.kind, "code": self.code})

    def delete(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise Immutable("A published policy version cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_upcoming(self) -> bool:
        return self.effective_at > timezone.now()

    @property
    def status(self) -> str:
        if not self.is_published:
            return "draft"
        return "upcoming" if self.is_upcoming else "published"

    @property
    def html(self):
        return render_markdown(self.text)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Immutable(f"{self.model._meta.verbose_name_plural} are append-only.")

    def delete(self):
        raise Immutable(f"{self.model._meta.verbose_name_plural} are append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Immutable(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable(f"{self._meta.verbose_name_plural} are append-only.")


class PolicyAcceptance(AppendOnlyModel):
    """A person said they have read this version (of a significant change)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acceptances")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="policy_acceptance_unique")]

    def __str__(self):
        return f"{self.user} read {self.version} on {self.accepted_at:%Y-%m-%d %H:%M}"


class PolicyChangeMail(models.Model):
    """The mail about a significant version was queued for this person: it goes once."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="policy_change_mail_unique")]


class Purpose(models.TextChoices):
    NEWSLETTER = "newsletter", "Newsletter"
    PRODUCT_UPDATES = "product_updates", "Product updates"
    EVENTS_SURVEYS = "events_surveys", "Events and surveys"
    TESTIMONIALS = "testimonials", "Testimonials"
    PARTNER_SHARING = "partner_sharing", "Sharing with our partner"


def partner_name() -> str:
    return getattr(settings, "TIMELIVE_CONSENT_PARTNER", "") or "our implementation partner"


def purpose_description(purpose: str) -> str:
    """What saying yes to `purpose` means, in words for the person."""
    return {
        Purpose.NEWSLETTER: "Send me the newsletter by email.",
        Purpose.PRODUCT_UPDATES: "Email me about new features and improvements.",
        Purpose.EVENTS_SURVEYS: "Invite me to events and ask me to take part in surveys.",
        Purpose.TESTIMONIALS: "Publish my name with my testimonial.",
        Purpose.PARTNER_SHARING: f"Share my name and contact details with {partner_name()}, "
        "so they can offer consulting, implementation and support.",
    }[purpose]


class ConsentMethod(models.TextChoices):
    CONSENT_PAGE = "consent_page", "consent page"
    SIGNUP = "signup", "sign-up"
    API = "api", "API"
    OPERATOR = "operator", "operator"
    REQUEST = "request", "data-subject request"
    RETENTION = "retention", "retention rule"


class ConsentRecord(AppendOnlyModel):
    """One grant or withdrawal of consent for one purpose. The latest row per
    purpose is the person's current choice; no row means not granted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_records")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    # The privacy policy in force when the choice was made.
    policy_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="consent_records"
    )
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    source = models.CharField("source detail", max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "at"])]
        ordering = ["at", "id"]

    def __str__(self):
        verb = "granted" if self.granted else "withdrew"
        return f"{self.user} {verb} {self.get_purpose_display().lower()} on {self.at:%Y-%m-%d %H:%M}"


# The person's own copy of their data ("Your choices": a structured, electronic format).


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    BUILDING = "building", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted after 3 days"


def export_path(export, filename):
    # Unguessable, and never served by URL: the download view checks the owner.
    return f"exports/{export.code}/{new_code(12)}.zip"


class DataExport(models.Model):
    """One copy of everything about a person, built by a task as a ZIP."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file is deleted at this moment (3 days after it is ready).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    file = models.FileField(upload_to=export_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Export {self.code} for {self.user} ({self.status})"


# Requests to the organisation's administrators or the operator ("Your choices").


class RequestKind(models.TextChoices):
    DELETION = "deletion", "Delete my account"
    RESTRICTION = "restriction", "Restrict processing of my data"
    OBJECTION = "objection", "Object to a use of my data"
    RECTIFICATION = "rectification", "Correct my data"


class ObjectionTo(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    RESEARCH = "research", "Research and development"


class RequestStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Waiting for email confirmation"
    OPEN = "open", "With the organisation's administrators"
    ESCALATED = "escalated", "With the operator"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Not confirmed in time"


class DataRequest(models.Model):
    """A data-subject request. `org` names the organisation whose admins hold
    it (a managed account); None means the operator holds it."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    objection_to = models.CharField(max_length=16, choices=ObjectionTo.choices, blank=True)
    reason = models.TextField(max_length=4000)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNCONFIRMED)
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The emailed confirmation link: only a hash of its key, valid 24 hours, used once.
    confirm_key_hash = models.CharField(max_length=64, blank=True)
    confirm_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # 30 days from confirmation.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reply = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "org"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.code})"


class DataRequestEvent(AppendOnlyModel):
    """The history of a request: each step, who took it and what they said."""

    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=RequestStatus.choices)
    note = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["at", "id"]


# Retention ("How we store…": kept for a reasonable period, then removed).


class RetentionCategory(models.TextChoices):
    DIAGNOSTICS = "diagnostics", "Diagnostics request log"
    EXPORTS = "exports", "Copies of personal data (export files)"
    DEACTIVATED_ACCOUNTS = "deactivated_accounts", "Deactivated accounts (then pseudonymised)"
    MARKETING = "marketing", "Marketing preferences after the last sign of interest"
    SESSIONS = "sessions", "Ended and expired sessions"
    API_TOKENS = "api_tokens", "Revoked and expired API tokens"


class RetentionRule(models.Model):
    """How long one category of data is kept. Edited by the operator."""

    category = models.CharField(max_length=32, choices=RetentionCategory.choices, unique=True)
    days = models.PositiveIntegerField()
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.days} days"


# Who else processes data for the operator ("Third parties").


class Subprocessor(models.Model):
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=300)
    data_categories = models.CharField("data categories", max_length=300)
    location = models.CharField(max_length=120)
    website = models.URLField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower numbers are listed first.")
    is_active = models.BooleanField("listed", default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name
