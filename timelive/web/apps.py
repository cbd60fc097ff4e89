from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top of the stack: what spans every app (the demo command; later the error pages and navigation)."""

    name = "timelive.web"
