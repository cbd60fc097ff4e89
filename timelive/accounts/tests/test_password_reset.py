import datetime as dt

import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from timelive.notifications.models import OutboxEmail
from timelive.test import PASSWORD, BaseTestCase

from .helpers import first_link, path_of

NEW_PASSWORD = "a brand new passphrase"


class PasswordResetTestCase(BaseTestCase):
    url = "/account/password/reset/"

    def ask(self, email):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"email": email})

    def reset_link(self, email="alice@example.org"):
        self.ask(email)
        self.assertEqual(len(mail.outbox), 1)
        return path_of(first_link(mail.outbox[0]))

    def choose(self, link, password=NEW_PASSWORD, client=None):
        client = client or self.client
        r = client.get(link)
        self.assertEqual(r.status_code, 302)
        return client.post(r.url, {"new_password1": password, "new_password2": password})

    def test_it_shows_an_accessible_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, '<label for="id_email">')
        self.assertContains(r, 'autocomplete="email"')

    def test_it_sends_the_link_through_the_outbox(self):
        r = self.ask("ALICE@example.org")
        self.assertRedirects(r, "/account/password/reset/sent/")
        self.assertEqual(OutboxEmail.objects.filter(to="alice@example.org").count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertEqual(message.subject, "Reset your TimeLive password")
        self.assertIn("Hello Alice Example", message.body)

    @override_settings(SITE_URL="https://time.example.com")
    def test_it_uses_the_site_address_not_the_host_header(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"email": "alice@example.org"}, headers={"host": "localhost"})
        self.assertTrue(first_link(mail.outbox[0]).startswith("https://time.example.com/account/password/reset/"))

    def test_it_gives_an_unknown_email_the_same_page_and_no_mail(self):
        known = self.ask("alice@example.org")
        unknown = self.ask("nobody@example.org")
        self.assertEqual(known.url, unknown.url)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(OutboxEmail.objects.count(), 1)
        r = self.client.get(unknown.url)
        self.assertContains(r, "Check your email")
        self.assertContains(r, "If an account uses that address")

    def test_it_sends_no_mail_to_an_inactive_person(self):
        self.alice.is_active = False
        self.alice.save()
        r = self.ask("alice@example.org")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_a_malformed_email_next_to_the_field(self):
        r = self.ask("not-an-email")
        self.assertContains(r, "Enter a valid email address.")
        self.assertContains(r, 'aria-invalid="true"')

    def test_it_sets_a_new_password(self):
        r = self.choose(self.reset_link())
        self.assertRedirects(r, "/account/password/reset/complete/")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))
        self.assertContains(self.client.get(r.url), "Your password is changed")
        # The new password logs in.
        r = self.client.post("/account/login/", {"email": "alice@example.org", "password": NEW_PASSWORD})
        self.assertEqual(r.status_code, 302)

    def test_it_applies_the_password_rules(self):
        link = self.reset_link()
        r = self.client.get(link)
        r = self.client.post(r.url, {"new_password1": "password123", "new_password2": "password123"})
        self.assertContains(r, "This password is too common.")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(PASSWORD))

    def test_it_works_once(self):
        link = self.reset_link()
        self.choose(link)
        r = Client().get(link, follow=True)
        self.assertContains(r, "This link does not work")
        self.assertContains(r, "expired or has already been used")

    def test_it_shows_a_clear_page_for_an_expired_link(self):
        link = self.reset_link()
        # A timestamp, not an aware time: time-machine would otherwise also move the
        # process time zone to UTC, and Django's reset tokens use naive local time.
        with time_machine.travel((timezone.now() + dt.timedelta(hours=1, minutes=1)).timestamp()):
            r = self.client.get(link, follow=True)
        self.assertContains(r, "This link does not work")
        self.assertNotContains(r, "new_password1")

    def test_it_shows_a_clear_page_for_a_tampered_link(self):
        link = self.reset_link()
        parts = link.rstrip("/").split("/")
        for bad in [f"/account/password/reset/{parts[-2]}/1a-{'0' * 32}/", "/account/password/reset/zzzz/abc-def/",
                    f"/account/password/reset/{parts[-2]}/{parts[-1][:-1]}{'a' if parts[-1][-1] != 'a' else 'b'}/"]:
            r = self.client.get(bad, follow=True)
            self.assertContains(r, "This link does not work", msg_prefix=bad)

    def test_it_ends_every_session_after_a_reset(self):
        laptop, phone = Client(), Client()
        for c in (laptop, phone):
            c.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        self.assertEqual(self.alice.sessions.count(), 2)
        self.choose(self.reset_link())
        self.assertEqual(self.alice.sessions.count(), 0)
        for c in (laptop, phone):
            r = c.get("/account/profile/")
            self.assertEqual(r.status_code, 302)

    def test_it_logs_out_a_logged_in_browser_without_an_error(self):
        self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        r = self.choose(self.reset_link())
        self.assertRedirects(r, "/account/password/reset/complete/")
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(self.alice.sessions.count(), 0)

    def test_it_does_not_log_in_after_a_reset(self):
        self.choose(self.reset_link())
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_revokes_every_api_token_and_says_which(self):
        from timelive.integrations.models import ApiToken

        laptop, _ = ApiToken.issue(self.alice, "Laptop script")
        bobs, _ = ApiToken.issue(self.bob, "Bob's")
        link = self.reset_link()
        with self.captureOnCommitCallbacks(execute=True):
            r = self.choose(link)
        laptop.refresh_from_db()
        bobs.refresh_from_db()
        self.assertIsNotNone(laptop.revoked_at)
        self.assertIsNone(bobs.revoked_at)
        self.assertContains(self.client.get(r.url), "API tokens revoked: “Laptop script”.")
        notice = OutboxEmail.objects.get(to="alice@example.org", subject__contains="API tokens")
        self.assertIn("Laptop script", notice.body_text)
