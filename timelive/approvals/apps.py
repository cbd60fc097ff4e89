from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "timelive.approvals"
    label = "approvals"
