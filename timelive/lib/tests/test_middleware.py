"""Text input never carries a NUL character (PostgreSQL cannot store one; SQLite would):
refused with 400 in the pages, 422 `invalid` in the API, and 404 in a path. And pages of
days at the calendar's ends answer 404, not 500."""

import json

from timelive.api.test import ApiTestCase
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project

API = "/api/v1/orgs/alpha"
MESSAGE = "cannot contain a NUL character"


class NulCharacterTestCase(ApiTestCase):
    def setUp(self):
        self.project = make_project(self.org)
        self.entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project,
                                              date="2026-03-02", duration=60)
        self.login(self.bob)
        _, self.secret = self.make_token(self.bob)

    def send(self, method, path, body):
        return self.client.generic(method, path, json.dumps(body), content_type="application/json",
                                   headers={"Authorization": f"Bearer {self.secret}"})

    def test_pages_refuse_it_in_forms_and_filters(self):
        r = self.client.post("/o/alpha/day/2026-03-02/", {"project_task": f"{self.project.uid}:",
                                                          "date": "2026-03-02", "duration": "1:00",
                                                          "description": "a\x00b", "tags": "x"})
        self.assertContains(r, MESSAGE, status_code=400)
        r = self.client.post("/o/alpha/day/2026-03-02/", {"project_task": f"{self.project.uid}:",
                                                          "date": "2026-03-02", "duration": "1:00", "tags": "t\x00"})
        self.assertContains(r, MESSAGE, status_code=400)
        r = self.client.post("/o/alpha/timesheet/cell/", {"project": self.project.uid, "date": "2026-03-02",
                                                          "value": "1\x00", "signature": "0.0.0.0"})
        self.assertContains(r, MESSAGE, status_code=400)
        self.assertContains(self.client.get("/o/alpha/expenses/", {"who": "\x00"}), MESSAGE, status_code=400)
        self.assertContains(self.client.get("/o/alpha/timesheet/2026-03-02/", {"add": "\x00:"}), MESSAGE,
                            status_code=400)
        self.assertEqual(TimeEntry.objects.count(), 1)

    def test_a_path_id_with_it_is_not_found(self):
        self.assertEqual(self.client.get(f"/o/alpha/entries/{self.entry.uid}%00/").status_code, 404)
        self.assertEqual(self.client.get("/o/alp%00ha/").status_code, 404)
        self.assertEqual(self.client.get("/o/alpha/day/2026-03-02%00/").status_code, 404)
        r = self.client.get(f"{API}/time-entries/{self.entry.uid}%00", headers={"Authorization": f"Bearer {self.secret}"})
        self.assertError(r, 404, "not_found")

    def test_the_api_refuses_it_with_422(self):
        r = self.send("POST", f"{API}/time-entries", {"project": self.project.uid, "date": "2026-03-03",
                                                      "duration": 60, "description": "a\u0000b"})
        body = self.assertError(r, 422, "invalid")
        self.assertIn(MESSAGE, body["detail"])
        self.assertEqual(body["errors"][0]["loc"], ["body", "description"])
        r = self.send("POST", f"{API}/time-entries", {"project": self.project.uid, "date": "2026-03-03",
                                                      "duration": 60, "tags": ["ok", "t\u0000"]})
        self.assertEqual(self.assertError(r, 422, "invalid")["errors"][0]["loc"], ["body", "tags", 1])
        r = self.send("PATCH", f"{API}/time-entries/{self.entry.uid}", {"description": "\u0000"})
        self.assertError(r, 422, "invalid")
        r = self.send("POST", f"{API}/time-entries/bulk", {"items": [
            {"key": "k\u0000", "project": self.project.uid, "date": "2026-03-03", "duration": 60}]})
        self.assertError(r, 422, "invalid")
        r = self.api_get(f"{API}/time-entries", self.secret, tags="a\x00")
        self.assertIn(MESSAGE, self.assertError(r, 422, "invalid")["detail"])
        self.assertEqual(TimeEntry.objects.count(), 1)
        self.assertEqual(TimeEntry.objects.get().description, "")


class EdgeDayPagesTestCase(ApiTestCase):
    def test_days_at_the_calendars_ends_are_not_found(self):
        self.login(self.bob)
        for path in ("day/0001-01-01/", "day/9999-12-31/", "timesheet/0001-01-01/", "timesheet/9999-12-27/",
                     "day/1989-12-31/", "timesheet/2201-01-05/"):
            self.assertEqual(self.client.get(f"/o/alpha/{path}").status_code, 404, path)
        for path in ("approvals/submit/?day=9999-12-31", "approvals/submit/?day=0001-01-01",
                     "expenses/submit/?day=9999-12-31"):
            self.assertLess(self.client.get(f"/o/alpha/{path}").status_code, 500, path)
        # The range's own ends are pages.
        self.assertEqual(self.client.get("/o/alpha/day/1990-01-01/").status_code, 200)
        self.assertEqual(self.client.get("/o/alpha/day/2200-12-31/").status_code, 200)
        self.assertIn(self.client.get("/o/alpha/timesheet/2200-12-31/").status_code, (200, 302))
