from django.contrib.auth import SESSION_KEY

from timelive.accounts.models import UserSession
from timelive.test import PASSWORD, BaseTestCase

COOKIE = "timelive_email"


class LogoutTestCase(BaseTestCase):
    url = "/account/logout/"

    def setUp(self):
        super().setUp()
        self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD, "remember_email": "on"})
        self.assertIn(COOKIE, self.client.cookies)

    def test_it_logs_out_and_deletes_the_session(self):
        key = self.client.session.session_key
        r = self.client.post(self.url)
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertFalse(UserSession.objects.filter(session_key=key).exists())
        self.assertFalse(self.alice.sessions.exists())

    def test_it_is_post_only(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 405)
        self.assertIn(SESSION_KEY, self.client.session)

    def test_it_keeps_the_remembered_email_on_a_plain_logout(self):
        r = self.client.post(self.url)
        self.assertNotIn(COOKIE, r.cookies)
        r = self.client.get("/account/login/")
        self.assertContains(r, 'value="alice@example.org"')

    def test_it_clears_the_cookie_with_forget_me(self):
        r = self.client.post(self.url, {"forget_me": "1"})
        self.assertEqual(r.cookies[COOKIE].value, "")
        self.assertEqual(r.cookies[COOKIE]["max-age"], 0)
        self.assertEqual(r.cookies[COOKIE]["path"], "/")
        r = self.client.get("/account/login/")
        self.assertNotContains(r, 'value="alice@example.org"')

    def test_it_offers_forget_me_in_the_menu(self):
        r = self.client.get("/account/profile/")
        self.assertContains(r, 'name="forget_me"')

    def test_it_is_harmless_when_not_logged_in(self):
        self.client.logout()
        r = self.client.post(self.url, {"forget_me": "1"})
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
