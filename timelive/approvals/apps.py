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
