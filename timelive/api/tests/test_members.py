from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Membership, Role


class MembersTestCase(ApiTestCase):
    def test_it_lists_members(self):
        _, secret = self.make_token(self.bob)
        r = self.api_get("/api/v1/orgs/alpha/members", secret)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([m["full_name"] for m in body["items"]], ["Alice Example", "Bob Example"])
        alice = body["items"][0]
        self.assertEqual(alice["id"], self.alice_membership.code)
        self.assertEqual(alice["user"], self.alice.code)
        self.assertEqual(alice["role"], "owner")
        self.assertIs(alice["is_active"], True)

    def test_it_leaves_out_former_members(self):
        _, membership = self.add_member("erik@example.org", "Erik Left")
        membership.is_active = False
        membership.save()
        _, secret = self.make_token(self.alice)
        body = self.api_get("/api/v1/orgs/alpha/members", secret).json()
        self.assertEqual(body["count"], 2)

    def test_it_paginates(self):
        for i in range(5):
            self.add_member(f"p{i}@example.org", f"Person {i}")
        _, secret = self.make_token(self.alice)
        body = self.api_get("/api/v1/orgs/alpha/members", secret, limit=3, offset=2).json()
        self.assertEqual(body["count"], 7)
        self.assertEqual([m["full_name"] for m in body["items"]], ["Person 0", "Person 1", "Person 2"])

    def test_it_rejects_an_invalid_limit(self):
        _, secret = self.make_token(self.alice)
        body = self.assertError(self.api_get("/api/v1/orgs/alpha/members", secret, limit=1000), 422, "invalid")
        self.assertIn("limit", body["detail"])
        self.assertEqual(body["errors"][0]["loc"], ["query", "limit"])

    def test_it_hides_members_from_an_outsider(self):
        _, secret = self.make_token(self.charlie)
        self.assertError(self.api_get("/api/v1/orgs/alpha/members", secret), 404, "not_found")

    def test_it_forbids_external_members(self):
        erin, _ = self.add_member("erin@client.example", "Erin External", role=Role.EXTERNAL)
        _, secret = self.make_token(erin)
        self.assertError(self.api_get("/api/v1/orgs/alpha/members", secret), 403, "permission_denied")

    def test_it_hides_members_from_a_token_limited_to_another_organisation(self):
        Membership.objects.create(org=self.other_org, user=self.alice, role=Role.MEMBER)
        _, secret = self.make_token(self.alice, org=self.other_org)
        self.assertError(self.api_get("/api/v1/orgs/alpha/members", secret), 404, "not_found")
        self.assertEqual(self.api_get("/api/v1/orgs/bravo/members", secret).status_code, 200)

    def test_it_requires_credentials(self):
        self.assertError(self.api_get("/api/v1/orgs/alpha/members"), 401, "not_authenticated")

    def test_it_rejects_a_revoked_token(self):
        _, secret = self.make_token(self.alice, revoked_at=timezone.now())
        self.assertError(self.api_get("/api/v1/orgs/alpha/members", secret), 401, "not_authenticated")

    def test_it_keeps_the_query_count_flat(self):
        _, secret = self.make_token(self.alice)
        self.api_get("/api/v1/me", secret)  # records last use, so later calls do not write

        # token, membership, count, page
        with self.assertNumQueries(4):
            self.assertEqual(self.api_get("/api/v1/orgs/alpha/members", secret).json()["count"], 2)
        for i in range(10):
            self.add_member(f"p{i}@example.org", f"Person {i}")
        with self.assertNumQueries(4):
            self.assertEqual(len(self.api_get("/api/v1/orgs/alpha/members", secret).json()["items"]), 12)
