from django.db import transaction
from django.utils import timezone

from timelive.orgs.actions import audit
from timelive.orgs.models import AuditEvent

from .models import ApiToken


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
