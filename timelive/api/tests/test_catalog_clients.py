import datetime as dt

from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Plan, Role
from timelive.tracking.models import Client, ClientContact
from timelive.tracking.tests.helpers import make_client

URL = "/api/v1/orgs/alpha/clients"


class CatalogApiTestCase(ApiTestCase):
    def send(self, method, secret, path, body=None):
        return getattr(self.client, method)(path, body, content_type="application/json",
                                              headers={"Authorization": f"Bearer {secret}"})

    def post(self, secret, path, body):
        return self.send("post", secret, path, body)

    def patch(self, secret, path, body):
        return self.send("patch", secret, path, body)

    def expire_trial(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()


class ClientsApiTestCase(CatalogApiTestCase):
    def setUp(self):
        self.initech = make_client(self.org, "Initech", email="hello@initech.example")
        ClientContact.objects.create(client=self.initech, name="Peter", role="Engineer")
        self.initech.departments.create(name="Sales")
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)
        _, self.manager_secret = self.make_token(self.manager)

    def test_it_lists_clients_with_contacts_and_departments(self):
        make_client(self.org, "Globex", is_archived=True)
        make_client(self.other_org, "Umbrella")
        body = self.api_get(URL, self.manager_secret).json()
        self.assertEqual(body["count"], 1)
        item = body["items"][0]
        self.assertEqual((item["id"], item["name"], item["email"]), (self.initech.uid, "Initech", "hello@initech.example"))
        self.assertEqual([c["name"] for c in item["contacts"]], ["Peter"])
        self.assertEqual([d["name"] for d in item["departments"]], ["Sales"])
        archived = self.api_get(URL, self.alice_secret, archived="true").json()
        self.assertEqual([c["name"] for c in archived["items"]], ["Globex"])
        self.assertEqual(self.api_get(URL, self.alice_secret, q="INIT").json()["count"], 1)
        self.assertEqual(self.api_get(URL, self.alice_secret, q="zzz").json()["count"], 0)

    def test_it_paginates(self):
        for i in range(4):
            make_client(self.org, f"Zed {i}")
        body = self.api_get(URL, self.alice_secret, limit=2, offset=3).json()
        self.assertEqual(body["count"], 5)
        self.assertEqual([c["name"] for c in body["items"]], ["Zed 2", "Zed 3"])

    def test_it_keeps_the_query_count_flat(self):
        self.api_get(URL, self.alice_secret)
        # token, membership, count, page, contacts, departments
        with self.assertNumQueries(6):
            self.api_get(URL, self.alice_secret)
        for i in range(10):
            c = make_client(self.org, f"More {i}")
            ClientContact.objects.create(client=c, name="X")
            c.departments.create(name="D")
        with self.assertNumQueries(6):
            r = self.api_get(URL, self.alice_secret)
        self.assertEqual(r.json()["count"], 11)

    def test_it_creates_and_round_trips_a_client(self):
        r = self.post(self.manager_secret, URL, {"name": "Acme", "email": "a@acme.example", "phone": "1",
                                                 "address": "Road 1", "notes": "Good payer"})
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        client = Client.objects.get(uid=body["id"])
        self.assertEqual((client.org, client.name, client.notes), (self.org, "Acme", "Good payer"))
        self.assertEqual(self.api_get(f"{URL}/{body['id']}", self.manager_secret).json(), body)

    def test_it_refuses_bad_input(self):
        r = self.post(self.alice_secret, URL, {"name": "initech"})
        body = self.assertError(r, 422, "invalid")
        self.assertEqual(body["errors"][0]["loc"], ["body", "name"])
        self.assertIn("There is already a client called “Initech”.", body["detail"])
        body = self.assertError(self.post(self.alice_secret, URL, {"name": "X", "email": "nope"}), 422, "invalid")
        self.assertEqual(body["errors"][0]["loc"], ["body", "email"])
        self.assertError(self.post(self.alice_secret, URL, {"email": "a@b.example"}), 422, "invalid")
        self.assertError(self.post(self.alice_secret, URL, {"name": "   "}), 422, "invalid")
        self.assertError(self.post(self.alice_secret, URL, {"name": "x" * 201}), 422, "invalid")
        r = self.client.post(URL, "{nope", content_type="application/json",
                             headers={"Authorization": f"Bearer {self.alice_secret}"})
        self.assertEqual(r.status_code, 400)

    def test_it_patches_and_archives(self):
        r = self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"phone": "555"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["phone"], r.json()["name"], r.json()["email"]), ("555", "Initech", "hello@initech.example"))
        r = self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"is_archived": True})
        self.assertIs(r.json()["is_archived"], True)
        self.initech.refresh_from_db()
        self.assertTrue(self.initech.is_archived)
        r = self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"is_archived": None, "notes": "n"})
        self.assertIs(r.json()["is_archived"], True)
        self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"is_archived": False})
        self.initech.refresh_from_db()
        self.assertFalse(self.initech.is_archived)
        make_client(self.org, "Globex")
        self.assertError(self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"name": "GLOBEX"}), 422, "invalid")
        self.assertError(self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"name": None}), 422, "invalid")

    def test_members_and_externals_are_forbidden(self):
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        _, external_secret = self.make_token(external)
        for secret in (self.bob_secret, external_secret):
            self.assertError(self.api_get(URL, secret), 403, "permission_denied")
            self.assertError(self.api_get(f"{URL}/{self.initech.uid}", secret), 403, "permission_denied")
            self.assertError(self.post(secret, URL, {"name": "X"}), 403, "permission_denied")
            self.assertError(self.patch(secret, f"{URL}/{self.initech.uid}", {"is_archived": True}), 403,
                             "permission_denied")
        self.assertFalse(Client.objects.filter(name="X").exists())

    def test_outsiders_get_404(self):
        _, secret = self.make_token(self.charlie)
        self.assertError(self.api_get(URL, secret), 404, "not_found")
        self.assertError(self.api_get(f"/api/v1/orgs/bravo/clients/{self.initech.uid}", secret), 404, "not_found")
        self.assertError(self.patch(secret, f"/api/v1/orgs/bravo/clients/{self.initech.uid}", {"name": "Mine"}), 404,
                         "not_found")
        self.assertError(self.api_get(f"{URL}/NOT-AN-ID", self.alice_secret), 422, "invalid")
        self.assertError(self.api_get(f"{URL}/zzzz", self.alice_secret), 404, "not_found")

    def test_a_read_only_organisation_refuses_changes(self):
        self.expire_trial()
        self.assertEqual(self.api_get(URL, self.alice_secret).status_code, 200)
        self.assertError(self.post(self.alice_secret, URL, {"name": "X"}), 403, "read_only")
        self.assertError(self.patch(self.alice_secret, f"{URL}/{self.initech.uid}", {"name": "Y"}), 403, "read_only")
