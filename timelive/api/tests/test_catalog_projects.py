from decimal import Decimal

from timelive.orgs.models import Role
from timelive.tracking.models import CustomField, CustomFieldTarget, Project, ProjectMember, ProjectStatus
from timelive.tracking.tests.helpers import make_client, make_project

from .test_catalog_clients import CatalogApiTestCase

URL = "/api/v1/orgs/alpha/projects"


class ProjectsApiTestCase(CatalogApiTestCase):
    def setUp(self):
        self.initech = make_client(self.org, "Initech")
        self.project = make_project(self.org, "Website", code="WEB-1", client=self.initech, project_manager=self.alice)
        ProjectMember.objects.create(project=self.project, user=self.bob)
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)
        _, self.manager_secret = self.make_token(self.manager)

    def test_it_lists_projects_in_the_contract_shape(self):
        body = self.api_get(URL, self.bob_secret).json()
        self.assertEqual(body["count"], 1)
        item = body["items"][0]
        self.assertEqual({k: item[k] for k in ("id", "name", "code", "client", "billing_type", "status")}, {
            "id": self.project.uid, "name": "Website", "code": "WEB-1", "client": self.initech.uid,
            "billing_type": "hourly", "status": "active"})
        self.assertEqual((item["project_manager"], item["members"]), (self.alice.code, [self.bob.code]))

    def test_it_lists_only_what_one_may_see_and_filters(self):
        secret = make_project(self.org, "Secret", is_public=False)
        make_project(self.org, "Old", status=ProjectStatus.ARCHIVED, code="OLD")
        make_project(self.other_org, "Theirs")
        names = lambda secret_, **q: [p["name"] for p in self.api_get(URL, secret_, **q).json()["items"]]  # noqa: E731
        self.assertEqual(names(self.bob_secret), ["Old", "Website"])
        self.assertEqual(names(self.alice_secret), ["Old", "Secret", "Website"])
        self.assertEqual(names(self.alice_secret, status="archived"), ["Old"])
        self.assertEqual(names(self.alice_secret, client=self.initech.uid), ["Website"])
        self.assertEqual(names(self.alice_secret, q="old"), ["Old"])
        self.assertError(self.api_get(URL, self.alice_secret, status="gone"), 422, "invalid")
        self.assertError(self.api_get(f"{URL}/{secret.uid}", self.bob_secret), 404, "not_found")

    def test_it_keeps_the_query_count_flat(self):
        self.api_get(URL, self.bob_secret)
        # token, membership, count, page, members
        with self.assertNumQueries(5):
            self.api_get(URL, self.bob_secret)
        for i in range(10):
            p = make_project(self.org, f"P{i}", client=make_client(self.org, f"C{i}"), project_manager=self.alice,
                             team_lead=self.manager)
            ProjectMember.objects.create(project=p, user=self.bob)
        with self.assertNumQueries(5):
            r = self.api_get(URL, self.bob_secret)
        self.assertEqual(r.json()["count"], 11)

    def test_it_creates_a_project_with_every_field(self):
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.PROJECT, key="po", label="PO", required=True)
        department = self.initech.departments.create(name="Sales")
        r = self.post(self.alice_secret, URL, {
            "name": "Intranet", "code": "INT-1", "client": self.initech.uid, "department": department.uid,
            "billing_type": "fixed_fee", "status": "on_hold", "description": "New intranet",
            "project_manager": self.manager.code, "team_lead": self.bob.code, "members": [self.bob.code],
            "is_public": False, "is_template": True, "estimated_hours": "100.5", "estimated_cost": 5000,
            "fixed_cost": "7500.00", "start_date": "2026-01-05", "deadline": "2026-03-31", "custom_fields": {"po": 42},
        })
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        project = Project.objects.get(uid=body["id"])
        self.assertEqual((project.department, project.status, project.is_public), (department, "on_hold", False))
        self.assertEqual(project.fixed_cost, Decimal("7500"))
        self.assertEqual(project.custom_fields, {"po": "42"})
        self.assertEqual(body["members"], [self.bob.code])
        self.assertEqual(body["deadline"], "2026-03-31")
        self.assertEqual(self.api_get(f"{URL}/{body['id']}", self.alice_secret).json(), body)

    def test_defaults_are_the_models(self):
        r = self.post(self.alice_secret, URL, {"name": "Plain"})
        body = r.json()
        self.assertEqual((body["status"], body["billing_type"], body["is_public"], body["code"]),
                         ("active", "hourly", True, ""))

    def test_it_refuses_bad_input(self):
        other = make_client(self.other_org, "Theirs")
        cases = [
            ({"name": "A", "code": "web-1"}, "code"),
            ({"name": "A", "client": other.uid}, "client"),
            ({"name": "A", "project_manager": self.charlie.code}, "project_manager"),
            ({"name": "A", "members": [self.charlie.code]}, "members"),
            ({"name": "A", "start_date": "2026-02-01", "deadline": "2026-01-01"}, "deadline"),
            ({"name": "A", "custom_fields": {"nope": "x"}}, "custom_fields"),
            ({"name": "A", "estimated_hours": "-1"}, "estimated_hours"),
            ({"name": "A", "billing_type": "free"}, "billing_type"),
            ({"code": "X"}, "name"),
        ]
        for body, field in cases:
            with self.subTest(field):
                error = self.assertError(self.post(self.alice_secret, URL, body), 422, "invalid")
                self.assertIn(field, error["errors"][0]["loc"])
        self.assertEqual(Project.objects.filter(org=self.org).count(), 1)

    def test_managers_create_projects_they_manage(self):
        r = self.post(self.manager_secret, URL, {"name": "Mine"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["project_manager"], self.manager.code)
        r = self.patch(self.manager_secret, f"{URL}/{r.json()['id']}", {"status": "completed"})
        self.assertEqual(r.json()["status"], "completed")

    def test_it_patches_and_archives(self):
        r = self.patch(self.alice_secret, f"{URL}/{self.project.uid}", {"name": "Website v2", "members": []})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["name"], r.json()["code"], r.json()["members"]), ("Website v2", "WEB-1", []))
        r = self.patch(self.alice_secret, f"{URL}/{self.project.uid}", {"status": "archived", "client": None})
        self.project.refresh_from_db()
        self.assertEqual((self.project.status, self.project.client), (ProjectStatus.ARCHIVED, None))

    def test_who_may_change_a_project(self):
        self.assertError(self.post(self.bob_secret, URL, {"name": "X"}), 403, "permission_denied")
        self.assertError(self.patch(self.bob_secret, f"{URL}/{self.project.uid}", {"name": "X"}), 403,
                         "permission_denied")
        self.assertError(self.patch(self.manager_secret, f"{URL}/{self.project.uid}", {"name": "X"}), 403,
                         "permission_denied")
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        _, external_secret = self.make_token(external)
        self.assertError(self.api_get(URL, external_secret), 403, "permission_denied")
        self.assertError(self.api_get(f"{URL}/{self.project.uid}", external_secret), 403, "permission_denied")
        _, charlie_secret = self.make_token(self.charlie)
        self.assertError(self.api_get(URL, charlie_secret), 404, "not_found")
        self.assertError(self.patch(charlie_secret, f"/api/v1/orgs/bravo/projects/{self.project.uid}", {"name": "X"}),
                         404, "not_found")
        self.project.refresh_from_db()
        self.assertEqual(self.project.name, "Website")

    def test_a_read_only_organisation_refuses_changes(self):
        self.expire_trial()
        self.assertError(self.post(self.alice_secret, URL, {"name": "X"}), 403, "read_only")
        self.assertError(self.patch(self.alice_secret, f"{URL}/{self.project.uid}", {"name": "X"}), 403, "read_only")
        self.assertEqual(self.api_get(f"{URL}/{self.project.uid}", self.alice_secret).status_code, 200)
