"""The outbox against a real SMTP server listening on 127.0.0.1."""

import socket
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller
from django.test import TestCase, override_settings

from timelive.notifications.mail import queue_mail


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpTestCase(TestCase):
    def start_server(self):
        self.recorder = Recorder()
        self.port = free_port()
        controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.addCleanup(controller.stop)

    def test_a_queued_mail_arrives(self):
        self.start_server()
        mailers = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                               "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10}}}
        with override_settings(MAILERS=mailers), self.captureOnCommitCallbacks(execute=True):
            row = queue_mail("ada@example.org", "Confirm your email address", "verify_email",
                             {"user": {"full_name": "Ada"}, "url": "http://testserver/verify/abc/", "days": 3})
        # The server hands over the message before it answers, but be patient with a slow machine.
        deadline = time.monotonic() + 5
        while not self.recorder.envelopes and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(self.recorder.envelopes), 1)
        envelope = self.recorder.envelopes[0]
        self.assertEqual(envelope.rcpt_tos, ["ada@example.org"])
        message = message_from_bytes(envelope.content)
        self.assertEqual(message["Subject"], "Confirm your email address")
        self.assertIn("http://testserver/verify/abc/", message.get_payload(decode=True).decode())
        row.refresh_from_db()
        self.assertIsNotNone(row.sent_at)
        self.assertEqual(row.last_error, "")

    def test_a_server_that_is_down_leaves_the_mail_waiting(self):
        # A port nobody listens on.
        mailers = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                               "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}}}
        with override_settings(MAILERS=mailers), self.captureOnCommitCallbacks(execute=True):
            row = queue_mail("ada@example.org", "Hello", "verify_email",
                             {"user": {"full_name": "Ada"}, "url": "http://x/", "days": 3})
        row.refresh_from_db()
        self.assertIsNone(row.sent_at)
        self.assertEqual(row.attempts, 1)
        self.assertIn("ConnectionRefusedError", row.last_error)
