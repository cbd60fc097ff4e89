from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from timelive.lib.codes import new_code
from timelive.lib.zones import time_zone_choices


def normalize_email(email: str) -> str:
    # Logins are case-insensitive: the whole address is kept in lower case.
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)


def picture_path(user, filename):
    return f"pictures/{user.code}/{new_code(8)}.png"


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email is the login; the profile details live here too."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField("name", max_length=150)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("operator", default=False, help_text="Can use the operator console.")
    date_joined = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    # The organisation the person last worked in, to land there after login.
    last_org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # Profile: contact details and optional details, shown only to members of
    # the person's organisations.
    picture = models.ImageField(upload_to=picture_path, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    mobile = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    department = models.CharField(max_length=120, blank=True)
    about = models.TextField("about me", blank=True, max_length=2000)

    # The privacy center. Deactivation keeps every row and only ends access
    # (is_active); the rest are the person's rights under the privacy policy.
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Restricted: kept but not processed (no marketing, statistics or
    # automated notifications; nobody but the operator edits the person's data).
    restricted_at = models.DateTimeField(null=True, blank=True)
    # Objected to research and development use: left out of usage statistics.
    research_objection_at = models.DateTimeField(null=True, blank=True)
    # A self-deletion waits until this moment (the grace period) and can be cancelled until then.
    deletion_due_at = models.DateTimeField(null=True, blank=True)
    # Pseudonymised: the row stays as "Deleted user N" so teammates' records stay whole.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message="Another account already uses this email address.",
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._stored_identity = (instance.__dict__.get("email"), instance.__dict__.get("full_name"))
        return instance

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        former = self._former_identity(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        self._stored_identity = (self.email, self.full_name)
        if former:
            from .former import record_former_identity

            for kind, value in former:
                record_former_identity(self, kind, value)

    def _former_identity(self, update_fields) -> list[tuple[str, str]]:
        """The email and name this save replaces: erasure must find them later in
        what was written under them (audit labels, mail, invitations)."""
        if self._state.adding or self.pk is None or self.deleted_at is not None:
            return []
        fields = set(update_fields) if update_fields is not None else {"email", "full_name"}
        if not fields & {"email", "full_name"}:
            return []
        stored = getattr(self, "_stored_identity", None)
        if stored is None or None in stored:
            stored = User.objects.filter(pk=self.pk).values_list("email", "full_name").first() or (None, None)
        old_email, old_name = stored
        former = []
        if "email" in fields and old_email and normalize_email(old_email) != self.email:
            former.append((FormerIdentity.Kind.EMAIL, old_email))
        if "full_name" in fields and old_name and old_name.strip() != (self.full_name or "").strip():
            former.append((FormerIdentity.Kind.NAME, old_name))
        return former

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def initials(self) -> str:
        parts = [p for p in self.full_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or self.email[:1].upper()


class FormerIdentity(models.Model):
    """An email address or name the person used before, as a keyed hash only.

    Deletion must also erase what was written under a former address or name
    (audit labels, mail, invitations); the hash lets the erasers recognise it
    in that text without this table keeping the value itself. Deleted with the
    person's erasure.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "email address"
        NAME = "name", "name"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="former_identities")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    # HMAC-SHA256 of the normalised value, keyed from SECRET_KEY (timelive/accounts/former.py).
    digest = models.CharField(max_length=64)
    # Names are matched word by word: how many words to compare at once.
    words = models.PositiveSmallIntegerField(default=1)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "digest"], name="former_identity_unique")]

    def __str__(self):
        return f"former {self.kind} of user {self.user_id}"


class UserSession(AbstractBaseSession):
    """A login session, tied to its person so they can list and end them.

    Holds the browser and device, never the IP address.
    """

    # Derived from the session key, so the page can name a session without showing its key.
    code = models.CharField(max_length=16, db_index=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="sessions")
    device = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_active = models.DateTimeField(default=timezone.now)

    @classmethod
    def get_session_store_class(cls):
        from .session_store import SessionStore

        return SessionStore
