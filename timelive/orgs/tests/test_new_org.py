from django.test import override_settings

from timelive.orgs.models import AuditLog, Membership, Organization, Plan, Role
from timelive.test import BaseTestCase

URL = "/orgs/new/"


@override_settings(TIMELIVE_EDITION="cloud")
class NewOrgTestCase(BaseTestCase):
    def test_it_shows_the_form(self):
        self.login(self.bob)
        self.assertContains(self.client.get(URL), "New organisation")

    def test_it_creates_an_organisation_on_a_trial_owned_by_the_creator(self):
        self.login(self.bob)
        r = self.client.post(URL, {"name": "Bob's Side Gig", "time_zone": "Europe/Lisbon", "currency": "EUR"})
        org = Organization.objects.get(name="Bob's Side Gig")
        self.assertRedirects(r, f"/o/{org.slug}/", fetch_redirect_response=False)
        self.assertEqual(org.slug, "bobs-side-gig")
        self.assertEqual((org.time_zone, org.currency, org.plan), ("Europe/Lisbon", "EUR", Plan.TRIAL))
        self.assertIsNotNone(org.trial_ends_at)
        self.assertEqual(Membership.objects.get(org=org).role, Role.OWNER)
        self.assertEqual(AuditLog.objects.filter(org=org, actor=self.bob).count(), 2)
        # Still a member of alpha, too.
        self.assertEqual(self.client.get("/o/alpha/").status_code, 200)

    def test_it_makes_slugs_unique_and_avoids_reserved_ones(self):
        self.login(self.bob)
        self.client.post(URL, {"name": "Alpha", "time_zone": "UTC", "currency": "USD"})
        self.client.post(URL, {"name": "Setup", "time_zone": "UTC", "currency": "USD"})
        self.client.post(URL, {"name": "!!!", "time_zone": "UTC", "currency": "USD"})
        slugs = set(Organization.objects.exclude(pk__in=[self.org.pk, self.other_org.pk]).values_list("slug", flat=True))
        self.assertEqual(len(slugs), 3)
        self.assertIn("setup-org", slugs)
        self.assertIn("org", slugs)
        self.assertNotIn("alpha", slugs)

    def test_it_keeps_the_input_when_invalid(self):
        self.login(self.bob)
        r = self.client.post(URL, {"name": "", "time_zone": "Europe/Lisbon", "currency": "XXX"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")
        self.assertContains(r, '<option value="Europe/Lisbon" selected>')
        self.assertEqual(Organization.objects.count(), 2)

    def test_it_sends_anonymous_visitors_to_login(self):
        r = self.client.get(URL)
        self.assertRedirects(r, f"/account/login/?next={URL}", fetch_redirect_response=False)

    @override_settings(TIMELIVE_EDITION="onprem")
    def test_it_is_404_on_premises(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(URL, {"name": "Second", "time_zone": "UTC", "currency": "USD"}).status_code, 404)
        self.assertEqual(Organization.objects.count(), 2)
        # Nor is it offered.
        self.assertNotContains(self.client.get("/o/alpha/"), URL)
