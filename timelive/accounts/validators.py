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
