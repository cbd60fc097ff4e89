"""Logging helpers (used by LOGGING in config/settings.py)."""

import logging


class OneLineClientErrors(logging.Filter):
    """A 403 or 404 is something a visitor did, not a fault: one line, no traceback.

    Django logs them on `django.request` with the exception attached; server
    errors (5xx) keep their traceback.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
