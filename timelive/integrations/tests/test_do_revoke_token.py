from timelive.integrations.actions import do_create_token, do_revoke_token
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase


class RevokeTokenActionTestCase(BaseTestCase):
    def test_it_revokes_and_audits(self):
        token, secret = do_create_token(self.bob, "Sync", org=self.org)
        do_revoke_token(token, acting_user=self.bob)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertIsNone(ApiToken.authenticate(secret))
        audit = AuditLog.objects.get(event=AuditEvent.TOKEN_REVOKED)
        self.assertEqual(audit.org, self.org)
        self.assertEqual(audit.actor, self.bob)
        self.assertEqual(audit.target_id, token.code)
        self.assertEqual(audit.details, {"name": "Sync"})

    def test_it_does_nothing_the_second_time(self):
        token, _ = do_create_token(self.bob, "Sync")
        do_revoke_token(token, acting_user=self.bob)
        first = ApiToken.objects.get(pk=token.pk).revoked_at
        do_revoke_token(token, acting_user=self.bob)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).revoked_at, first)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.TOKEN_REVOKED).count(), 1)
