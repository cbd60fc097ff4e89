from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "timelive.orgs"
    label = "orgs"

    def ready(self):
        # Registers the organisation's own getting-started step.
        from . import checklist  # noqa: F401
