from decimal import Decimal

from timelive.orgs.models import Role
from timelive.tracking.models import Milestone, ProjectMember, Task, TaskStatus
from timelive.tracking.tests.helpers import make_project, make_task

from .test_catalog_clients import CatalogApiTestCase

URL = "/api/v1/orgs/alpha/tasks"


class TasksApiTestCase(CatalogApiTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.milestone = Milestone.objects.create(project=self.project, name="Beta")
        self.design = make_task(self.project, "Design")
        self.build = make_task(self.project, "Build", status=TaskStatus.IN_PROGRESS)
        self.build.assignees.add(self.bob)
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)
        _, self.manager_secret = self.make_token(self.manager)

    def test_it_lists_and_filters_tasks(self):
        hidden = make_project(self.org, "Secret", is_public=False)
        make_task(hidden, "Hidden")
        make_task(make_project(self.other_org, "Theirs"), "Theirs")
        names = lambda secret, **q: [t["name"] for t in self.api_get(URL, secret, **q).json()["items"]]  # noqa: E731
        self.assertEqual(names(self.bob_secret), ["Build", "Design"])
        self.assertEqual(names(self.alice_secret), ["Hidden", "Build", "Design"])
        self.assertEqual(names(self.bob_secret, project=self.project.uid, status="in_progress"), ["Build"])
        self.assertEqual(names(self.bob_secret, assignee="me"), ["Build"])
        self.assertEqual(names(self.alice_secret, assignee=self.bob.code), ["Build"])
        body = self.api_get(URL, self.bob_secret, status="in_progress").json()
        self.assertEqual(body["items"][0]["assignees"], [self.bob.code])
        self.assertEqual(body["items"][0]["project"], self.project.uid)
        self.assertError(self.api_get(URL, self.bob_secret, status="nope"), 422, "invalid")

    def test_it_keeps_the_query_count_flat(self):
        self.api_get(URL, self.bob_secret)
        # token, membership, count, page, assignees
        with self.assertNumQueries(5):
            self.api_get(URL, self.bob_secret)
        for i in range(10):
            make_task(self.project, f"T{i}", parent=self.design, milestone=self.milestone).assignees.add(self.bob)
        with self.assertNumQueries(5):
            r = self.api_get(URL, self.bob_secret)
        self.assertEqual(r.json()["count"], 12)

    def test_it_creates_and_round_trips_a_task(self):
        r = self.post(self.alice_secret, URL, {
            "project": self.project.uid, "name": "Test", "description": "All", "parent": self.design.uid,
            "milestone": self.milestone.uid, "assignees": [self.bob.code, self.manager.code], "status": "todo",
            "priority": "high", "estimated_hours": 4.5, "due_date": "2026-12-01",
        })
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        task = Task.objects.get(uid=body["id"])
        self.assertEqual((task.org, task.project, task.parent, task.milestone), (self.org, self.project, self.design,
                                                                                  self.milestone))
        self.assertEqual(task.estimated_hours, Decimal("4.5"))
        self.assertEqual(body["assignees"], sorted([self.bob.code, self.manager.code]))
        self.assertEqual(self.api_get(f"{URL}/{body['id']}", self.alice_secret).json(), body)

    def test_it_refuses_bad_input(self):
        other = make_project(self.org, "Other")
        foreign = make_task(other, "Foreign")
        cases = [
            ({"project": "zzzz", "name": "A"}, "project"),
            ({"project": self.project.uid, "name": "A", "parent": foreign.uid}, "parent"),
            ({"project": self.project.uid, "name": "A", "assignees": [self.charlie.code]}, "assignees"),
            ({"project": self.project.uid, "name": ""}, "name"),
            ({"project": self.project.uid}, "name"),
        ]
        for body, field in cases:
            with self.subTest(field):
                error = self.assertError(self.post(self.alice_secret, URL, body), 422, "invalid")
                self.assertIn(field, error["errors"][0]["loc"])
        child = make_task(self.project, "Child", parent=self.design)
        error = self.assertError(self.patch(self.alice_secret, f"{URL}/{self.design.uid}", {"parent": child.uid}), 422,
                                 "invalid")
        self.assertIn("Child is a subtask of this task", error["detail"])

    def test_it_patches_a_task(self):
        r = self.patch(self.alice_secret, f"{URL}/{self.build.uid}", {"status": "done", "assignees": [self.alice.code]})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["status"], r.json()["assignees"], r.json()["name"]), ("done", [self.alice.code], "Build"))
        r = self.patch(self.alice_secret, f"{URL}/{self.build.uid}", {"status": "archived"})
        self.build.refresh_from_db()
        self.assertEqual(self.build.status, TaskStatus.ARCHIVED)

    def test_assignees_may_change_the_status_only(self):
        r = self.patch(self.bob_secret, f"{URL}/{self.build.uid}", {"status": "done"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertError(self.patch(self.bob_secret, f"{URL}/{self.build.uid}", {"name": "Mine"}), 403,
                         "permission_denied")
        self.assertError(self.patch(self.bob_secret, f"{URL}/{self.design.uid}", {"status": "done"}), 403,
                         "permission_denied")

    def test_who_may_create_tasks(self):
        body = {"project": self.project.uid, "name": "X"}
        self.assertError(self.post(self.bob_secret, URL, body), 403, "permission_denied")
        self.assertError(self.post(self.manager_secret, URL, body), 403, "permission_denied")
        self.project.team_lead = self.manager
        self.project.save()
        self.assertEqual(self.post(self.manager_secret, URL, body).status_code, 201)
        # A project one cannot see is as good as unknown.
        hidden = make_project(self.org, "Secret", is_public=False)
        error = self.assertError(self.post(self.bob_secret, URL, {"project": hidden.uid, "name": "X"}), 422, "invalid")
        self.assertIn("project", error["errors"][0]["loc"])
        ProjectMember.objects.create(project=hidden, user=self.bob)
        self.assertError(self.post(self.bob_secret, URL, {"project": hidden.uid, "name": "X"}), 403, "permission_denied")

    def test_externals_and_outsiders(self):
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        _, external_secret = self.make_token(external)
        self.assertError(self.api_get(URL, external_secret), 403, "permission_denied")
        self.assertError(self.api_get(f"{URL}/{self.design.uid}", external_secret), 403, "permission_denied")
        _, charlie_secret = self.make_token(self.charlie)
        self.assertError(self.api_get(URL, charlie_secret), 404, "not_found")
        self.assertError(self.api_get(f"/api/v1/orgs/bravo/tasks/{self.design.uid}", charlie_secret), 404, "not_found")
        error = self.assertError(self.post(charlie_secret, "/api/v1/orgs/bravo/tasks",
                                           {"project": self.project.uid, "name": "X"}), 422, "invalid")
        self.assertIn("project", error["errors"][0]["loc"])

    def test_a_read_only_organisation_refuses_changes(self):
        self.expire_trial()
        self.assertError(self.post(self.alice_secret, URL, {"project": self.project.uid, "name": "X"}), 403, "read_only")
        self.assertError(self.patch(self.alice_secret, f"{URL}/{self.design.uid}", {"status": "done"}), 403, "read_only")
