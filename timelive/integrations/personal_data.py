"""API tokens and installed integrations, in the personal-data registry."""

from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import ApiToken, CalendarFeed, InstalledIntegration, Webhook, WebhookDelivery


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


def export_webhooks(user):
    # Organisation data: only who created which webhook, never its address's secret.
    for webhook in Webhook.objects.filter(created_by=user).select_related("org").order_by("created_at", "id"):
        yield row(webhook, "code", "org.name", "title", "created_at")


personal_data(
    Webhook, table="integrations_webhooks", export=export_webhooks,
    note="Kept: webhooks and their delivery logs are the organisation's; the creator stays as the pseudonymised person.",
)


def export_calendar_feed(user):
    # The address itself is secret and stored only as a hash: the copy says that there is one.
    for feed in CalendarFeed.objects.filter(user=user):
        yield row(feed, "created_at", "last_used_at")


personal_data(
    CalendarFeed, table="calendar_feeds", export=export_calendar_feed,
    erase=lambda user: CalendarFeed.objects.filter(user=user).delete(),
    note="Removed: the person's calendar address, so it answers 404.",
)


def erase_deliveries(user):
    # A delivery's body is what was sent (an entry with the person's id, a member's name and email):
    # the organisation's log, but no copy of it may outlive the person's deletion.
    from django.db.models import Q

    WebhookDelivery.objects.filter(Q(body__contains=f'"{user.code}"') | Q(body__contains=user.email)).delete()


personal_data(
    WebhookDelivery, table="webhook_deliveries", erase=erase_deliveries,
    note="Removed: logged deliveries whose body names the person (the receiver keeps what it was sent).",
)
