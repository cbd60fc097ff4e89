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
