"""The development mail backend: prints each mail as a person reads it.

Django's console backend prints the wire format, where quoted-printable wraps
long lines with a trailing "=", so a link copied from the console is broken.
This one prints the decoded headers and the plain-text part only.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        msg = message.message()
        lines = [f"{name}: {msg[name]}" for name in ("From", "To", "Cc", "Reply-To", "Subject") if msg[name]]
        body = next((part.get_content() for part in msg.walk() if part.get_content_type() == "text/plain"), "")
        attachments = [part.get_filename() for part in msg.walk() if part.get_filename()]
        if attachments:
            lines.append("Attachments: " + ", ".join(attachments))
        self.stream.write("\n".join(lines) + "\n\n" + body.rstrip("\n") + "\n")
        self.stream.write("-" * 79 + "\n")
