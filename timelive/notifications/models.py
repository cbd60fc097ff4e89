from django.db import models
from django.utils import timezone


class OutboxEmail(models.Model):
    """A mail waiting to be sent, or sent. Written in the same transaction as
    the change that causes it, so a crash or restart loses no mail."""

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # While a sender is handing the mail to the server, nobody else takes it; a sender that died
    # mid-way leaves a lease that runs out, and the mail is retried then.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"
