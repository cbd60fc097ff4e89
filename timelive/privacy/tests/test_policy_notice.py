import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from timelive.privacy.models import PolicyAcceptance
from timelive.test import BaseTestCase, make_user

from .helpers import DAY, NOW, make_version

NOTICE = "We changed our privacy policy"


class PolicyNoticeTestCase(BaseTestCase):
    def setUp(self):
        self.v2 = make_version(label="2.0", effective_at=NOW, significant=True, notice_days=14,
                               summary="We now share data with a partner, only with your consent.")

    def at(self, moment):
        return time_machine.travel(moment.timestamp(), tick=False)

    def dashboard(self, user):
        self.login(user)
        return self.client.get("/o/alpha/")

    def test_it_shows_from_the_effective_date_for_notice_days(self):
        # alice joined long before the change.
        self.alice.date_joined = NOW - 100 * DAY
        self.alice.save()
        with self.at(NOW - dt.timedelta(seconds=1)):
            self.assertNotContains(self.dashboard(self.alice), NOTICE)
        with self.at(NOW):
            self.assertContains(self.dashboard(self.alice), NOTICE)
        with self.at(NOW + 14 * DAY - dt.timedelta(seconds=1)):
            self.assertContains(self.dashboard(self.alice), NOTICE)
        with self.at(NOW + 14 * DAY):
            self.assertNotContains(self.dashboard(self.alice), NOTICE)

    def test_it_shows_on_the_login_page_to_anonymous_visitors_without_a_button(self):
        with self.at(NOW + DAY):
            r = Client().get("/account/login/")
        self.assertContains(r, NOTICE)
        self.assertContains(r, "We now share data with a partner, only with your consent.")
        self.assertContains(r, f'href="/privacy/versions/{self.v2.code}/"')
        self.assertNotContains(r, "I have read it")

    def test_it_shows_on_every_logged_in_page_with_a_button(self):
        self.bob.date_joined = NOW - 100 * DAY
        self.bob.save()
        self.login(self.bob)
        with self.at(NOW + DAY):
            for path in ["/o/alpha/", "/o/alpha/team/", "/account/profile/", "/account/sessions/",
                         "/account/consents/", "/privacy/"]:
                r = self.client.get(path)
                self.assertContains(r, NOTICE, msg_prefix=path)
                self.assertContains(r, f'action="/account/policies/{self.v2.code}/acknowledge/"', msg_prefix=path)
                self.assertContains(r, "I have read it", msg_prefix=path)
            # Home sends bob to his organisation's dashboard, which shows it.
            r = self.client.get("/", follow=True)
            self.assertContains(r, NOTICE)

    def test_it_disappears_for_the_person_who_acknowledged_it(self):
        for user in (self.alice, self.bob):
            user.date_joined = NOW - 100 * DAY
            user.save()
        PolicyAcceptance.objects.create(user=self.alice, version=self.v2)
        with self.at(NOW + DAY):
            self.assertNotContains(self.dashboard(self.alice), NOTICE)
            self.assertContains(self.dashboard(self.bob), NOTICE)

    def test_acknowledging_an_older_version_does_not_hide_the_newer_one(self):
        self.alice.date_joined = NOW - 100 * DAY
        self.alice.save()
        v3 = make_version(label="3.0", effective_at=NOW + 2 * DAY, significant=True, summary="Third change.")
        PolicyAcceptance.objects.create(user=self.alice, version=self.v2)
        with self.at(NOW + 3 * DAY):
            r = self.dashboard(self.alice)
        self.assertContains(r, "Third change.")
        self.assertContains(r, v3.code)
        # One notice per document: the newest.
        self.assertNotContains(r, "We now share data")

    def test_acknowledging_the_newer_version_hides_both(self):
        self.alice.date_joined = NOW - 100 * DAY
        self.alice.save()
        v3 = make_version(label="3.0", effective_at=NOW + 2 * DAY, significant=True, summary="Third change.")
        PolicyAcceptance.objects.create(user=self.alice, version=v3)
        with self.at(NOW + 3 * DAY):
            self.assertNotContains(self.dashboard(self.alice), NOTICE)

    def test_someone_who_joined_after_the_change_is_not_told_about_it(self):
        newcomer = make_user("new@example.org", "New Comer", date_joined=NOW + DAY)
        self.login(newcomer)
        with self.at(NOW + 2 * DAY):
            self.assertNotContains(self.client.get("/account/profile/"), NOTICE)

    def test_a_change_that_is_not_significant_shows_no_notice(self):
        make_version("terms", "1.0", effective_at=NOW, significant=False, summary="Typo fixes.")
        with self.at(NOW + DAY):
            r = Client().get("/account/login/")
        self.assertNotContains(r, "We changed our terms of service")

    def test_each_document_has_its_own_notice(self):
        make_version("terms", "1.0", effective_at=NOW, significant=True, summary="New terms.")
        with self.at(NOW + DAY):
            r = Client().get("/account/login/")
        self.assertContains(r, NOTICE)
        self.assertContains(r, "We changed our terms of service")

    def test_a_draft_or_announced_version_shows_no_notice_yet(self):
        self.v2  # noqa: B018 - in force from NOW
        make_version("terms", "1.0", effective_at=NOW, significant=True, published=False)
        make_version("security", "1.0", effective_at=NOW + 5 * DAY, significant=True)
        with self.at(NOW + DAY):
            r = Client().get("/account/login/")
        self.assertNotContains(r, "We changed our terms")
        self.assertNotContains(r, "We changed our security")

    def test_it_costs_at_most_one_query_per_page(self):
        self.alice.date_joined = NOW - 100 * DAY
        self.alice.save()
        self.login(self.alice)
        with self.at(NOW + DAY):
            for path in ["/o/alpha/", "/account/profile/"]:
                with CaptureQueriesContext(connection) as queries:
                    r = self.client.get(path)
                self.assertContains(r, NOTICE)
                privacy = [q["sql"] for q in queries if "privacy_" in q["sql"]]
                self.assertEqual(len(privacy), 1, privacy)
        with self.at(NOW + DAY), CaptureQueriesContext(connection) as queries:
            Client().get("/account/login/")
        self.assertEqual(len([q for q in queries if "privacy_" in q["sql"]]), 1)
