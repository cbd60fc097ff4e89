import datetime as dt
from unittest.mock import patch

from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.api.urls import api
from timelive.integrations.models import ApiToken
from timelive.lib.codes import hash_secret


class TokenAuthTestCase(ApiTestCase):
    def test_it_accepts_a_valid_token(self):
        _, secret = self.make_token(self.bob)
        r = self.api_get("/api/v1/me", secret)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["email"], "bob@example.org")

    def test_it_requires_credentials(self):
        r = self.api_get("/api/v1/me")
        self.assertError(r, 401, "not_authenticated")
        self.assertEqual(r["WWW-Authenticate"], 'Bearer realm="api"')

    def test_it_rejects_an_unknown_token(self):
        self.make_token(self.bob)
        for secret in ["tl_not-a-real-token", "not-even-prefixed", "tl_" + "x" * 300]:
            self.assertError(self.api_get("/api/v1/me", secret), 401, "not_authenticated")

    def test_it_rejects_another_scheme(self):
        _, secret = self.make_token(self.bob)
        r = self.client.get("/api/v1/me", headers={"Authorization": f"Token {secret}"})
        self.assertError(r, 401, "not_authenticated")

    def test_it_rejects_an_expired_token(self):
        _, secret = self.make_token(self.bob, expires_at=timezone.now() - dt.timedelta(seconds=1))
        self.assertError(self.api_get("/api/v1/me", secret), 401, "not_authenticated")

    def test_it_accepts_a_token_before_it_expires(self):
        _, secret = self.make_token(self.bob, expires_at=timezone.now() + dt.timedelta(days=1))
        self.assertEqual(self.api_get("/api/v1/me", secret).status_code, 200)

    def test_it_rejects_a_revoked_token(self):
        _, secret = self.make_token(self.bob, revoked_at=timezone.now())
        self.assertError(self.api_get("/api/v1/me", secret), 401, "not_authenticated")

    def test_it_rejects_the_token_of_a_deactivated_person(self):
        _, secret = self.make_token(self.bob)
        self.bob.is_active = False
        self.bob.save()
        self.assertError(self.api_get("/api/v1/me", secret), 401, "not_authenticated")

    def test_it_accepts_the_browser_session(self):
        self.login(self.alice)
        r = self.client.get("/api/v1/me")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["email"], "alice@example.org")

    def test_it_stores_only_a_hash_of_the_secret(self):
        token, secret = self.make_token(self.bob)
        token.refresh_from_db()
        self.assertEqual(token.token_hash, hash_secret(secret))
        self.assertEqual(token.hint, secret[:8])
        stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
        self.assertFalse(any(secret in value for value in stored))

    def test_it_records_last_use(self):
        token, secret = self.make_token(self.bob)
        self.assertIsNone(token.last_used_at)
        self.api_get("/api/v1/me", secret)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_it_throttles_last_use_writes(self):
        token, secret = self.make_token(self.bob)
        start = timezone.now()
        with patch("django.utils.timezone.now", return_value=start):
            self.api_get("/api/v1/me", secret)
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, start)

        # Half a minute later: no write (the token lookup is the only query).
        with patch("django.utils.timezone.now", return_value=start + dt.timedelta(seconds=30)):
            with self.assertNumQueries(1):
                self.api_get("/api/v1/me", secret)
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, start)

        # Two minutes later: written again.
        later = start + dt.timedelta(minutes=2)
        with patch("django.utils.timezone.now", return_value=later):
            self.api_get("/api/v1/me", secret)
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, later)

    def test_it_refuses_bad_credentials_on_every_endpoint(self):
        _, expired = self.make_token(self.alice, expires_at=timezone.now() - dt.timedelta(seconds=1))
        _, revoked = self.make_token(self.alice, revoked_at=timezone.now())
        credentials = {"none": None, "unknown": "tl_unknown", "expired": expired, "revoked": revoked}
        paths = api.get_openapi_schema()["paths"]
        for path, item in paths.items():
            url = path.replace("{org}", "alpha")
            for method in item:
                for kind, secret in credentials.items():
                    with self.subTest(f"{method.upper()} {path}", credentials=kind):
                        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
                        r = self.client.generic(method.upper(), url, headers=headers)
                        self.assertError(r, 401, "not_authenticated")
        self.assertGreaterEqual(len(paths), 4)


class WrongTokenOnWritesTestCase(ApiTestCase):
    def test_a_wrong_bearer_token_on_a_post_is_401_json_not_a_csrf_failure(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        r = client.post("/api/v1/me/export", {}, content_type="application/json",
                        headers={"Authorization": "Bearer tl_not-a-real-token"})
        self.assertError(r, 401, "not_authenticated")
        self.assertNotIn("CSRF", r.content.decode())
