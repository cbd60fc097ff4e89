"""The request log cannot be joined to people: the joins an operator with the
database and var/secret_key could try all fail."""

import hashlib
import hmac

from django.test import Client
from django.utils.crypto import salted_hmac

from timelive.accounts.models import User, UserSession
from timelive.diagnostics.models import RequestRecord
from timelive.test import PASSWORD, BaseTestCase

from .helpers import LogMixin, diagnostics_on


@diagnostics_on
class UnlinkableTestCase(LogMixin, BaseTestCase):
    def visit_as(self, email):
        client = Client()
        client.get("/account/login/")
        r = client.post("/account/login/", {"email": email, "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        client.get("/account/profile/")
        client.get("/o/alpha/")
        client.post("/account/logout/")
        return client

    def test_times_are_minutes_so_last_login_finds_no_row(self):
        self.visit_as("alice@example.org")
        self.visit_as("bob@example.org")
        records = self.records()
        self.assertTrue(records)
        for row in records:
            self.assertEqual((row.at.second, row.at.microsecond), (0, 0))
        logins = set(User.objects.exclude(last_login=None).values_list("last_login", flat=True))
        self.assertEqual(len(logins), 2)
        self.assertFalse(logins & {row.at for row in records})
        sessions = UserSession.objects.values_list("created_at", "last_active")
        self.assertFalse({at for pair in sessions for at in pair} & {row.at for row in records})

    def test_no_row_is_kept_for_authentication(self):
        self.visit_as("alice@example.org")
        Client().get("/account/signup/")
        Client().post("/account/password/reset/", {"email": "alice@example.org"})
        other = Client()
        other.force_login(self.alice, backend="timelive.accounts.backends.EmailBackend")
        other.get("/account/tokens/")
        other.post("/account/tokens/", {"name": "Script", "password": PASSWORD})
        paths = {row.path for row in self.records()}
        for auth_path in ("/account/login/", "/account/logout/", "/account/signup/", "/account/password/reset/",
                          "/account/tokens/"):
            self.assertNotIn(auth_path, paths)
        self.assertIn("/account/profile/", paths)

    def test_no_column_can_be_recomputed_from_a_session_key(self):
        self.login(self.alice)
        self.client.get("/account/profile/")
        self.client.get("/account/sessions/")
        session_key = self.client.session.session_key
        [day] = {row.at.date() for row in self.records()}
        # The tag the log used to keep: HMAC(key of the day from SECRET_KEY, session key).
        key = salted_hmac("timelive.diagnostics.session-tag", day.isoformat(), algorithm="sha256").digest()
        tag = hmac.new(key, session_key.encode(), hashlib.sha256).hexdigest()
        values = " ".join(str(v) for v in RequestRecord.objects.values_list())
        for secret in (session_key, tag[:16], self.alice.email, self.alice.full_name):
            self.assertNotIn(secret, values)
        # Two sessions' rows look alike: nothing in a row says which session made it.
        fields = [f.name for f in RequestRecord._meta.get_fields()]
        self.assertEqual(fields, ["id", "at", "method", "path", "status", "duration_ms", "ip"])
