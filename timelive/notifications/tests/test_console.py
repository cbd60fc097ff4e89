"""Development mail is printed readable: a link can be copied from the console as it is."""

import io

from django.core.mail import EmailMultiAlternatives
from django.test import SimpleTestCase

from timelive.notifications.console import EmailBackend

LINK = "http://127.0.0.1:8000/account/verify/" + "x" * 90 + "/"


class ConsoleBackendTests(SimpleTestCase):
    def send(self, body, **extra):
        stream = io.StringIO()
        message = EmailMultiAlternatives("Confirm your email — TimeLive", body, "TimeLive <t@localhost>",
                                         ["ana@example.org"], **extra)
        message.attach_alternative("<p>html</p>", "text/html")
        EmailBackend(stream=stream).send_messages([message])
        return stream.getvalue()

    def test_it_prints_a_long_link_on_one_line(self):
        out = self.send(f"Open this link:\n{LINK}\nThanks — TimeLive")
        self.assertIn(LINK + "\n", out)
        self.assertNotIn("=\n", out)
        self.assertIn("Thanks — TimeLive", out)

    def test_it_prints_decoded_headers_and_no_html_part(self):
        out = self.send("Hello")
        self.assertIn("Subject: Confirm your email — TimeLive", out)
        self.assertIn("To: ana@example.org", out)
        self.assertNotIn("<p>html</p>", out)
