from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from timelive.notifications.mail import MAX_ATTEMPTS, queue_mail
from timelive.notifications.models import OutboxEmail

FAILING = {"default": {"BACKEND": "timelive.notifications.tests.backends.FailingBackend"}}


class SendOutboxCommandTestCase(TestCase):
    def queue(self, to="ada@example.org"):
        with self.captureOnCommitCallbacks(execute=True):
            return queue_mail(to, "Hello", "verify_email", {"user": {"full_name": "Ada"}, "url": "http://x/", "days": 3})

    def send_outbox(self):
        out = StringIO()
        call_command("send_outbox", stdout=out)
        return out.getvalue()

    def test_it_retries_a_failed_mail_later(self):
        with override_settings(MAILERS=FAILING):
            row = self.queue()
            self.assertIn("Sent 0 waiting mail(s).", self.send_outbox())
        row.refresh_from_db()
        self.assertEqual(row.attempts, 2)
        self.assertTrue(row.last_error)
        self.assertEqual(mail.outbox, [])
        # The server is back.
        self.assertIn("Sent 1 waiting mail(s).", self.send_outbox())
        row.refresh_from_db()
        self.assertIsNotNone(row.sent_at)
        self.assertEqual((row.attempts, row.last_error), (3, ""))
        self.assertEqual(len(mail.outbox), 1)
        # Nothing is sent twice.
        self.assertIn("Sent 0 waiting mail(s).", self.send_outbox())
        self.assertEqual(len(mail.outbox), 1)

    def test_it_sends_a_mail_whose_task_was_lost(self):
        # Written, but the process stopped before its task ran.
        OutboxEmail.objects.create(to="ada@example.org", subject="Lost", body_text="Hello")
        self.send_outbox()
        self.assertEqual([m.subject for m in mail.outbox], ["Lost"])

    def test_it_gives_up_after_the_last_attempt(self):
        OutboxEmail.objects.create(to="ada@example.org", subject="Hopeless", body_text="x", attempts=MAX_ATTEMPTS,
                                   last_error="SMTPRecipientsRefused")
        self.send_outbox()
        self.assertEqual(mail.outbox, [])

    def test_it_leaves_sent_mail_alone(self):
        OutboxEmail.objects.create(to="ada@example.org", subject="Done", body_text="x", sent_at=timezone.now(), attempts=1)
        self.send_outbox()
        self.assertEqual(mail.outbox, [])
