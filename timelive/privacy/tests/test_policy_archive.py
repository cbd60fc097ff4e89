import time_machine
from django.test import Client

from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version


class PolicyArchiveTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def test_a_fresh_install_has_an_archive_with_the_first_version(self):
        r = Client().get("/privacy/archive/")
        self.assertContains(r, "2018-05-24")
        self.assertContains(r, "More control over your information")
        self.assertContains(r, "In force")

    def test_it_lists_every_published_version_newest_first_with_summaries(self):
        make_version(label="2.0", effective_at=NOW - 10 * DAY, summary="Partner sharing explained.")
        make_version(label="3.0", effective_at=NOW + DAY, summary="Shorter retention.", significant=True)
        make_version(label="4.0-draft", effective_at=NOW + 2 * DAY, published=False, summary="Secret draft.")
        r = self.client.get("/privacy/archive/")
        labels = [v.label for v in r.context["versions"]]
        self.assertEqual(labels, ["3.0", "2.0", "2018-05-24"])
        self.assertEqual(r.context["current"].label, "2.0")
        self.assertContains(r, "Partner sharing explained.")
        self.assertContains(r, "Shorter retention.")
        self.assertContains(r, "Upcoming")
        self.assertContains(r, "Significant change")
        self.assertNotContains(r, "Secret draft.")
        self.assertNotContains(r, "4.0-draft")

    def test_each_document_has_its_own_archive(self):
        make_version("terms", "1.0", summary="First terms.")
        r = self.client.get("/terms/archive/")
        self.assertEqual([v.label for v in r.context["versions"]], ["1.0"])
        self.assertContains(self.client.get("/security/archive/"), "No version has been published yet.")

    def test_it_escapes_summaries(self):
        make_version(label="2.0", summary="<script>alert(1)</script>")
        r = self.client.get("/privacy/archive/")
        self.assertNotContains(r, "<script>alert(1)")
        self.assertContains(r, "&lt;script&gt;")

    def test_logged_in_people_and_outsiders_see_the_same_archive(self):
        make_version(label="2.0")
        for user in (self.bob, self.charlie):
            self.login(user)
            r = self.client.get("/privacy/archive/")
            self.assertEqual([v.label for v in r.context["versions"]], ["2.0", "2018-05-24"])

    def test_its_queries_do_not_grow_with_the_versions(self):
        for n in range(5):
            make_version(label=f"2.{n}", effective_at=NOW - (10 - n) * DAY)
        anonymous = Client()
        # The document, the versions, and the notice check in the layout.
        with self.assertNumQueries(3):
            anonymous.get("/privacy/archive/")
        make_version(label="3.0", effective_at=NOW - DAY)
        with self.assertNumQueries(3):
            anonymous.get("/privacy/archive/")
