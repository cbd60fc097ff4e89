from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "timelive.approvals"
    label = "approvals"

    def ready(self):
        from timelive.orgs.access import shell_figures

        from .models import waiting_count

        # The sidebar's Approvals count: what waits for this person's approval.
        shell_figures["approvals_waiting"] = waiting_count
