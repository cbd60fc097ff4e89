import datetime as dt

import time_machine
from django.core import mail
from django.utils import timezone

from timelive.accounts.actions import do_change_email, verification_token
from timelive.accounts.models import User
from timelive.test import BaseTestCase, make_user

from .helpers import first_link, path_of


class VerifyEmailTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.dora = make_user("dora@example.com", "Dora Newcomer", email_verified_at=None)
        self.url = f"/account/verify/{verification_token(self.dora)}/"

    def test_it_asks_for_a_post_and_changes_nothing_on_get(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Confirm that <strong>dora@example.com</strong> is your address.")
        self.assertContains(r, '<form method="post">')
        self.dora.refresh_from_db()
        self.assertIsNone(self.dora.email_verified_at)

    def test_it_confirms_on_post(self):
        r = self.client.post(self.url)
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
        self.dora.refresh_from_db()
        self.assertIsNotNone(self.dora.email_verified_at)

    def test_it_sends_a_logged_in_person_home(self):
        self.login(self.dora)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "your email address is confirmed")

    def test_it_keeps_the_first_confirmation_time(self):
        self.client.post(self.url)
        self.dora.refresh_from_db()
        first = self.dora.email_verified_at
        self.client.post(self.url)
        self.dora.refresh_from_db()
        self.assertEqual(self.dora.email_verified_at, first)

    def test_it_works_from_the_sign_up_mail(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/account/signup/", {"full_name": "Eve", "email": "eve@example.com",
                                                  "password": "a long enough phrase", "org_name": "Eve Co"})
        path = path_of(first_link(mail.outbox[0]))
        self.client.post(path)
        self.assertTrue(User.objects.get(email="eve@example.com").is_email_verified)

    def test_it_refuses_an_expired_link(self):
        token = verification_token(self.dora)
        with time_machine.travel(timezone.now() + dt.timedelta(days=3, minutes=1)):
            for method in (self.client.get, self.client.post):
                r = method(f"/account/verify/{token}/")
                self.assertContains(r, "This link does not work", status_code=400)
        self.dora.refresh_from_db()
        self.assertIsNone(self.dora.email_verified_at)

    def test_it_accepts_a_link_just_before_it_expires(self):
        token = verification_token(self.dora)
        with time_machine.travel(timezone.now() + dt.timedelta(days=2, hours=23)):
            self.client.post(f"/account/verify/{token}/")
        self.dora.refresh_from_db()
        self.assertIsNotNone(self.dora.email_verified_at)

    def test_it_refuses_a_tampered_link(self):
        token = verification_token(self.dora)
        for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "nonsense", "a:b:c", "é"]:
            r = self.client.post(f"/account/verify/{bad}/")
            self.assertContains(r, "This link does not work", status_code=400)
        self.dora.refresh_from_db()
        self.assertIsNone(self.dora.email_verified_at)

    def test_it_refuses_a_link_for_an_old_address(self):
        old_url = self.url
        do_change_email(self.dora, "dora@newmail.example")
        r = self.client.post(old_url)
        self.assertContains(r, "This link does not work", status_code=400)
        self.dora.refresh_from_db()
        self.assertIsNone(self.dora.email_verified_at)

    def test_it_refuses_a_link_for_a_deactivated_person(self):
        self.dora.is_active = False
        self.dora.save()
        r = self.client.post(self.url)
        self.assertEqual(r.status_code, 400)

    def test_it_offers_a_new_link_to_an_unverified_person(self):
        self.login(self.dora)
        r = self.client.get("/account/verify/nonsense/")
        self.assertContains(r, "Send the link again", status_code=400)

    def test_it_offers_no_new_link_to_a_verified_person(self):
        self.login(self.alice)
        r = self.client.get("/account/verify/nonsense/")
        self.assertNotContains(r, "Send the link again", status_code=400)
        self.assertContains(r, "already confirmed", status_code=400)


class ResendVerificationTestCase(BaseTestCase):
    url = "/account/verify/resend/"

    def setUp(self):
        super().setUp()
        self.dora = make_user("dora@example.com", "Dora Newcomer", email_verified_at=None)

    def test_it_sends_a_new_link(self):
        self.login(self.dora)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.url, {"next": "/account/sessions/"})
        self.assertRedirects(r, "/account/sessions/", fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["dora@example.com"])
        self.client.post(path_of(first_link(mail.outbox[0])))
        self.dora.refresh_from_db()
        self.assertTrue(self.dora.is_email_verified)

    def test_it_shows_the_banner_with_the_button(self):
        self.login(self.dora)
        r = self.client.get("/account/profile/")
        self.assertContains(r, 'action="/account/verify/resend/"')

    def test_it_ignores_a_next_to_another_host(self):
        self.login(self.dora)
        r = self.client.post(self.url, {"next": "https://evil.example/"})
        self.assertRedirects(r, "/account/profile/", fetch_redirect_response=False)

    def test_it_sends_nothing_when_already_confirmed(self):
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url)
        self.assertEqual(mail.outbox, [])

    def test_it_is_post_only(self):
        self.login(self.dora)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_it_needs_a_login(self):
        r = self.client.post(self.url)
        self.assertRedirects(r, "/account/login/?next=/account/verify/resend/", fetch_redirect_response=False)
