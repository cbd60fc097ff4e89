from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import override_settings

from timelive.accounts.views import REMEMBER_SALT
from timelive.test import PASSWORD, BaseTestCase

COOKIE = "timelive_email"


class RememberEmailTestCase(BaseTestCase):
    """The privacy policy, paragraph 3: a cookie holds the login email, for login only, when asked."""

    def log_in(self, remember, email="alice@example.org", password=PASSWORD):
        data = {"email": email, "password": password}
        if remember:
            data["remember_email"] = "on"
        return self.client.post("/account/login/", data)

    def signed(self, email, name=COOKIE):
        response = HttpResponse()
        response.set_signed_cookie(name, email, salt=REMEMBER_SALT)
        return response.cookies[name].value

    def unsigned(self, value, name=COOKIE):
        request = HttpRequest()
        request.COOKIES[name] = value
        return request.get_signed_cookie(name, salt=REMEMBER_SALT)

    def test_it_sets_the_cookie_only_when_ticked(self):
        r = self.log_in(remember=False)
        self.assertEqual(r.status_code, 302)
        self.assertNotIn(COOKIE, r.cookies)

    def test_it_sets_the_cookie_exactly_as_the_policy_says(self):
        r = self.log_in(remember=True, email="Alice@EXAMPLE.org")
        cookie = r.cookies[COOKIE]
        self.assertEqual(settings.REMEMBER_EMAIL_COOKIE, COOKIE)
        # Holds only the email, signed.
        self.assertEqual(self.unsigned(cookie.value), "alice@example.org")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["max-age"], 365 * 86400)
        self.assertEqual(cookie["path"], "/")
        self.assertEqual(cookie["domain"], "")
        self.assertFalse(cookie["secure"])

    def test_it_puts_nothing_but_the_email_in_the_cookie(self):
        r = self.log_in(remember=True)
        raw = r.cookies[COOKIE].value
        # "email:timestamp:signature", nothing else.
        email, timestamp, signature = raw.rsplit(":", 2)
        self.assertEqual(email, "alice@example.org")
        self.assertEqual(len(timestamp), 6)
        self.assertEqual(len(signature), 43)
        self.assertNotIn(self.alice.full_name, raw)
        self.assertNotIn(self.alice.code, raw)

    @override_settings(HTTPS=True, REMEMBER_EMAIL_COOKIE="__Host-timelive_email")
    def test_it_is_host_prefixed_and_secure_in_production(self):
        r = self.log_in(remember=True)
        self.assertNotIn(COOKIE, r.cookies)
        cookie = r.cookies["__Host-timelive_email"]
        self.assertTrue(cookie["secure"])
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["path"], "/")
        self.assertEqual(cookie["domain"], "")
        # ...and it pre-fills the form too.
        self.client.post("/account/logout/")
        r = self.client.get("/account/login/")
        self.assertContains(r, 'value="alice@example.org"')

    @override_settings(HTTPS=True, REMEMBER_EMAIL_COOKIE="__Host-timelive_email")
    def test_it_clears_the_host_prefixed_cookie_in_production(self):
        self.log_in(remember=True)
        r = self.client.post("/account/logout/", {"forget_me": "1"})
        cookie = r.cookies["__Host-timelive_email"]
        self.assertEqual(cookie.value, "")
        self.assertEqual(cookie["max-age"], 0)
        # Browsers ignore a __Host- cookie without Secure and path=/, which would leave the email behind.
        self.assertTrue(cookie["secure"])
        self.assertEqual(cookie["path"], "/")

    def test_it_prefills_the_login_form(self):
        self.log_in(remember=True)
        self.client.post("/account/logout/")
        r = self.client.get("/account/login/")
        self.assertEqual(r.context["form"]["email"].value(), "alice@example.org")
        self.assertContains(r, 'value="alice@example.org"')
        self.assertTrue(r.context["form"]["remember_email"].value())
        # The email is known, so the password field gets the focus.
        self.assertRegex(r.content.decode(), r'<input type="password" name="password"[^>]* autofocus')
        self.assertNotRegex(r.content.decode(), r'<input type="email" name="email"[^>]* autofocus')

    def test_it_shows_an_empty_form_without_the_cookie(self):
        r = self.client.get("/account/login/")
        self.assertFalse(r.context["form"]["email"].value())
        self.assertFalse(r.context["form"]["remember_email"].value())

    def test_it_ignores_a_tampered_cookie(self):
        for value in [self.signed("alice@example.org")[:-3] + "xyz", "mallory@example.org", "", ":::",
                      self.signed("mallory@example.org", name="other"), self.signed("not an email")]:
            self.client.cookies[COOKIE] = value
            r = self.client.get("/account/login/")
            self.assertEqual(r.status_code, 200, value)
            self.assertFalse(r.context["form"]["email"].value(), value)
            self.assertNotContains(r, "mallory")

    def test_it_clears_an_existing_cookie_at_an_unticked_login(self):
        self.log_in(remember=True)
        self.client.post("/account/logout/")
        r = self.log_in(remember=False)
        self.assertEqual(r.cookies[COOKIE].value, "")
        self.assertEqual(r.cookies[COOKIE]["max-age"], 0)
        self.assertEqual(r.cookies[COOKIE]["path"], "/")

    def test_it_clears_a_tampered_cookie_at_an_unticked_login(self):
        self.client.cookies[COOKIE] = "garbage"
        r = self.log_in(remember=False)
        self.assertEqual(r.cookies[COOKIE]["max-age"], 0)

    def test_it_sets_nothing_at_an_unticked_login_without_a_cookie(self):
        r = self.log_in(remember=False)
        self.assertNotIn(COOKIE, r.cookies)

    def test_it_sets_no_cookie_on_a_failed_login(self):
        r = self.log_in(remember=True, password="wrong password")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn(COOKIE, r.cookies)

    def test_it_ignores_an_expired_cookie(self):
        import datetime as dt

        import time_machine
        from django.utils import timezone

        with time_machine.travel(timezone.now() - dt.timedelta(days=366)):
            value = self.signed("alice@example.org")
        self.client.cookies[COOKIE] = value
        r = self.client.get("/account/login/")
        self.assertFalse(r.context["form"]["email"].value())
