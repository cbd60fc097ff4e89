"""Two senders working the outbox at the same moment send each mail exactly once."""

import threading
import unittest

from django.core import mail
from django.db import connection
from django.test import TransactionTestCase, override_settings

from timelive.notifications.models import OutboxEmail
from timelive.notifications.tasks import retry_outbox, send_outbox_email

from .backends import HoldingBackend

HOLDING = {"default": {"BACKEND": "timelive.notifications.tests.backends.HoldingBackend"}}


def in_thread(work):
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@unittest.skipUnless(connection.vendor == "postgresql",
                     "several senders at once: PostgreSQL (the in-memory SQLite of the tests locks whole tables)")
@override_settings(MAILERS=HOLDING)
class ConcurrentSendersTestCase(TransactionTestCase):
    def setUp(self):
        HoldingBackend.reached.clear()
        HoldingBackend.release.clear()
        HoldingBackend._held = False
        mail.outbox = []
        self.mails = [OutboxEmail.objects.create(to=f"p{i}@example.org", subject=f"Hello {i}", body_text="Hi")
                      for i in range(3)]

    def test_a_retry_pass_leaves_alone_a_mail_another_sender_is_sending(self):
        # The task sends the first mail; its mail server is slow.
        first, first_outcome = in_thread(lambda: send_outbox_email.call(self.mails[0].pk))
        self.assertTrue(HoldingBackend.reached.wait(30))
        # Meanwhile a retry pass runs over the outbox (the periodic send_outbox, or another worker).
        second, second_outcome = in_thread(retry_outbox.call)
        second.join(30)
        HoldingBackend.release.set()
        first.join(30)
        self.assertEqual((first_outcome.get("error"), second_outcome.get("error")), (None, None))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["p0@example.org", "p1@example.org", "p2@example.org"])
        self.assertEqual(OutboxEmail.objects.filter(sent_at=None).count(), 0)

    def test_two_retry_passes_at_once_send_each_mail_once(self):
        start = threading.Barrier(2)

        def run():
            start.wait(30)
            return retry_outbox.call()

        (one, one_outcome), (two, two_outcome) = in_thread(run), in_thread(run)
        # Whichever sends first is held by its mail server while the other pass goes on.
        self.assertTrue(HoldingBackend.reached.wait(30))
        HoldingBackend.release.set()
        one.join(30)
        two.join(30)
        self.assertEqual((one_outcome.get("error"), two_outcome.get("error")), (None, None))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["p0@example.org", "p1@example.org", "p2@example.org"])
        self.assertEqual(one_outcome["result"] + two_outcome["result"], 3)
