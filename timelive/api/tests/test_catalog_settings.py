import datetime as dt

from timelive.orgs.models import AuditLog, Role
from timelive.tracking.models import MAX_CUSTOM_FIELDS, CustomField, CustomFieldTarget, Rate, RateKind, Tag
from timelive.tracking.tests.helpers import make_project, make_rate, make_task

from .test_catalog_clients import CatalogApiTestCase

BASE = "/api/v1/orgs/alpha"


class SettingsApiBase(CatalogApiTestCase):
    def setUp(self):
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)
        self.external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        _, self.external_secret = self.make_token(self.external)
        _, self.charlie_secret = self.make_token(self.charlie)


class TagsApiTestCase(SettingsApiBase):
    def test_it_lists_tags(self):
        for name in ("workshop", "travel", "Admin"):
            Tag.objects.create(org=self.org, name=name)
        Tag.objects.create(org=self.other_org, name="theirs")
        body = self.api_get(f"{BASE}/tags", self.bob_secret).json()
        self.assertEqual([t["name"] for t in body["items"]], ["Admin", "travel", "workshop"])
        self.assertEqual(self.api_get(f"{BASE}/tags", self.bob_secret, q="WORK").json()["count"], 1)

    def test_it_keeps_the_query_count_flat(self):
        self.api_get(f"{BASE}/tags", self.bob_secret)
        with self.assertNumQueries(4):
            self.api_get(f"{BASE}/tags", self.bob_secret)
        for i in range(10):
            Tag.objects.create(org=self.org, name=f"t{i}")
        with self.assertNumQueries(4):
            self.api_get(f"{BASE}/tags", self.bob_secret)

    def test_members_create_tags_unless_they_are_managed(self):
        r = self.post(self.bob_secret, f"{BASE}/tags", {"name": "  deep   work "})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["name"], "deep work")
        self.assertError(self.post(self.bob_secret, f"{BASE}/tags", {"name": "Deep Work"}), 422, "invalid")
        self.assertError(self.post(self.bob_secret, f"{BASE}/tags", {"name": " "}), 422, "invalid")
        self.org.managed_tags = True
        self.org.save()
        self.assertError(self.post(self.bob_secret, f"{BASE}/tags", {"name": "new"}), 403, "permission_denied")
        self.assertEqual(self.post(self.alice_secret, f"{BASE}/tags", {"name": "new"}).status_code, 201)

    def test_externals_outsiders_and_read_only(self):
        self.assertError(self.api_get(f"{BASE}/tags", self.external_secret), 403, "permission_denied")
        self.assertError(self.post(self.external_secret, f"{BASE}/tags", {"name": "x"}), 403, "permission_denied")
        self.assertError(self.api_get(f"{BASE}/tags", self.charlie_secret), 404, "not_found")
        self.expire_trial()
        self.assertError(self.post(self.alice_secret, f"{BASE}/tags", {"name": "x"}), 403, "read_only")
        self.assertFalse(Tag.objects.exists())


class CustomFieldsApiTestCase(SettingsApiBase):
    def test_it_lists_fields(self):
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.PROJECT, key="po", label="PO")
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.TIME_ENTRY, key="ticket", label="Ticket")
        CustomField.objects.create(org=self.other_org, target=CustomFieldTarget.PROJECT, key="theirs", label="T")
        body = self.api_get(f"{BASE}/custom-fields", self.bob_secret).json()
        self.assertEqual([f["key"] for f in body["items"]], ["po", "ticket"])
        body = self.api_get(f"{BASE}/custom-fields", self.bob_secret, target="time_entry").json()
        self.assertEqual([f["key"] for f in body["items"]], ["ticket"])
        # token, membership, count, page
        with self.assertNumQueries(4):
            self.api_get(f"{BASE}/custom-fields", self.bob_secret)
        for i in range(10):
            CustomField.objects.create(org=self.org, target=CustomFieldTarget.MEMBER, key=f"m{i}", label="M")
        with self.assertNumQueries(4):
            self.assertEqual(self.api_get(f"{BASE}/custom-fields", self.bob_secret).json()["count"], 12)

    def test_admins_define_fields(self):
        r = self.post(self.alice_secret, f"{BASE}/custom-fields", {
            "target": "project", "key": "phase", "label": "Phase", "field_type": "choice",
            "choices": ["Build", "Run", "Build"], "required": True, "position": 2})
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual((body["choices"], body["required"], body["position"]), (["Build", "Run"], True, 2))
        self.assertEqual(AuditLog.objects.get().details["custom_field"]["new"]["key"], "phase")
        error = self.assertError(self.post(self.alice_secret, f"{BASE}/custom-fields",
                                           {"target": "project", "key": "phase", "label": "Again"}), 422, "invalid")
        self.assertEqual(error["errors"][0]["loc"], ["body", "key"])
        error = self.assertError(self.post(self.alice_secret, f"{BASE}/custom-fields",
                                           {"target": "project", "key": "p2", "label": "P", "field_type": "choice"}),
                                 422, "invalid")
        self.assertEqual(error["errors"][0]["loc"], ["body", "choices"])

    def test_the_sixteenth_field_is_refused(self):
        for i in range(MAX_CUSTOM_FIELDS):
            CustomField.objects.create(org=self.org, target=CustomFieldTarget.MEMBER, key=f"f{i}", label="F")
        error = self.assertError(self.post(self.alice_secret, f"{BASE}/custom-fields",
                                           {"target": "member", "key": "more", "label": "More"}), 422, "invalid")
        self.assertIn("already have 15 custom fields", error["detail"])

    def test_only_admins_define_fields(self):
        body = {"target": "project", "key": "x", "label": "X"}
        self.assertError(self.post(self.bob_secret, f"{BASE}/custom-fields", body), 403, "permission_denied")
        self.assertError(self.api_get(f"{BASE}/custom-fields", self.external_secret), 403, "permission_denied")
        self.assertError(self.post(self.charlie_secret, f"{BASE}/custom-fields", body), 404, "not_found")
        self.expire_trial()
        self.assertError(self.post(self.alice_secret, f"{BASE}/custom-fields", body), 403, "read_only")
        self.assertFalse(CustomField.objects.exists())


class RatesApiTestCase(SettingsApiBase):
    def setUp(self):
        super().setUp()
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")

    def test_it_lists_rates(self):
        make_rate(self.org, RateKind.BILLING, "100")
        make_rate(self.org, RateKind.COST, "40", user=self.bob, project=self.project)
        make_rate(self.other_org, RateKind.BILLING, "999")
        body = self.api_get(f"{BASE}/rates", self.alice_secret).json()
        self.assertEqual([(r["kind"], r["amount"], r["level"]) for r in body["items"]],
                         [("billing", "100.00", "organisation"), ("cost", "40.00", "project_member")])
        self.assertEqual(body["items"][1]["user"], self.bob.code)
        self.assertEqual(self.api_get(f"{BASE}/rates", self.alice_secret, kind="cost").json()["count"], 1)
        self.assertEqual(self.api_get(f"{BASE}/rates", self.alice_secret, user=self.bob.code).json()["count"], 1)
        self.assertEqual(self.api_get(f"{BASE}/rates", self.alice_secret, project=self.project.uid).json()["count"], 1)

    def test_it_keeps_the_query_count_flat(self):
        make_rate(self.org, RateKind.BILLING, "100", task=self.task, project=self.project)
        self.api_get(f"{BASE}/rates", self.alice_secret)
        with self.assertNumQueries(4):
            self.api_get(f"{BASE}/rates", self.alice_secret)
        for i in range(10):
            make_rate(self.org, RateKind.COST, "10", user=self.bob, task=make_task(self.project, f"T{i}"),
                      project=self.project)
        with self.assertNumQueries(4):
            self.api_get(f"{BASE}/rates", self.alice_secret)

    def test_it_adds_rates_at_each_level(self):
        cases = [
            ({}, "organisation"),
            ({"user": self.bob.code}, "member"),
            ({"project": self.project.uid}, "project"),
            ({"project": self.project.uid, "user": self.bob.code}, "project_member"),
            ({"task": self.task.uid}, "task"),
        ]
        for extra, level in cases:
            with self.subTest(level):
                r = self.post(self.alice_secret, f"{BASE}/rates", {"kind": "billing", "amount": "100", **extra})
                self.assertEqual(r.status_code, 201, r.content)
                self.assertEqual((r.json()["level"], r.json()["currency"]), (level, "USD"))
        self.assertEqual(Rate.objects.get(task=self.task).project, self.project)
        self.assertEqual(AuditLog.objects.count(), 5)

    def test_it_refuses_bad_rates(self):
        make_rate(self.org, RateKind.BILLING, "100", valid_from=dt.date(2026, 1, 1))
        cases = [
            ({"valid_from": "2026-06-01"}, "This overlaps the billing rate"),
            ({"kind": "cost", "valid_from": "2026-06-01", "valid_to": "2026-01-01"}, "cannot be before its start"),
            ({"task": self.task.uid, "user": self.bob.code}, "leave out the person"),
            ({"task": self.task.uid, "project": make_project(self.org, "Other").uid}, "another project"),
            ({"user": self.charlie.code}, "Select a valid choice"),
            ({"kind": "cost", "currency": "ZZZ"}, "Select a valid choice"),
            ({"amount": "-1"}, "greater than or equal to 0"),
        ]
        for extra, message in cases:
            with self.subTest(message):
                body = {"kind": "billing", "amount": "90", **extra}
                error = self.assertError(self.post(self.alice_secret, f"{BASE}/rates", body), 422, "invalid")
                self.assertIn(message, error["detail"])
        self.assertEqual(Rate.objects.count(), 1)

    def test_it_deletes_a_rate(self):
        rate = make_rate(self.org, RateKind.BILLING, "100")
        r = self.send("delete", self.alice_secret, f"{BASE}/rates/{rate.uid}")
        self.assertEqual(r.status_code, 204)
        self.assertFalse(Rate.objects.exists())
        self.assertEqual(AuditLog.objects.get().details["rate"]["old"]["amount"], "100.00")
        self.assertError(self.send("delete", self.alice_secret, f"{BASE}/rates/{rate.uid}"), 404, "not_found")

    def test_only_admins_see_and_change_rates(self):
        rate = make_rate(self.org, RateKind.BILLING, "100")
        manager, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        _, manager_secret = self.make_token(manager)
        for secret in (self.bob_secret, manager_secret, self.external_secret):
            self.assertError(self.api_get(f"{BASE}/rates", secret), 403, "permission_denied")
            self.assertError(self.post(secret, f"{BASE}/rates", {"kind": "cost", "amount": "1"}), 403, "permission_denied")
            self.assertError(self.send("delete", secret, f"{BASE}/rates/{rate.uid}"), 403, "permission_denied")
        self.assertError(self.api_get(f"{BASE}/rates", self.charlie_secret), 404, "not_found")
        self.assertError(self.send("delete", self.charlie_secret, f"/api/v1/orgs/bravo/rates/{rate.uid}"), 404,
                         "not_found")
        self.expire_trial()
        self.assertError(self.send("delete", self.alice_secret, f"{BASE}/rates/{rate.uid}"), 403, "read_only")
        self.assertTrue(Rate.objects.filter(pk=rate.pk).exists())
