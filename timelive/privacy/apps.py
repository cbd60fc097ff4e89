from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "timelive.privacy"
    label = "privacy"
    verbose_name = "Privacy: policies and consents"

    def ready(self):
        from .core.registry import autodiscover

        autodiscover()
