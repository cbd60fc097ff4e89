import datetime as dt

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Role
from timelive.tracking.models import EntryStatus, Tag, TimeEntry
from timelive.tracking.tests.helpers import make_client, make_project, make_task

DAY = dt.date(2026, 11, 24)
URL = "/api/v1/orgs/alpha/time-entries"


class TimeEntriesApiTestCase(ApiTestCase):
    def setUp(self):
        self.client_row = make_client(self.org)
        self.project = make_project(self.org, "Website", code="WEB-1", client=self.client_row)
        self.task = make_task(self.project, "Design")
        _, self.bob_secret = self.make_token(self.bob)
        _, self.alice_secret = self.make_token(self.alice)

    def post(self, secret, body, path=URL):
        return self.client.post(path, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})

    def patch(self, secret, path, body):
        return self.client.patch(path, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})

    def test_it_round_trips_every_field(self):
        r = self.post(
            self.bob_secret,
            {
                "project": self.project.uid,
                "task": self.task.uid,
                "date": "2026-11-24",
                "duration": 5400,
                "description": "Design review",
                "billable": False,
                "tags": ["design", "review"],
            },
        )
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual(body["user"], self.bob.code)
        self.assertEqual(
            (body["project"], body["task"], body["date"], body["duration"]), (self.project.uid, self.task.uid, "2026-11-24", 5400)
        )
        self.assertEqual(
            (body["description"], body["billable"], sorted(body["tags"]), body["status"]),
            ("Design review", False, ["design", "review"], "open"),
        )
        self.assertIsNone(body["start"])
        again = self.api_get(f"{URL}/{body['id']}", self.bob_secret).json()
        self.assertEqual(again, body)

    def test_it_creates_from_start_and_end(self):
        r = self.post(
            self.bob_secret,
            {"project": self.project.uid, "start": "2026-11-24T09:00:00+01:00", "end": "2026-11-24T10:30:00+01:00"},
        )
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual((body["duration"], body["date"]), (5400, "2026-11-24"))
        self.assertTrue(body["start"].startswith("2026-11-24T08:00:00"))

    def test_it_explains_invalid_entries(self):
        r = self.post(self.bob_secret, {"project": self.project.uid, "date": "2026-11-24", "duration": 90000})
        body = self.assertError(r, 422, "invalid")
        self.assertEqual(body["errors"][0]["loc"], ["body", "duration"])
        r = self.post(self.bob_secret, {"project": "nope", "date": "2026-11-24", "duration": 60})
        self.assertEqual(self.assertError(r, 422, "invalid")["errors"][0]["loc"], ["body", "project"])
        r = self.post(
            self.bob_secret, {"project": self.project.uid, "start": "2026-11-24T10:00:00Z", "end": "2026-11-24T09:00:00Z"}
        )
        self.assertError(r, 422, "invalid")
        self.assertFalse(TimeEntry.objects.exists())

    def test_only_admins_log_time_for_others(self):
        body = {"project": self.project.uid, "date": "2026-11-24", "duration": 60, "user": self.alice.code}
        self.assertError(self.post(self.bob_secret, body), 403, "permission_denied")
        r = self.post(self.alice_secret, {**body, "user": self.bob.code})
        self.assertEqual(r.status_code, 201)
        self.assertEqual(r.json()["user"], self.bob.code)
        self.assertError(self.post(self.alice_secret, {**body, "user": self.charlie.code}), 422, "invalid")

    def test_it_filters_and_paginates(self):
        other = make_project(self.org, "Intranet")
        for i in range(5):
            TimeEntry.objects.create(
                org=self.org, user=self.bob, project=self.project, date=DAY + dt.timedelta(days=i), duration=600
            )
        TimeEntry.objects.create(org=self.org, user=self.bob, project=other, date=DAY, duration=600, billable=False)
        TimeEntry.objects.create(org=self.org, user=self.alice, project=self.project, date=DAY, duration=600)
        r = self.api_get(URL, self.bob_secret, limit=2, offset=1)
        self.assertEqual((r.json()["count"], len(r.json()["items"])), (6, 2))
        self.assertEqual(self.api_get(URL, self.bob_secret, **{"from": "2026-11-25", "to": "2026-11-26"}).json()["count"], 2)
        self.assertEqual(self.api_get(URL, self.bob_secret, project=other.uid).json()["count"], 1)
        self.assertEqual(self.api_get(URL, self.bob_secret, client=self.client_row.uid).json()["count"], 5)
        self.assertEqual(self.api_get(URL, self.bob_secret, billable="false").json()["count"], 1)
        # An administrator sees everyone's, and can narrow to one person.
        self.assertEqual(self.api_get(URL, self.alice_secret).json()["count"], 7)
        self.assertEqual(self.api_get(URL, self.alice_secret, user=self.alice.code).json()["count"], 1)
        self.assertError(self.api_get(URL, self.bob_secret, limit=0), 422, "invalid")

    def test_it_filters_by_tags_and_changes_since(self):
        e1 = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=600)
        e2 = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=600)
        e1.tags.add(Tag.objects.create(org=self.org, name="urgent"))
        self.assertEqual([i["id"] for i in self.api_get(URL, self.bob_secret, tags="urgent,other").json()["items"]], [e1.uid])
        TimeEntry.objects.filter(pk=e2.pk).update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        items = self.api_get(URL, self.bob_secret, modified_after="2029-01-01T00:00:00Z").json()["items"]
        self.assertEqual([i["id"] for i in items], [e2.uid])

    def test_a_manager_sees_entries_on_projects_they_manage(self):
        mia, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        _, mia_secret = self.make_token(mia)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=600)
        self.assertEqual(self.api_get(URL, mia_secret).json()["count"], 0)
        self.project.team_lead = mia
        self.project.save()
        self.assertEqual(self.api_get(URL, mia_secret).json()["count"], 1)

    def test_its_list_query_count_does_not_grow(self):
        for i in range(3):
            e = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task, date=DAY, duration=60)
            e.tags.add(Tag.objects.get_or_create(org=self.org, name=f"t{i}")[0])
        self.api_get(URL, self.bob_secret)
        # Token, membership, count, page, tags: the same for 3 entries or 23.
        with self.assertNumQueries(5):
            self.api_get(URL, self.bob_secret)
        for i in range(20):
            e = TimeEntry.objects.create(
                org=self.org, user=self.bob, project=make_project(self.org, f"P{i}"), date=DAY, duration=60
            )
            e.tags.add(Tag.objects.get_or_create(org=self.org, name=f"x{i}")[0])
        with self.assertNumQueries(5):
            r = self.api_get(URL, self.bob_secret)
        self.assertEqual(r.json()["count"], 23)

    def test_it_changes_with_a_version_and_refuses_lost_updates(self):
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=600)
        path = f"{URL}/{entry.uid}"
        r = self.patch(self.bob_secret, path, {"duration": 1200, "version": 1, "task": self.task.uid})
        self.assertEqual(
            (r.status_code, r.json()["duration"], r.json()["version"], r.json()["task"]), (200, 1200, 2, self.task.uid)
        )
        self.assertError(self.patch(self.bob_secret, path, {"duration": 60, "version": 1}), 409, "conflict")
        r = self.patch(self.bob_secret, path, {"task": ""})
        self.assertIsNone(r.json()["task"])
        TimeEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
        self.assertError(self.patch(self.bob_secret, path, {"duration": 60}), 409, "locked")

    def test_it_deletes(self):
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=600)
        r = self.client.delete(f"{URL}/{entry.uid}", headers={"Authorization": f"Bearer {self.bob_secret}"})
        self.assertEqual(r.status_code, 204)
        self.assertFalse(TimeEntry.objects.exists())

    def test_outsiders_and_wrong_roles_are_refused(self):
        entry = TimeEntry.objects.create(org=self.org, user=self.alice, project=self.project, date=DAY, duration=600)
        _, charlie_secret = self.make_token(self.charlie)
        self.assertError(self.api_get(URL, charlie_secret), 404, "not_found")
        self.assertError(self.api_get(f"/api/v1/orgs/bravo/time-entries/{entry.uid}", charlie_secret), 404, "not_found")
        self.assertError(self.api_get(f"{URL}/{entry.uid}", self.bob_secret), 404, "not_found")
        self.assertError(self.patch(self.bob_secret, f"{URL}/{entry.uid}", {"duration": 60}), 404, "not_found")
        erin, _ = self.add_member("erin@example.org", "Erin", role=Role.EXTERNAL)
        _, erin_secret = self.make_token(erin)
        self.assertError(self.api_get(URL, erin_secret), 403, "permission_denied")
