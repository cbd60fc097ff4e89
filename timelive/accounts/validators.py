import re

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuse only absurd lengths: ASVS asks that at least 64 characters work."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It may have at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password may have up to {self.max_length} characters."


# Names of people and organisations are written into mail to others ("Alice
# invited you to Acme"): a link or a line break there would let anyone send
# phishing text under TimeLive's name.
LINK_LIKE = re.compile(r"://|\bwww\.|\b[a-z0-9-]+\.[a-z]{2,24}\b", re.IGNORECASE)
LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]")
MAIL_SAFE_MESSAGE = "Use a plain name: no web addresses or line breaks (it is shown in mail to other people)."


def validate_mail_safe_name(value: str) -> None:
    if LINE_BREAK.search(value or "") or LINK_LIKE.search(value or ""):
        raise ValidationError(MAIL_SAFE_MESSAGE, code="name_not_plain")


def is_mail_safe_name(value: str) -> bool:
    try:
        validate_mail_safe_name(value)
    except ValidationError:
        return False
    return True
