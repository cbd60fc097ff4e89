"""Demo data of integrations (manage.py demo)."""

from timelive.orgs.models import Role

from .models import InstalledIntegration


def seed_integrations(org) -> None:
    """An example installed integration, listed on the organisation's subprocessors page."""
    if not org.integrations.exists():
        InstalledIntegration.objects.create(
            org=org, name="Example Payroll (demo)", purpose="Pays people from approved hours",
            data_categories="Names, email addresses, approved hours", location="United Kingdom",
            installed_by=org.memberships.filter(role=Role.OWNER).first().user,
        )
