from django.db import models


class RequestRecord(models.Model):
    """One request in the diagnostics log (privacy policy, paragraph 4).

    The only table with IP addresses. It cannot be joined to a person by
    construction: no foreign key, user id, email, session key or per-session
    tag; times are cut to the minute (no join on last_login or a session's
    last activity); requests to the authentication pages (login, logout,
    sign-up, password reset and change, token minting) are not recorded at
    all; and the path has identifiers masked (see paths.py).
    Rows are purged after the diagnostics retention rule (30 days by default;
    privacy.retention.apply_retention, or privacy.tasks.purge_diagnostics on its own).
    """

    at = models.DateTimeField("time (UTC, to the minute)", db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField("duration (ms)")
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        verbose_name = "request"
        verbose_name_plural = "request log"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
