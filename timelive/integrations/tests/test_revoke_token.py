from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase


class RevokeTokenTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.token, self.secret = ApiToken.issue(self.bob, "Payroll export", org=self.org)
        self.url = f"/account/tokens/{self.token.code}/revoke/"

    def test_it_revokes(self):
        self.login(self.bob)
        r = self.client.post(self.url, follow=True)
        self.assertRedirects(r, "/account/tokens/")
        self.assertContains(r, "is revoked")
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)
        self.assertEqual(self.token.status, "revoked")
        self.assertIsNone(ApiToken.authenticate(self.secret))

        audit = AuditLog.objects.get(event=AuditEvent.TOKEN_REVOKED)
        self.assertEqual(audit.actor, self.bob)
        self.assertEqual(audit.org, self.org)
        self.assertEqual(audit.target_id, self.token.code)

    def test_it_stops_the_token_working_in_the_api(self):
        headers = {"Authorization": f"Bearer {self.secret}"}
        self.assertEqual(self.client.get("/api/v1/me", headers=headers).status_code, 200)
        self.login(self.bob)
        self.client.post(self.url)
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/me", headers=headers).status_code, 401)

    def test_it_requires_post(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 405)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)

    def test_it_hides_another_persons_token(self):
        self.login(self.alice)
        r = self.client.post(self.url)
        self.assertEqual(r.status_code, 404)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.TOKEN_REVOKED).exists())

    def test_it_answers_an_unknown_code_with_404(self):
        self.login(self.bob)
        self.assertEqual(self.client.post("/account/tokens/nosuchcode/revoke/").status_code, 404)

    def test_it_requires_login(self):
        r = self.client.post(self.url)
        self.assertRedirects(r, f"/account/login/?next={self.url}", fetch_redirect_response=False)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)

    def test_it_revokes_only_once(self):
        self.login(self.bob)
        self.client.post(self.url)
        revoked_at = ApiToken.objects.get(pk=self.token.pk).revoked_at
        self.client.post(self.url)
        self.assertEqual(ApiToken.objects.get(pk=self.token.pk).revoked_at, revoked_at)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.TOKEN_REVOKED).count(), 1)
