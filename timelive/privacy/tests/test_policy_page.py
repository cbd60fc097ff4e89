import time_machine
from django.test import Client

from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version


class PolicyPageTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def test_it_shows_the_privacy_policy_in_force_to_anyone(self):
        r = Client().get("/privacy/")
        self.assertContains(r, "<h1>Privacy policy</h1>", html=False)
        self.assertContains(r, "Version 2018-05-24, in effect since 24 May 2018.")
        self.assertContains(r, "the operator of this TimeLive service")
        self.assertEqual(r.context["version"].label, "2018-05-24")

    def test_it_shows_the_newest_version_in_force_and_announces_the_next(self):
        make_version(label="2.0", effective_at=NOW - DAY, text="# Second\nv2 words")
        upcoming = make_version(label="3.0", effective_at=NOW + 3 * DAY, text="v3 words")
        r = self.client.get("/privacy/")
        self.assertContains(r, "<h2>Second</h2>", html=True)
        self.assertNotContains(r, "v3 words")
        self.assertContains(r, "A new version (3.0) takes effect on 4 June 2025.")
        self.assertContains(r, upcoming.get_absolute_url())
        self.assertContains(r, "/privacy/archive/")

    def test_a_draft_is_never_shown(self):
        make_version(label="2.0", effective_at=NOW - DAY, published=False, text="draft words")
        r = self.client.get("/privacy/")
        self.assertNotContains(r, "draft words")
        self.assertEqual(r.context["version"].label, "2018-05-24")

    def test_terms_and_security_without_a_version_say_so(self):
        for path, title in [("/terms/", "terms of service"), ("/security/", "security")]:
            r = self.client.get(path)
            self.assertContains(r, f"has not published a {title} yet.")

    def test_it_shows_terms_and_security_once_published(self):
        make_version("terms", "1.0", text="Terms words")
        make_version("security", "1.0", text="Security words")
        self.assertContains(self.client.get("/terms/"), "Terms words")
        self.assertContains(self.client.get("/security/"), "Security words")

    def test_logged_in_people_and_outsiders_see_the_same_policy(self):
        for user in (self.alice, self.charlie):
            self.login(user)
            r = self.client.get("/privacy/")
            self.assertContains(r, "Version 2018-05-24")
            # The way to their own choices.
            self.assertContains(r, 'href="/account/consents/"')

    def test_anonymous_visitors_get_no_consents_link_in_the_page(self):
        r = Client().get("/privacy/")
        self.assertNotContains(r, "/account/consents/")

    def test_other_paths_are_not_policies(self):
        self.assertEqual(self.client.get("/cookies/").status_code, 404)

    def test_it_only_reads(self):
        self.assertEqual(Client().post("/privacy/").status_code, 405)
        self.assertEqual(Client().head("/privacy/").status_code, 200)
