import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import PASSWORD, BaseTestCase


class TokensPageTestCase(BaseTestCase):
    url = "/account/tokens/"

    def test_it_requires_login(self):
        r = self.client.get(self.url)
        self.assertRedirects(r, "/account/login/?next=/account/tokens/", fetch_redirect_response=False)
        r = self.client.post(self.url, {"name": "Sneaky", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_lists_my_tokens_only(self):
        mine, _ = ApiToken.issue(self.bob, "Payroll export", org=self.org)
        ApiToken.issue(self.alice, "Alice's script")
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, "Payroll export")
        self.assertContains(r, f"{mine.hint}…")
        self.assertContains(r, "Alpha Ltd")
        self.assertNotContains(r, "Alice&#x27;s script")
        self.assertNotContains(r, "Alice's script")

    def test_it_keeps_the_query_count_flat(self):
        # Compared rather than pinned: the count includes the session and
        # middleware queries, which other apps own.
        ApiToken.issue(self.bob, "First", org=self.org)
        self.login(self.bob)
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as one:
            self.client.get(self.url)
        for i in range(5):
            ApiToken.issue(self.bob, f"Token {i}", org=self.org if i % 2 else None)
        with CaptureQueriesContext(connection) as six:
            r = self.client.get(self.url)
        self.assertContains(r, "Token 4")
        self.assertEqual(len(six), len(one))

    def test_it_shows_an_empty_state(self):
        self.login(self.bob)
        self.assertContains(self.client.get(self.url), "You have no API tokens")

    def test_it_shows_each_status(self):
        ApiToken.issue(self.bob, "Old", expires_at=timezone.now() - dt.timedelta(days=1))
        revoked, _ = ApiToken.issue(self.bob, "Gone")
        ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, "expired")
        self.assertContains(r, "revoked")
        # Only active tokens can be revoked.
        self.assertNotContains(r, f"/account/tokens/{revoked.code}/revoke/")

    def test_it_creates_a_token_for_all_my_organisations(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"name": "Laptop script", "org": "", "expires_in": "", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)
        token = ApiToken.objects.get(user=self.bob)
        self.assertEqual(token.name, "Laptop script")
        self.assertIsNone(token.org)
        self.assertIsNone(token.expires_at)

        secret = r.context["new_secret"]
        self.assertTrue(secret.startswith("tl_"))
        self.assertContains(r, secret)
        self.assertContains(r, "It will not be shown again")
        self.assertEqual(ApiToken.authenticate(secret), token)

        audit = AuditLog.objects.get(event=AuditEvent.TOKEN_CREATED)
        self.assertEqual(audit.actor, self.bob)
        self.assertIsNone(audit.org)
        self.assertEqual(audit.target_id, token.code)
        self.assertNotIn(secret, str(audit.details) + audit.target_label)

    def test_it_shows_the_secret_once(self):
        self.login(self.bob)
        secret = self.client.post(self.url, {"name": "Once", "password": PASSWORD}).context["new_secret"]
        r = self.client.get(self.url)
        self.assertContains(r, "Once")
        self.assertNotContains(r, secret)
        self.assertIn("no-store", r["Cache-Control"])

    def test_it_keeps_the_page_showing_a_secret_out_of_caches(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"name": "Cached?", "password": PASSWORD})
        self.assertIn("no-store", r["Cache-Control"])

    def test_it_creates_a_token_limited_to_an_organisation_with_an_expiry(self):
        self.login(self.bob)
        before = timezone.now()
        r = self.client.post(self.url, {"name": "CI", "org": "alpha", "expires_in": "30", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)
        token = ApiToken.objects.get(user=self.bob)
        self.assertEqual(token.org, self.org)
        self.assertAlmostEqual(token.expires_at, before + dt.timedelta(days=30), delta=dt.timedelta(minutes=1))
        audit = AuditLog.objects.get(event=AuditEvent.TOKEN_CREATED)
        self.assertEqual(audit.org, self.org)
        self.assertEqual(audit.details["expires_at"], token.expires_at.isoformat())

    def test_it_does_not_offer_organisations_i_am_not_in(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, 'value="alpha"')
        self.assertNotContains(r, 'value="bravo"')
        r = self.client.post(self.url, {"name": "Sneaky", "org": "bravo", "password": PASSWORD})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_requires_a_name(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"name": "", "org": "alpha", "password": PASSWORD})
        self.assertEqual(r.status_code, 400)
        self.assertIsNone(r.context["new_secret"])
        self.assertFalse(ApiToken.objects.exists())

    def test_it_rejects_an_unknown_expiry(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"name": "Forever and a day", "expires_in": "100000", "password": PASSWORD})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())


class TokenReauthenticationTestCase(BaseTestCase):
    url = "/account/tokens/"

    def setUp(self):
        self.login(self.alice)

    def test_it_asks_for_the_password_again(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="password"')
        self.assertContains(r, 'autocomplete="current-password"')

    def test_it_refuses_a_token_without_the_password(self):
        from timelive.test import PASSWORD

        r = self.client.post(self.url, {"name": "No password"})
        self.assertEqual(r.status_code, 400)
        r = self.client.post(self.url, {"name": "Wrong password", "password": PASSWORD + "x"})
        self.assertContains(r, "That is not your password.", status_code=400)
        self.assertFalse(ApiToken.objects.exists())
        r = self.client.post(self.url, {"name": "Right", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(list(ApiToken.objects.values_list("name", flat=True)), ["Right"])
