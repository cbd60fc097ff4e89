"""API tokens and installed integrations, in the personal-data registry."""

from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import ApiToken, InstalledIntegration


def export_tokens(user):
    # The name and the first characters only: never the hash of the secret.
    for token in ApiToken.objects.filter(user=user).select_related("org").order_by("created_at", "id"):
        yield row(token, "code", "name", "hint", "org.name", "created_at", "expires_at", "last_used_at", "revoked_at",
                  "status")


personal_data(
    ApiToken, table="api_tokens", export=export_tokens, erase=lambda user: ApiToken.objects.filter(user=user).delete(),
    note="Removed: every API token of the person, so nothing can act in their name any more.",
)


def export_installed_integrations(user):
    integrations = InstalledIntegration.objects.filter(installed_by=user).select_related("org")
    for integration in integrations.order_by("installed_at", "id"):
        yield row(integration, "code", "org.name", "name", "purpose", "installed_at", "removed_at")


personal_data(
    InstalledIntegration, table="integrations_installed", export=export_installed_integrations,
    note="Kept: the organisation's record of who connected a service stays, pointing at the pseudonymised person.",
)
