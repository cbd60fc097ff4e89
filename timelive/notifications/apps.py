from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "timelive.notifications"
    label = "notifications"
