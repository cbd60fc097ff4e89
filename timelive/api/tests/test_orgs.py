from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Membership, Role
from timelive.test import make_org


class OrgsTestCase(ApiTestCase):
    def test_it_lists_my_organisations(self):
        _, secret = self.make_token(self.alice)
        r = self.api_get("/api/v1/orgs", secret)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 1)
        org = body["items"][0]
        self.assertEqual(org["slug"], "alpha")
        self.assertEqual(org["name"], "Alpha Ltd")
        self.assertEqual(org["role"], "owner")
        self.assertIs(org["read_only"], False)

    def test_it_shows_my_role(self):
        _, secret = self.make_token(self.bob)
        self.assertEqual(self.api_get("/api/v1/orgs", secret).json()["items"][0]["role"], "member")

    def test_it_leaves_out_other_and_former_organisations(self):
        Membership.objects.create(org=self.other_org, user=self.bob, role=Role.MEMBER, is_active=False)
        _, secret = self.make_token(self.bob)
        body = self.api_get("/api/v1/orgs", secret).json()
        self.assertEqual([o["slug"] for o in body["items"]], ["alpha"])
        self.assertEqual(body["count"], 1)

    def test_it_lists_only_the_organisation_a_token_is_limited_to(self):
        Membership.objects.create(org=self.other_org, user=self.alice, role=Role.MEMBER)
        _, everywhere = self.make_token(self.alice)
        _, limited = self.make_token(self.alice, org=self.other_org)
        self.assertEqual(self.api_get("/api/v1/orgs", everywhere).json()["count"], 2)
        body = self.api_get("/api/v1/orgs", limited).json()
        self.assertEqual([o["slug"] for o in body["items"]], ["bravo"])
        self.assertEqual(body["count"], 1)

    def test_it_paginates(self):
        for i in range(4):
            make_org(f"org-{i}", f"Org {i}", self.alice)
        _, secret = self.make_token(self.alice)
        body = self.api_get("/api/v1/orgs", secret, limit=2, offset=1).json()
        # Ordered by name: Alpha Ltd, Org 0, Org 1, Org 2, Org 3.
        self.assertEqual([o["slug"] for o in body["items"]], ["org-0", "org-1"])
        self.assertEqual(body["count"], 5)
        body = self.api_get("/api/v1/orgs", secret, limit=2, offset=4).json()
        self.assertEqual([o["slug"] for o in body["items"]], ["org-3"])
        self.assertEqual(self.api_get("/api/v1/orgs", secret, offset=50).json(), {"items": [], "count": 5})

    def test_it_rejects_an_invalid_limit(self):
        _, secret = self.make_token(self.alice)
        for params in [{"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"offset": -1}]:
            body = self.assertError(self.api_get("/api/v1/orgs", secret, **params), 422, "invalid")
            self.assertEqual(body["errors"][0]["loc"][0], "query")

    def test_it_requires_credentials(self):
        self.assertError(self.api_get("/api/v1/orgs"), 401, "not_authenticated")

    def test_it_rejects_a_revoked_token(self):
        _, secret = self.make_token(self.alice, revoked_at=timezone.now())
        self.assertError(self.api_get("/api/v1/orgs", secret), 401, "not_authenticated")

    def test_it_keeps_the_query_count_flat(self):
        _, secret = self.make_token(self.alice)
        self.api_get("/api/v1/orgs", secret)  # records last use, so later calls do not write

        # token, count, page
        with self.assertNumQueries(3):
            self.assertEqual(self.api_get("/api/v1/orgs", secret).json()["count"], 1)
        for i in range(5):
            make_org(f"org-{i}", f"Org {i}", self.alice)
        with self.assertNumQueries(3):
            self.assertEqual(len(self.api_get("/api/v1/orgs", secret).json()["items"]), 6)
