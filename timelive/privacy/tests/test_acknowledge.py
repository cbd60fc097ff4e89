import time_machine
from django.test import Client

from timelive.privacy.models import PolicyAcceptance
from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version

NOTICE = "We changed our privacy policy"


class AcknowledgeTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel((NOW + DAY).timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        for user in (self.alice, self.bob, self.charlie):
            user.date_joined = NOW - 100 * DAY
            user.save()
        self.v1 = make_version(label="1.0", effective_at=NOW - 50 * DAY, significant=True, notice_days=90)
        self.v2 = make_version(label="2.0", effective_at=NOW, significant=True, summary="Second change.")

    def url(self, version):
        return f"/account/policies/{version.code}/acknowledge/"

    def test_it_records_the_acknowledgement_and_the_notice_goes(self):
        self.login(self.alice)
        self.assertContains(self.client.get("/o/alpha/"), NOTICE)
        r = self.client.post(self.url(self.v2), {"next": "/o/alpha/team/"})
        self.assertRedirects(r, "/o/alpha/team/", fetch_redirect_response=False)
        acceptance = PolicyAcceptance.objects.get(user=self.alice)
        self.assertEqual((acceptance.version, acceptance.accepted_at), (self.v2, NOW + DAY))
        r = self.client.get("/o/alpha/")
        self.assertNotContains(r, NOTICE)
        self.assertContains(r, "Thank you for reading the privacy policy (2.0).")

    def test_an_acknowledgement_of_v1_does_not_count_for_v2(self):
        # The GitLab bug (issue 345524): "accepted any version" instead of "accepted the latest".
        self.login(self.alice)
        self.client.post(self.url(self.v1))
        self.assertTrue(PolicyAcceptance.objects.filter(user=self.alice, version=self.v1).exists())
        self.assertFalse(PolicyAcceptance.objects.filter(user=self.alice, version=self.v2).exists())
        r = self.client.get("/o/alpha/")
        self.assertContains(r, NOTICE)
        self.assertContains(r, "Second change.")
        self.client.post(self.url(self.v2))
        self.assertNotContains(self.client.get("/o/alpha/"), NOTICE)

    def test_it_is_recorded_once(self):
        self.login(self.alice)
        self.client.post(self.url(self.v2))
        with time_machine.travel((NOW + 2 * DAY).timestamp(), tick=False):
            self.client.post(self.url(self.v2))
        acceptance = PolicyAcceptance.objects.get(user=self.alice)
        self.assertEqual(acceptance.accepted_at, NOW + DAY)

    def test_it_is_personal(self):
        self.login(self.alice)
        self.client.post(self.url(self.v2))
        self.login(self.bob)
        self.assertContains(self.client.get("/o/alpha/"), NOTICE)

    def test_an_outsider_acknowledges_for_himself_only(self):
        self.login(self.charlie)
        self.client.post(self.url(self.v2))
        self.assertEqual(list(PolicyAcceptance.objects.values_list("user", flat=True)), [self.charlie.pk])

    def test_it_needs_a_login(self):
        r = Client().post(self.url(self.v2))
        self.assertRedirects(r, f"/account/login/?next={self.url(self.v2)}", fetch_redirect_response=False)
        self.assertFalse(PolicyAcceptance.objects.exists())

    def test_it_needs_a_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url(self.v2)).status_code, 405)
        self.assertFalse(PolicyAcceptance.objects.exists())

    def test_a_draft_or_unknown_version_is_not_found(self):
        draft = make_version(label="3.0", published=False, significant=True)
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url(draft)).status_code, 404)
        self.assertEqual(self.client.post("/account/policies/nosuchcode/acknowledge/").status_code, 404)
        self.assertFalse(PolicyAcceptance.objects.exists())

    def test_it_does_not_redirect_off_the_site(self):
        self.login(self.alice)
        r = self.client.post(self.url(self.v2), {"next": "https://evil.example/"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
