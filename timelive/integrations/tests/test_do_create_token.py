import datetime as dt

from django.utils import timezone

from timelive.integrations.actions import do_create_token
from timelive.integrations.models import ApiToken
from timelive.lib.codes import hash_secret
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase


class CreateTokenActionTestCase(BaseTestCase):
    def test_it_creates_a_token(self):
        expires_at = timezone.now() + dt.timedelta(days=3)
        token, secret = do_create_token(self.bob, "Sync", org=self.org, expires_at=expires_at)
        self.assertEqual(token.user, self.bob)
        self.assertEqual(token.org, self.org)
        self.assertEqual(token.expires_at, expires_at)
        self.assertEqual(token.status, "active")
        self.assertEqual(ApiToken.authenticate(secret), token)

    def test_it_stores_only_a_hash(self):
        token, secret = do_create_token(self.bob, "Sync")
        row = ApiToken.objects.filter(pk=token.pk).values().get()
        self.assertEqual(row["token_hash"], hash_secret(secret))
        self.assertFalse(any(secret in str(value) for value in row.values()))
        # The hint is a short prefix, far too short to use.
        self.assertEqual(row["hint"], secret[:8])

    def test_it_makes_a_new_secret_each_time(self):
        _, first = do_create_token(self.bob, "One")
        _, second = do_create_token(self.bob, "Two")
        self.assertNotEqual(first, second)

    def test_it_audits(self):
        token, secret = do_create_token(self.bob, "Sync", org=self.org)
        audit = AuditLog.objects.get()
        self.assertEqual(audit.event, AuditEvent.TOKEN_CREATED)
        self.assertEqual(audit.org, self.org)
        self.assertEqual(audit.actor, self.bob)
        self.assertEqual(audit.target_type, "apitoken")
        self.assertEqual(audit.target_id, token.code)
        self.assertEqual(audit.details, {"name": "Sync", "expires_at": None})
        self.assertNotIn(secret, audit.target_label)
