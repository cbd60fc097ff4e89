from django.contrib.auth import SESSION_KEY
from django.test import Client

from timelive.accounts.models import UserSession
from timelive.test import PASSWORD, BaseTestCase

from .helpers import CHROME_LINUX, FIREFOX_WINDOWS


def logged_in_client(email, user_agent):
    client = Client(headers={"user-agent": user_agent})
    r = client.post("/account/login/", {"email": email, "password": PASSWORD})
    assert r.status_code == 302
    return client


class SessionsPageTestCase(BaseTestCase):
    url = "/account/sessions/"

    def setUp(self):
        super().setUp()
        self.laptop = logged_in_client("alice@example.org", CHROME_LINUX)
        self.desktop = logged_in_client("alice@example.org", FIREFOX_WINDOWS)
        self.bobs = logged_in_client("bob@example.org", CHROME_LINUX)

    def session_of(self, client):
        return UserSession.objects.get(session_key=client.session.session_key)

    def test_it_lists_the_persons_sessions_with_device_and_last_active(self):
        r = self.laptop.get(self.url)
        self.assertContains(r, "Chrome on Linux")
        self.assertContains(r, "Firefox on Windows")
        self.assertContains(r, "This session", count=1)
        self.assertContains(r, "ago")
        self.assertEqual(len(r.context["sessions"]), 2)
        # Bob's session is not among them.
        self.assertNotIn(self.session_of(self.bobs), list(r.context["sessions"]))

    def test_it_needs_a_login(self):
        r = Client().get(self.url)
        self.assertRedirects(r, f"/account/login/?next={self.url}", fetch_redirect_response=False)

    def test_it_stores_no_ip_address(self):
        names = [f.name for f in UserSession._meta.get_fields()]
        self.assertFalse([n for n in names if "ip" in n.lower()], names)
        from timelive.accounts.models import User

        user_fields = [f.name for f in User._meta.get_fields()]
        self.assertFalse([n for n in user_fields if "ip" in n.lower().split("_")], user_fields)
        for session in UserSession.objects.all():
            self.assertNotIn("127.0.0.1", session.session_data)
            self.assertNotIn("127.0.0.1", str(session.get_decoded()))

    def test_it_shows_no_ip_address(self):
        r = self.laptop.get(self.url, REMOTE_ADDR="203.0.113.9")
        self.assertNotContains(r, "127.0.0.1")
        self.assertNotContains(r, "203.0.113.9")
        self.assertNotContains(r, "IP address:")

    def test_it_does_not_show_the_session_keys(self):
        r = self.laptop.get(self.url)
        self.assertNotContains(r, self.laptop.session.session_key)
        self.assertNotContains(r, self.desktop.session.session_key)

    def test_it_ends_another_session(self):
        desktop = self.session_of(self.desktop)
        r = self.laptop.post(f"/account/sessions/{desktop.code}/end/")
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.assertContains(self.laptop.get(self.url), "The session on Firefox on Windows has ended.")
        self.assertFalse(UserSession.objects.filter(pk=desktop.pk).exists())
        self.assertEqual(self.desktop.get("/account/profile/").status_code, 302)
        self.assertEqual(self.laptop.get("/account/profile/").status_code, 200)

    def test_it_logs_out_when_ending_the_current_session(self):
        laptop = self.session_of(self.laptop)
        r = self.laptop.post(f"/account/sessions/{laptop.code}/end/")
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.laptop.session)
        self.assertFalse(UserSession.objects.filter(pk=laptop.pk).exists())
        self.assertTrue(UserSession.objects.filter(pk=self.session_of(self.desktop).pk).exists())

    def test_it_gives_404_for_someone_elses_session(self):
        bobs = self.session_of(self.bobs)
        r = self.laptop.post(f"/account/sessions/{bobs.code}/end/")
        self.assertEqual(r.status_code, 404)
        self.assertTrue(UserSession.objects.filter(pk=bobs.pk).exists())

    def test_it_gives_404_for_an_unknown_code(self):
        self.assertEqual(self.laptop.post("/account/sessions/nope/end/").status_code, 404)

    def test_it_does_not_take_the_session_key_as_a_code(self):
        desktop = self.session_of(self.desktop)
        self.assertEqual(self.laptop.post(f"/account/sessions/{desktop.session_key}/end/").status_code, 404)

    def test_it_ends_sessions_by_post_only(self):
        desktop = self.session_of(self.desktop)
        self.assertEqual(self.laptop.get(f"/account/sessions/{desktop.code}/end/").status_code, 405)
        self.assertEqual(self.laptop.get("/account/sessions/end-others/").status_code, 405)

    def test_it_ends_all_other_sessions(self):
        third = logged_in_client("alice@example.org", CHROME_LINUX)
        r = self.laptop.post("/account/sessions/end-others/")
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.assertContains(self.laptop.get(self.url), "Ended 2 other sessions.")
        self.assertEqual([s.session_key for s in self.alice.sessions.all()], [self.laptop.session.session_key])
        for client in (self.desktop, third):
            self.assertEqual(client.get("/account/profile/").status_code, 302)
        self.assertEqual(self.laptop.get("/account/profile/").status_code, 200)
        # Bob is not affected.
        self.assertEqual(self.bobs.get("/account/profile/").status_code, 200)

    def test_it_shows_the_end_all_button_only_with_other_sessions(self):
        self.assertContains(self.laptop.get(self.url), "End all other sessions")
        self.laptop.post("/account/sessions/end-others/")
        self.assertNotContains(self.laptop.get(self.url), "End all other sessions")

    def test_it_runs_the_same_number_of_queries_for_more_sessions(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.laptop.get(self.url)
        for _ in range(4):
            logged_in_client("alice@example.org", CHROME_LINUX)
        with CaptureQueriesContext(connection) as many:
            r = self.laptop.get(self.url)
        self.assertEqual(len(r.context["sessions"]), 6)
        self.assertEqual(len(many), len(few))

    def test_it_says_which_session_each_button_ends(self):
        r = self.laptop.get(self.url)
        self.assertContains(r, '<span class="visually-hidden"> the session on Firefox on Windows</span>')

    def test_it_hides_sessions_past_their_timeouts(self):
        import datetime as dt

        from django.utils import timezone

        desktop = self.session_of(self.desktop)
        UserSession.objects.filter(pk=desktop.pk).update(last_active=timezone.now() - dt.timedelta(days=1))
        r = self.laptop.get(self.url)
        self.assertEqual(len(r.context["sessions"]), 1)
        self.assertNotContains(r, "Firefox on Windows")
