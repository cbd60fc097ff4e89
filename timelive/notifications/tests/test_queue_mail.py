from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings

from timelive.notifications.mail import queue_mail
from timelive.notifications.models import OutboxEmail

CONTEXT = {"user": {"full_name": "Ada"}, "url": "http://testserver/verify/abc/", "days": 3}


class QueueMailTestCase(TestCase):
    def queue(self, to="ada@example.org"):
        return queue_mail(to, "Confirm your email address", "verify_email", CONTEXT)

    def test_it_writes_a_row_and_sends_only_after_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            row = self.queue()
        self.assertEqual(OutboxEmail.objects.get(), row)
        self.assertEqual(row.to, "ada@example.org")
        self.assertIn("http://testserver/verify/abc/", row.body_text)
        self.assertIsNone(row.sent_at)
        # Nothing leaves before the transaction commits.
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual((message.to, message.subject), (["ada@example.org"], "Confirm your email address"))
        self.assertEqual(message.body, row.body_text)
        row.refresh_from_db()
        self.assertIsNotNone(row.sent_at)
        self.assertEqual((row.attempts, row.last_error), (1, ""))

    def test_a_rolled_back_change_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    self.queue()
                    raise RuntimeError("the change failed")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertFalse(OutboxEmail.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_renders_the_text_template_with_the_site_url(self):
        with self.captureOnCommitCallbacks(execute=True):
            row = queue_mail("ada@example.org", "Reset", "password_reset",
                             {"protocol": "http", "domain": "testserver", "uid": "MQ", "token": "t-1",
                              "user": {"full_name": "Ada"}, "email": "ada@example.org"})
        self.assertTrue(row.body_text.strip())
        self.assertEqual(row.body_html, "")
        self.assertEqual(mail.outbox[0].alternatives, [])

    def test_a_mail_is_sent_once_even_if_its_task_runs_twice(self):
        from timelive.notifications.tasks import send_outbox_email

        with self.captureOnCommitCallbacks(execute=True):
            row = self.queue()
        self.assertTrue(send_outbox_email.call(row.pk))
        self.assertEqual(len(mail.outbox), 1)
        row.refresh_from_db()
        self.assertEqual(row.attempts, 1)

    @override_settings(MAILERS={"default": {"BACKEND": "timelive.notifications.tests.backends.FailingBackend"}})
    def test_a_failing_backend_records_the_attempt_and_the_error(self):
        with self.captureOnCommitCallbacks(execute=True):
            row = self.queue()
        row.refresh_from_db()
        self.assertIsNone(row.sent_at)
        self.assertEqual(row.attempts, 1)
        self.assertEqual(row.last_error, "ConnectionRefusedError: [Errno 111] Connection refused")
        # The failure does not reach the person's request: the row waits for a retry.
        self.assertEqual(mail.outbox, [])
