"""Mail backends for the outbox tests."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Refuses every message, as an SMTP server that is down would."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


class HoldingBackend(BaseEmailBackend):
    """Keeps what it sends in django.core.mail.outbox, as locmem does; its first caller waits
    (as a slow mail server would keep it) until the test sets `release`."""

    import threading

    reached = threading.Event()
    release = threading.Event()
    _first = threading.Lock()
    _held = False

    def send_messages(self, email_messages):
        from django.core import mail

        cls = type(self)
        with cls._first:
            hold, cls._held = not cls._held, True
        if hold:
            cls.reached.set()
            cls.release.wait(30)
        mail.outbox.extend(email_messages)
        return len(email_messages)
