from django.apps import AppConfig
from django.db.models.signals import post_save


def set_up_new_organisation(sender, instance, created, raw=False, **kwargs):
    """Every organisation has its approval settings and built-in paths from its creation on,
    so that reading the approvals pages never has to write them."""
    if created and not raw:
        from .paths import ensure_setup

        ensure_setup(instance)


class ApprovalsConfig(AppConfig):
    name = "timelive.approvals"
    label = "approvals"

    def ready(self):
        # Approvals' own hook on the organisation (orgs knows nothing of approvals).
        post_save.connect(set_up_new_organisation, sender="orgs.Organization",
                          dispatch_uid="approvals.set_up_new_organisation")

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
