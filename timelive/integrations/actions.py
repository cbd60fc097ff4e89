from django.db import transaction
from django.utils import timezone

from timelive.orgs.actions import ActionError, audit
from timelive.orgs.models import AuditEvent

from .models import ApiToken, InstalledIntegration, Webhook


@transaction.atomic
def do_create_token(user, name, *, org=None, expires_at=None) -> tuple[ApiToken, str]:
    token, secret = ApiToken.issue(user, name, org=org, expires_at=expires_at)
    audit(org, user, AuditEvent.TOKEN_CREATED, token, name=name,
          expires_at=expires_at.isoformat() if expires_at else None)
    return token, secret


@transaction.atomic
def do_revoke_token(token, *, acting_user) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(token.org, acting_user, AuditEvent.TOKEN_REVOKED, token, name=token.name)


@transaction.atomic
def do_revoke_all_tokens(user, *, acting_user, why: str) -> list[str]:
    """Revoke every usable token of `user` (after a password change or reset) and
    mail them which. Returns the names of the tokens revoked, sorted."""
    from timelive.notifications.mail import queue_mail

    tokens = list(ApiToken.objects.select_for_update(of=("self",)).filter(user=user, revoked_at=None)
                  .select_related("org"))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit(token.org, acting_user, AuditEvent.TOKEN_REVOKED, token, name=token.name, why=why)
    names = sorted(token.name for token in tokens)
    if names:
        queue_mail(user.email, "Your TimeLive API tokens were revoked", "tokens_revoked",
                   {"user": user, "names": names, "why": why})
    return names


def revoked_tokens_message(names: list[str]) -> str:
    return "API tokens revoked: " + ", ".join(f"“{name}”" for name in names) + "."


# Installed integrations: the services an organisation connected, listed for its members.


@transaction.atomic
def do_install_integration(org, *, acting_user, name, purpose, data_categories, location="", website="") -> InstalledIntegration:
    """Record that `org` connected a third-party service, and what it receives."""
    integration = InstalledIntegration.objects.create(
        org=org, installed_by=acting_user, name=name, purpose=purpose, data_categories=data_categories,
        location=location, website=website,
    )
    audit(org, acting_user, AuditEvent.INTEGRATION_INSTALLED, integration, name=name, purpose=purpose,
          data_categories=data_categories, location=location, website=website)
    return integration


@transaction.atomic
def do_remove_integration(integration, *, acting_user) -> InstalledIntegration:
    """Mark the integration removed. The row stays so members can see what received
    their data, and until when."""
    integration = InstalledIntegration.objects.select_for_update().get(pk=integration.pk)
    if integration.removed_at is not None:
        raise ActionError(f"{integration.name} was already removed on {integration.removed_at:%-d %B %Y}.")
    integration.removed_at = timezone.now()
    integration.save(update_fields=["removed_at"])
    audit(integration.org, acting_user, AuditEvent.INTEGRATION_REMOVED, integration, name=integration.name)
    return integration


# Webhooks: listed for the members as installed integrations while they exist.


@transaction.atomic
def do_create_webhook(org, *, acting_user, title, url, events) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (shown this once)."""
    from urllib.parse import urlsplit

    from .webhooks import signing_secret

    host = urlsplit(url).hostname or url
    integration = do_install_integration(
        org, acting_user=acting_user, name=f"Webhook: {title}"[:120], purpose=f"Receives events at {host}"[:300],
        data_categories=("Events: " + ", ".join(events))[:300] if events else "No events yet",
    )
    webhook = Webhook.objects.create(org=org, title=title, url=url, events=list(events), integration=integration,
                                     created_by=acting_user)
    return webhook, signing_secret(webhook)


@transaction.atomic
def do_delete_webhook(webhook, *, acting_user) -> None:
    """Delete the webhook and its delivery log; its integration stays listed as removed, with its dates."""
    if webhook.integration is not None and webhook.integration.removed_at is None:
        do_remove_integration(webhook.integration, acting_user=acting_user)
    webhook.delete()
