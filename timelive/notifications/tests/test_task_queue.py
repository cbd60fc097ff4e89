"""The outbox through the real database task queue and its worker."""

import signal

from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from timelive.notifications.mail import queue_mail
from timelive.notifications.models import OutboxEmail


def run_worker_once():
    """`manage.py db_worker --batch`: run what is queued, then exit."""
    # The worker installs its own signal handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class DatabaseTaskQueueTestCase(TransactionTestCase):
    def test_a_queued_mail_is_sent_by_the_worker(self):
        with transaction.atomic():
            row = queue_mail("ada@example.org", "Confirm your email address", "verify_email",
                             {"user": {"full_name": "Ada"}, "url": "http://testserver/verify/abc/", "days": 3})
            # The task is queued only when the change commits.
            self.assertFalse(DBTaskResult.objects.exists())
        task = DBTaskResult.objects.get()
        self.assertEqual(task.status, "READY")
        self.assertEqual(task.task_path, "timelive.notifications.tasks.send_outbox_email")
        self.assertEqual(task.args_kwargs, {"args": [row.pk], "kwargs": {}})
        self.assertEqual(mail.outbox, [])

        run_worker_once()

        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL")
        self.assertEqual([m.subject for m in mail.outbox], ["Confirm your email address"])
        row.refresh_from_db()
        self.assertIsNotNone(row.sent_at)

    def test_a_rolled_back_change_queues_no_task(self):
        try:
            with transaction.atomic():
                queue_mail("ada@example.org", "Hello", "verify_email",
                           {"user": {"full_name": "Ada"}, "url": "http://x/", "days": 3})
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        self.assertFalse(DBTaskResult.objects.exists())
        self.assertFalse(OutboxEmail.objects.exists())
        run_worker_once()
        self.assertEqual(mail.outbox, [])
