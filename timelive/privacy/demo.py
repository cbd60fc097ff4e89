"""Demo data of the privacy center (manage.py demo)."""

from .models import Subprocessor


def seed_subprocessors() -> None:
    """An example for the subprocessors pages (a real install starts with an empty list)."""
    if not Subprocessor.objects.exists():
        Subprocessor.objects.create(name="Example Mail Relay (demo)", purpose="Delivers the emails TimeLive sends",
                                    data_categories="Names and email addresses of recipients",
                                    location="European Union")
