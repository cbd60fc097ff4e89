from django.db import models


class RequestRecord(models.Model):
    """One request in the diagnostics log (privacy policy, paragraph 4).

    The only table with IP addresses. It is never joined to a person: no foreign
    key, no user id, email or session key; the session tag is a keyed hash that
    changes every UTC day, and the path has identifiers masked (see paths.py).
    Rows are purged after the diagnostics retention rule (30 days by default;
    privacy.retention.apply_retention, or privacy.tasks.purge_diagnostics on its own).
    """

    at = models.DateTimeField("time (UTC)", db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField("duration (ms)")
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    session_tag = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = "request"
        verbose_name_plural = "request log"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
