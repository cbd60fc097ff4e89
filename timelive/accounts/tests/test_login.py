from django.conf import settings
from django.contrib.auth import SESSION_KEY

from timelive.test import PASSWORD, BaseTestCase

from .helpers import CHROME_LINUX

FAILURE = "That email and password do not match an active account."


class LoginTestCase(BaseTestCase):
    url = "/account/login/"

    def post(self, email="alice@example.org", password=PASSWORD, url=None, **extra):
        return self.client.post(url or self.url, {"email": email, "password": password, **extra})

    def test_it_shows_an_accessible_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, '<label for="id_email">')
        self.assertContains(r, '<label for="id_password">')
        self.assertContains(r, '<label for="id_remember_email">')
        self.assertContains(r, 'autocomplete="username"')
        self.assertContains(r, 'autocomplete="current-password"')
        # The checkbox's description exists under the id the checkbox points to.
        self.assertContains(r, 'aria-describedby="id_remember_email_helptext"')
        self.assertContains(r, 'id="id_remember_email_helptext"')

    def test_it_logs_in(self):
        r = self.post()
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))
        self.alice.refresh_from_db()
        self.assertIsNotNone(self.alice.last_login)

    def test_it_accepts_the_email_in_any_case(self):
        r = self.post(email="  ALICE@Example.Org ")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))

    def test_it_gives_one_message_for_a_wrong_password_and_an_unknown_email(self):
        wrong = self.post(password="not her password")
        unknown = self.post(email="nobody@example.org")
        for r in (wrong, unknown):
            self.assertContains(r, FAILURE)
            self.assertContains(r, 'role="alert"')
            self.assertNotIn(SESSION_KEY, self.client.session)
        # Keeps the email typed, never the password.
        self.assertContains(wrong, 'value="alice@example.org"')
        self.assertNotContains(wrong, "not her password")

    def test_it_refuses_an_inactive_person_with_the_same_message(self):
        self.alice.is_active = False
        self.alice.save()
        r = self.post()
        self.assertContains(r, FAILURE)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_refuses_a_person_without_a_password(self):
        self.alice.set_unusable_password()
        self.alice.save()
        self.assertContains(self.post(password=""), "This field is required.")
        self.assertContains(self.post(password="!"), FAILURE)

    def test_it_refuses_a_blank_form(self):
        r = self.client.post(self.url, {})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(set(r.context["form"].errors), {"email", "password"})

    def test_it_refuses_a_huge_password_without_a_500(self):
        r = self.post(password="x" * 50_000)
        self.assertEqual(r.status_code, 200)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_gives_a_new_session_key_at_login(self):
        # An anonymous session planted before login (session fixation).
        session = self.client.session
        session["planted"] = "yes"
        session.save()
        planted_key = session.session_key
        self.client.cookies[settings.SESSION_COOKIE_NAME] = planted_key

        self.post()
        new_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertNotEqual(new_key, planted_key)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))
        from timelive.accounts.models import UserSession

        self.assertFalse(UserSession.objects.filter(session_key=planted_key).exists())

    def test_it_records_the_session_against_the_person(self):
        self.client.post(self.url, {"email": "alice@example.org", "password": PASSWORD}, headers={"user-agent": CHROME_LINUX})
        session = self.alice.sessions.get()
        self.assertEqual(session.device, "Chrome on Linux")
        self.assertEqual(session.session_key, self.client.session.session_key)
        self.assertEqual(len(session.code), 16)

    def test_it_honours_a_next_path_on_this_site(self):
        r = self.post(url=f"{self.url}?next=/account/sessions/")
        self.assertRedirects(r, "/account/sessions/", fetch_redirect_response=False)

    def test_it_honours_a_next_in_the_form(self):
        r = self.post(next="/o/alpha/team/?tab=1")
        self.assertRedirects(r, "/o/alpha/team/?tab=1", fetch_redirect_response=False)

    def test_it_ignores_a_next_to_another_host(self):
        for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                       "http://evil.example@testserver.evil/"]:
            r = self.post(next=target)
            self.assertRedirects(r, "/", fetch_redirect_response=False, msg_prefix=target)
            self.client.logout()

    def test_it_puts_next_into_the_form(self):
        r = self.client.get(f"{self.url}?next=/account/sessions/")
        self.assertContains(r, 'name="next" value="/account/sessions/"')

    def test_it_keeps_next_after_a_failed_attempt(self):
        r = self.post(url=f"{self.url}?next=/account/sessions/", password="wrong")
        self.assertContains(r, 'name="next" value="/account/sessions/"')

    def test_it_sends_a_logged_in_person_on(self):
        self.login(self.alice)
        r = self.client.get(f"{self.url}?next=/account/profile/")
        self.assertRedirects(r, "/account/profile/", fetch_redirect_response=False)

    def test_it_receives_anonymous_people_from_pages_with_next(self):
        r = self.client.get("/account/profile/")
        self.assertRedirects(r, "/account/login/?next=/account/profile/", fetch_redirect_response=False)
