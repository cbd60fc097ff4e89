import datetime as dt

from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Membership, Plan, Role


class OrgDetailTestCase(ApiTestCase):
    def test_it_shows_an_organisation(self):
        _, secret = self.make_token(self.bob)
        r = self.api_get("/api/v1/orgs/alpha", secret)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["slug"], "alpha")
        self.assertEqual(body["role"], "member")
        self.assertEqual(body["plan"], "subscribed")
        self.assertIsNone(body["trial_ends_at"])

    def test_it_says_when_a_trial_has_ended(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        _, secret = self.make_token(self.bob)
        body = self.api_get("/api/v1/orgs/alpha", secret).json()
        self.assertEqual(body["plan"], "trial")
        self.assertIs(body["read_only"], True)

    def test_it_hides_an_organisation_from_an_outsider(self):
        _, secret = self.make_token(self.charlie)
        self.assertError(self.api_get("/api/v1/orgs/alpha", secret), 404, "not_found")

    def test_it_answers_a_missing_organisation_like_a_foreign_one(self):
        _, secret = self.make_token(self.charlie)
        missing = self.api_get("/api/v1/orgs/no-such-org", secret)
        self.assertError(missing, 404, "not_found")
        self.assertEqual(missing.json(), self.api_get("/api/v1/orgs/alpha", secret).json())

    def test_it_hides_an_organisation_from_a_former_member(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        _, secret = self.make_token(self.bob)
        self.assertError(self.api_get("/api/v1/orgs/alpha", secret), 404, "not_found")

    def test_it_hides_other_organisations_from_a_limited_token(self):
        Membership.objects.create(org=self.other_org, user=self.alice, role=Role.MEMBER)
        _, secret = self.make_token(self.alice, org=self.other_org)
        self.assertError(self.api_get("/api/v1/orgs/alpha", secret), 404, "not_found")
        self.assertEqual(self.api_get("/api/v1/orgs/bravo", secret).status_code, 200)

    def test_it_rejects_a_malformed_slug(self):
        _, secret = self.make_token(self.alice)
        for slug in ["a%20b", "x" * 51]:
            self.assertError(self.api_get(f"/api/v1/orgs/{slug}", secret), 422, "invalid")
        # A NUL in any path is refused before routing (timelive.lib.middleware): there is no such resource.
        self.assertError(self.api_get("/api/v1/orgs/a%00b", secret), 404, "not_found")

    def test_it_requires_credentials(self):
        self.assertError(self.api_get("/api/v1/orgs/alpha"), 401, "not_authenticated")

    def test_it_rejects_an_expired_token(self):
        _, secret = self.make_token(self.alice, expires_at=timezone.now() - dt.timedelta(minutes=1))
        self.assertError(self.api_get("/api/v1/orgs/alpha", secret), 401, "not_authenticated")
