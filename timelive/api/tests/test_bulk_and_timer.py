import datetime as dt

import time_machine

from timelive.api.test import ApiTestCase
from timelive.tracking.models import TimeEntry, Timer
from timelive.tracking.tests.helpers import make_project

BULK = "/api/v1/orgs/alpha/time-entries/bulk"
TIMER = "/api/v1/orgs/alpha/timer"


class BulkApiTestCase(ApiTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        _, self.secret = self.make_token(self.bob)

    def post(self, path, body=None):
        return self.client.post(
            path, body or {}, content_type="application/json", headers={"Authorization": f"Bearer {self.secret}"}
        )

    def items(self, n, start=0):
        return [
            {"key": f"k{i}", "project": self.project.uid, "date": f"2026-11-{1 + i % 28:02d}", "duration": 600}
            for i in range(start, start + n)
        ]

    def test_it_creates_a_batch_once(self):
        r = self.post(BULK, {"items": self.items(50)})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["created"], r.json()["existing"]), (50, 0))
        r = self.post(BULK, {"items": self.items(60)})
        self.assertEqual((r.json()["created"], r.json()["existing"]), (10, 50))
        self.assertEqual(TimeEntry.objects.count(), 60)
        statuses = [x["status"] for x in r.json()["results"]]
        self.assertEqual(statuses, ["exists"] * 50 + ["created"] * 10)

    def test_a_bad_row_refuses_the_whole_batch_by_default(self):
        items = self.items(3)
        items[1]["duration"] = 999999
        r = self.post(BULK, {"items": items})
        body = self.assertError(r, 422, "invalid")
        self.assertEqual(body["errors"][0]["loc"], ["body", "items", 1, "duration"])
        self.assertEqual(TimeEntry.objects.count(), 0)

    def test_partial_mode_creates_exactly_the_good_rows(self):
        items = self.items(3)
        items[1]["project"] = "nope"
        r = self.post(BULK, {"items": items, "all_or_nothing": False})
        self.assertEqual(r.status_code, 200)
        self.assertEqual([x["status"] for x in r.json()["results"]], ["created", "invalid", "created"])
        self.assertEqual(TimeEntry.objects.count(), 2)

    def test_it_takes_at_most_1000(self):
        self.assertError(self.post(BULK, {"items": self.items(1001)}), 422, "invalid")
        self.assertError(self.post(BULK, {"items": []}), 422, "invalid")

    def test_an_outsider_gets_404(self):
        _, self.secret = self.make_token(self.charlie)
        self.assertError(self.post(BULK, {"items": self.items(1)}), 404, "not_found")


class TimerApiTestCase(ApiTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        _, self.secret = self.make_token(self.bob)

    def post(self, path, body=None):
        return self.client.post(
            path, body or {}, content_type="application/json", headers={"Authorization": f"Bearer {self.secret}"}
        )

    def test_it_starts_reads_and_stops(self):
        self.assertEqual(
            self.api_get(TIMER, self.secret).json(),
            {
                "running": False,
                "project": None,
                "task": None,
                "description": "",
                "billable": None,
                "tags": [],
                "started_at": None,
                "elapsed": 0,
            },
        )
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
            r = self.post(TIMER, {"project": self.project.uid, "description": "Call"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertTrue(r.json()["running"])
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 10, tzinfo=dt.UTC), tick=False):
            self.assertEqual(self.api_get(TIMER, self.secret).json()["elapsed"], 600)
            r = self.post(f"{TIMER}/stop")
        self.assertEqual([e["duration"] for e in r.json()["entries"]], [600])
        self.assertFalse(Timer.objects.exists())
        self.assertEqual(self.post(f"{TIMER}/stop").json(), {"entries": []})

    def test_it_refuses_an_unknown_project(self):
        self.assertError(self.post(TIMER, {"project": "nope"}), 422, "invalid")

    def test_each_organisation_has_its_own_timer(self):
        theirs = Timer.objects.create(user=self.bob, org=self.other_org, project=make_project(self.other_org, "Theirs"))
        self.assertFalse(self.api_get(TIMER, self.secret).json()["running"])
        self.assertEqual(self.post(TIMER, {"project": self.project.uid}).status_code, 201)
        self.assertEqual(Timer.objects.filter(user=self.bob).count(), 2)
        # Stopping here stops this organisation's timer only.
        self.assertEqual(len(self.post(f"{TIMER}/stop").json()["entries"]), 1)
        self.assertTrue(Timer.objects.filter(pk=theirs.pk).exists())

    def test_it_refuses_to_start_on_a_locked_day(self):
        from timelive.approvals.paths import ensure_setup

        settings = ensure_setup(self.org)
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
            settings.locked_before = dt.date(2026, 12, 1)
            settings.save()
            body = self.assertError(self.post(TIMER, {"project": self.project.uid}), 422, "locked")
        self.assertIn("is closed", body["detail"])
        self.assertFalse(Timer.objects.exists())

    def test_a_timer_over_locked_days_is_stopped_onto_an_open_day(self):
        from timelive.approvals.paths import ensure_setup

        Timer.objects.create(user=self.bob, org=self.org, project=self.project,
                             started_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))
        settings = ensure_setup(self.org)
        settings.locked_before = dt.date(2026, 11, 26)
        settings.save()
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC), tick=False):
            body = self.assertError(self.post(f"{TIMER}/stop"), 409, "locked")
            self.assertEqual(body["open_day"], "2026-11-26")
            self.assertTrue(Timer.objects.exists())
            r = self.post(f"{TIMER}/stop?date=2026-11-26")
        self.assertEqual([(e["date"], e["duration"]) for e in r.json()["entries"]], [("2026-11-26", 1800)])
        self.assertFalse(Timer.objects.exists())

    def test_a_timer_stopped_at_once_logs_one_minute(self):
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
            self.post(TIMER, {"project": self.project.uid})
            r = self.post(f"{TIMER}/stop")
        self.assertEqual([e["duration"] for e in r.json()["entries"]], [60])

    def test_an_outsider_gets_404(self):
        _, self.secret = self.make_token(self.charlie)
        self.assertError(self.api_get(TIMER, self.secret), 404, "not_found")
        self.assertError(self.post(TIMER, {"project": self.project.uid}), 404, "not_found")


class WriteQueryCountTestCase(ApiTestCase):
    """Creating one entry, or a batch of any size, takes a fixed number of queries."""

    def setUp(self):
        self.project = make_project(self.org, "Website")
        _, self.secret = self.make_token(self.bob)

    def post(self, path, body):
        return self.client.post(path, body, content_type="application/json",
                                headers={"Authorization": f"Bearer {self.secret}"})

    def batch(self, n, prefix):
        return {"items": [{"key": f"{prefix}{i}", "project": self.project.uid, "date": f"2026-10-{1 + i % 28:02d}",
                           "duration": 60, "tags": ["bulk"]} for i in range(n)]}

    def count(self, path, body):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            r = self.post(path, body)
        self.assertLess(r.status_code, 300, r.content)
        return len(queries)

    def test_a_batch_costs_the_same_whatever_its_size(self):
        self.count(BULK, self.batch(2, "warm"))
        small = self.count(BULK, self.batch(10, "a"))
        large = self.count(BULK, self.batch(300, "b"))
        self.assertEqual(small, large)

    def test_one_entry_costs_a_fixed_number_of_queries(self):
        url = "/api/v1/orgs/alpha/time-entries"
        body = {"project": self.project.uid, "date": "2026-11-02", "duration": 600}
        self.count(url, body)
        first = self.count(url, {**body, "date": "2026-11-03"})
        for _ in range(20):
            TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=dt.date(2026, 11, 4),
                                     duration=60)
        self.assertEqual(self.count(url, {**body, "date": "2026-11-04"}), first)
        self.assertLessEqual(first, 12)
