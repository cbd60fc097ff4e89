from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "timelive.tracking"
    label = "tracking"
