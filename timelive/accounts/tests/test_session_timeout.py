import datetime as dt

import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from timelive.accounts.models import UserSession
from timelive.test import PASSWORD, BaseTestCase

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_ABSOLUTE_TIMEOUT=3600)
class SessionTimeoutTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})

    def at(self, **delta):
        self.clock.move_to(START + dt.timedelta(**delta))

    def profile(self):
        return self.client.get("/account/profile/")

    def test_it_keeps_an_active_session(self):
        self.at(minutes=9)
        self.assertEqual(self.profile().status_code, 200)
        self.at(minutes=18)
        self.assertEqual(self.profile().status_code, 200)

    def test_it_ends_an_idle_session(self):
        key = self.client.session.session_key
        self.at(minutes=10, seconds=1)
        r = self.profile()
        self.assertRedirects(r, "/account/login/?next=/account/profile/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertFalse(UserSession.objects.filter(session_key=key).exists())

    def test_it_says_why_the_session_ended(self):
        self.at(minutes=11)
        r = self.client.get("/account/profile/", follow=True)
        self.assertContains(r, "Your session has ended. Please log in again.")

    def test_it_ends_a_session_at_the_absolute_timeout_even_when_active(self):
        for minute in range(5, 60, 5):
            self.at(minutes=minute)
            self.assertEqual(self.profile().status_code, 200, minute)
        self.at(minutes=60, seconds=1)
        r = self.profile()
        self.assertEqual(r.status_code, 302)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_ends_a_timed_out_session_on_any_page(self):
        self.at(minutes=11)
        r = self.client.get("/account/login/")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_starts_the_clock_again_at_a_new_login(self):
        self.at(minutes=11)
        self.profile()
        self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        self.at(minutes=20)
        self.assertEqual(self.profile().status_code, 200)

    def test_it_writes_last_active_at_most_once_a_minute(self):
        session = UserSession.objects.get(session_key=self.client.session.session_key)
        self.assertEqual(session.last_active, START)
        self.assertEqual(session.created_at, START)
        self.at(seconds=30)
        self.profile()
        self.at(seconds=59)
        self.profile()
        session.refresh_from_db()
        self.assertEqual(session.last_active, START)
        self.at(seconds=61)
        self.profile()
        session.refresh_from_db()
        self.assertEqual(session.last_active, START + dt.timedelta(seconds=61))
        self.assertEqual(session.created_at, START)

    def test_it_does_not_write_the_session_within_the_minute(self):
        self.at(seconds=10)
        self.profile()
        self.at(seconds=20)
        with CaptureQueriesContext(connection) as queries:
            self.profile()
        writes = [q["sql"] for q in queries if "accounts_usersession" in q["sql"] and not q["sql"].startswith("SELECT")]
        self.assertEqual(writes, [])

    def test_it_follows_the_settings(self):
        with override_settings(SESSION_IDLE_TIMEOUT=3600):
            self.at(minutes=30)
            self.assertEqual(self.profile().status_code, 200)
        self.assertEqual(timezone.now(), START + dt.timedelta(minutes=30))


class HtmxAfterTimeoutTestCase(BaseTestCase):
    def test_an_htmx_request_without_a_session_redirects_the_whole_page(self):
        r = self.client.post("/o/alpha/timesheet/cell/", {"value": "1:00"}, headers={"HX-Request": "true"})
        self.assertEqual(r.status_code, 204)
        self.assertTrue(r["HX-Redirect"].startswith("/account/login/?next="))
        # Without htmx, the usual redirect.
        r = self.client.post("/o/alpha/timesheet/cell/", {"value": "1:00"})
        self.assertEqual(r.status_code, 302)
