"""A private project's and task's names stay with its members: a non-member
who guesses their ids gets "no such project", on pages and in the API."""

import datetime as dt

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Role
from timelive.tracking.models import ProjectMember, TimeEntry

from .helpers import make_project, make_task

MONDAY = dt.date(2026, 11, 23)
SECRET_NAMES = ("Project Nightjar", "Acquisition talks")


class PrivateProjectNamesTestCase(ApiTestCase):
    def setUp(self):
        self.private = make_project(self.org, "Project Nightjar", is_public=False)
        self.secret_task = make_task(self.private, "Acquisition talks")
        self.public = make_project(self.org, "Website")
        _, self.bob_secret = self.make_token(self.bob)

    def assertNamesNothing(self, response):
        for name in SECRET_NAMES:
            self.assertNotContains(response, name, status_code=response.status_code)

    def test_the_week_page_adds_no_row_for_a_non_member(self):
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/timesheet/{MONDAY}/", {"add": f"{self.private.uid}:{self.secret_task.uid}"})
        self.assertEqual(r.context["grid"].rows, [])
        self.assertNamesNothing(r)

    def test_the_row_fragment_says_no_such_project(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/timesheet/row/",
                            {"week": MONDAY.isoformat(), "new": f"{self.private.uid}:{self.secret_task.uid}"})
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "No such project.", status_code=422)
        self.assertNamesNothing(r)

    def test_a_member_still_gets_the_row(self):
        ProjectMember.objects.create(project=self.private, user=self.bob)
        self.login(self.bob)
        r = self.client.get("/o/alpha/timesheet/row/",
                            {"week": MONDAY.isoformat(), "new": f"{self.private.uid}:{self.secret_task.uid}"})
        self.assertContains(r, "Project Nightjar · Acquisition talks")

    def test_a_cell_on_a_private_project_is_404(self):
        self.login(self.bob)
        r = self.client.post("/o/alpha/timesheet/cell/", {"project": self.private.uid, "task": self.secret_task.uid,
                                                          "date": MONDAY.isoformat(), "value": "1:00"})
        self.assertEqual(r.status_code, 404)
        self.assertFalse(TimeEntry.objects.exists())

    def test_the_api_does_not_name_the_project(self):
        r = self.client.post("/api/v1/orgs/alpha/time-entries",
                             {"project": self.private.uid, "date": "2026-11-24", "duration": 3600},
                             content_type="application/json", headers={"Authorization": f"Bearer {self.bob_secret}"})
        self.assertIn(r.status_code, (404, 422))
        self.assertNamesNothing(r)
        self.assertFalse(TimeEntry.objects.exists())

    def test_the_api_does_not_name_a_private_task(self):
        r = self.client.post("/api/v1/orgs/alpha/time-entries",
                             {"project": self.public.uid, "task": self.secret_task.uid, "date": "2026-11-24",
                              "duration": 3600},
                             content_type="application/json", headers={"Authorization": f"Bearer {self.bob_secret}"})
        self.assertIn(r.status_code, (404, 422))
        self.assertNamesNothing(r)

    def test_a_manager_of_it_is_still_told_they_are_not_a_member(self):
        maria, _ = self.add_member("maria@example.org", "Maria Manager", role=Role.MANAGER)
        self.private.project_manager = maria
        self.private.save()
        _, secret = self.make_token(maria)
        r = self.client.post("/api/v1/orgs/alpha/time-entries",
                             {"project": self.private.uid, "date": "2026-11-24", "duration": 3600},
                             content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
        self.assertContains(r, "You are not a member of Project Nightjar.", status_code=422)

    def test_an_outsider_gets_404_and_an_external_403(self):
        self.login(self.charlie)
        r = self.client.get("/o/alpha/timesheet/row/", {"week": MONDAY.isoformat(), "add": f"{self.private.uid}:"})
        self.assertEqual(r.status_code, 404)
        external, _ = self.add_member("erin@client.example", "Erin External", role=Role.EXTERNAL)
        self.login(external)
        r = self.client.get("/o/alpha/timesheet/row/", {"week": MONDAY.isoformat(), "add": f"{self.private.uid}:"})
        self.assertEqual(r.status_code, 403)
