import time_machine
from django.test import Client

from timelive.privacy.models import PolicyVersion
from timelive.test import BaseTestCase, make_user

from .helpers import DAY, NOW, make_version


class PolicyVersionPageTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.v1 = PolicyVersion.objects.get(label="2018-05-24")
        self.v2 = make_version(label="2.0", effective_at=NOW - DAY, summary="What is new.", text="# Two\nSecond text")

    def test_anyone_reads_an_earlier_version(self):
        r = Client().get(f"/privacy/versions/{self.v1.code}/")
        self.assertContains(r, "This is an earlier version, in effect from 24 May 2018.")
        self.assertContains(r, "Read the version in force now (2.0)")
        self.assertContains(r, "the operator of this TimeLive service")

    def test_it_shows_the_current_version_with_what_changed(self):
        r = Client().get(self.v2.get_absolute_url())
        self.assertContains(r, "In force since 31 May 2025.")
        self.assertContains(r, "What is new.")
        self.assertContains(r, "<h2>Two</h2>", html=True)

    def test_it_shows_an_announced_version_before_it_takes_effect(self):
        v3 = make_version(label="3.0", effective_at=NOW + 2 * DAY, text="Third text")
        r = Client().get(v3.get_absolute_url())
        self.assertContains(r, "This version takes effect on 3 June 2025.")
        self.assertContains(r, "Third text")

    def test_a_draft_is_not_found_except_by_operators(self):
        draft = make_version(label="3.0", published=False, text="Draft text")
        self.assertEqual(Client().get(draft.get_absolute_url()).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.login(make_user("op@timelive.example", "Olga Operator", is_staff=True))
        r = self.client.get(draft.get_absolute_url())
        self.assertContains(r, "Draft preview, visible to operators only.")
        self.assertContains(r, "Draft text")

    def test_a_version_is_found_only_under_its_own_document(self):
        self.assertEqual(self.client.get(f"/terms/versions/{self.v2.code}/").status_code, 404)
        self.assertEqual(self.client.get("/privacy/versions/nosuchcode/").status_code, 404)

    def test_an_outsider_sees_it_like_everyone(self):
        self.login(self.charlie)
        self.assertContains(self.client.get(self.v2.get_absolute_url()), "Second text")

    def test_it_only_reads(self):
        self.assertEqual(Client().post(self.v2.get_absolute_url()).status_code, 405)
