from django.contrib.auth import SESSION_KEY
from django.test import Client

from timelive.accounts.models import UserSession
from timelive.test import PASSWORD, BaseTestCase

NEW_PASSWORD = "another fine passphrase"


class PasswordChangeTestCase(BaseTestCase):
    url = "/account/password/"

    def setUp(self):
        super().setUp()
        self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        self.phone = Client()
        self.phone.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        self.bobs = Client()
        self.bobs.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})

    def change(self, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
        return self.client.post(self.url, {"old_password": old, "new_password1": new, "new_password2": confirm or new})

    def test_it_shows_an_accessible_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, '<label for="id_old_password">')
        self.assertContains(r, 'autocomplete="current-password"')
        self.assertContains(r, 'autocomplete="new-password"')

    def test_it_needs_a_login(self):
        r = Client().get(self.url)
        self.assertRedirects(r, "/account/login/?next=/account/password/", fetch_redirect_response=False)

    def test_it_changes_the_password(self):
        r = self.change()
        self.assertRedirects(r, "/account/profile/", fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))

    def test_it_requires_the_old_password(self):
        r = self.change(old="not my password")
        self.assertContains(r, "Your old password was entered incorrectly.")
        self.assertContains(r, 'aria-invalid="true"')
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(PASSWORD))

    def test_it_applies_the_password_rules(self):
        r = self.change(new="password123")
        self.assertContains(r, "This password is too common.")
        r = self.change(new="short")
        self.assertContains(r, "at least 8 characters")
        r = self.change(new=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
        self.assertContains(r, "didn’t match")

    def test_it_keeps_the_current_session_and_ends_the_others(self):
        self.assertEqual(self.alice.sessions.count(), 2)
        phone_key = self.phone.session.session_key
        self.change()
        # The current session goes on (under a new key) ...
        self.assertEqual(self.client.get("/account/profile/").status_code, 200)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))
        remaining = list(self.alice.sessions.all())
        self.assertEqual([s.session_key for s in remaining], [self.client.session.session_key])
        # ... the phone's session is gone from the database and no longer works.
        self.assertFalse(UserSession.objects.filter(session_key=phone_key).exists())
        self.assertEqual(self.phone.get("/account/profile/").status_code, 302)

    def test_it_leaves_other_people_alone(self):
        self.change()
        self.assertEqual(self.bob.sessions.count(), 1)
        self.assertEqual(self.bobs.get("/account/profile/").status_code, 200)

    def test_it_says_what_happened(self):
        r = self.change()
        r = self.client.get(r.url)
        self.assertContains(r, "Your password is changed. Your other sessions have been ended.")


class PasswordChangeRevokesTokensTestCase(BaseTestCase):
    url = "/account/password/"

    def setUp(self):
        from timelive.integrations.models import ApiToken

        self.login(self.alice)
        self.laptop, self.laptop_secret = ApiToken.issue(self.alice, "Laptop script")
        self.ci, _ = ApiToken.issue(self.alice, "CI export", org=self.org)
        self.bobs, _ = ApiToken.issue(self.bob, "Bob's")

    def change(self, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD, **extra})

    def test_it_offers_to_revoke_tokens_checked_by_default(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="revoke_tokens"')
        self.assertContains(r, "checked")
        self.assertContains(r, "Also revoke my API tokens")

    def test_it_revokes_every_token_and_says_which(self):
        from timelive.notifications.models import OutboxEmail

        bearer = {"authorization": f"Bearer {self.laptop_secret}"}
        self.assertEqual(Client().get("/api/v1/me/exports", headers=bearer).status_code, 200)
        r = self.change(revoke_tokens="on")
        for token in (self.laptop, self.ci):
            token.refresh_from_db()
            self.assertIsNotNone(token.revoked_at)
        self.bobs.refresh_from_db()
        self.assertIsNone(self.bobs.revoked_at)
        r = self.client.get(r.url)
        self.assertContains(r, "API tokens revoked: “CI export”, “Laptop script”.")
        mail = OutboxEmail.objects.get(to="alice@example.org", subject__contains="API tokens")
        self.assertIn("Laptop script", mail.body_text)
        self.assertIn("CI export", mail.body_text)
        self.assertEqual(Client().get("/api/v1/me/exports", headers=bearer).status_code, 401)

    def test_it_keeps_the_tokens_when_unticked(self):
        self.change()
        self.laptop.refresh_from_db()
        self.assertIsNone(self.laptop.revoked_at)
