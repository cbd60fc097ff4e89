from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "timelive.approvals"
    label = "approvals"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from timelive.orgs.access import shell_figures
        from timelive.orgs.checklist import Step, register

        from .models import ApprovalSettings, MemberApproval, PathKind, ProjectApproval, waiting_count

        # The sidebar's Approvals count: what waits for this person's approval.
        shell_figures["approvals_waiting"] = waiting_count

        def path_chosen():
            # "Approval not required" is where every organisation starts, so it does not count as a choice.
            org = OuterRef("pk")
            default = ApprovalSettings.objects.filter(org=org, default_path__isnull=False).exclude(
                default_path__kind=PathKind.NOT_REQUIRED)
            return (Exists(default) | Exists(ProjectApproval.objects.filter(org=org))
                    | Exists(MemberApproval.objects.filter(org=org, path__isnull=False)))

        register(Step("approvals", 30, "Choose an approval path", "Who approves timesheets and expense sheets.",
                      "approvals:approval_settings", path_chosen))
