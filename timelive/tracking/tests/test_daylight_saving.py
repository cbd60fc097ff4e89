"""Start and end times across daylight-saving changes, by every door: the day view, an entry's
edit page, the timer, the API (create, change, bulk). A duration is the time that passed, worked
out in UTC; a local time the clocks skipped is refused; a repeated one is its first occurrence,
unless the API was given an offset."""

import datetime as dt
import json

from timelive.api.test import ApiTestCase
from timelive.tracking.actions import stop_timer
from timelive.tracking.models import TimeEntry, Timer

from .helpers import make_project, rules_for

SPRING = dt.date(2026, 3, 29)  # London: 01:00 GMT becomes 02:00 BST
AUTUMN = dt.date(2026, 10, 25)  # London: 02:00 BST becomes 01:00 GMT
API = "/api/v1/orgs/alpha/time-entries"
UTC = dt.UTC


class DaylightSavingTestCase(ApiTestCase):
    zone = "Europe/London"

    def setUp(self):
        self.project = make_project(self.org)
        self.org.entry_mode = "start_end"
        self.org.save()
        self.bob.time_zone = self.zone
        self.bob.save()
        _, self.secret = self.make_token(self.bob)

    def send(self, method, path, body):
        return self.client.generic(method, path, json.dumps(body), content_type="application/json",
                                   headers={"Authorization": f"Bearer {self.secret}"})

    def create(self, start, end):
        return self.send("POST", API, {"project": self.project.uid, "start": start, "end": end})

    def day_post(self, day, start, end):
        self.login(self.bob)
        return self.client.post(f"/o/alpha/day/{day}/", {"project_task": f"{self.project.uid}:", "date": day,
                                                         "start_time": start, "end_time": end, "billable": "no"})


class LondonTestCase(DaylightSavingTestCase):
    def test_the_api_counts_the_time_that_passed(self):
        r = self.create("2026-03-29T00:30:00", "2026-03-29T03:30:00")
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual((r.json()["duration"], r.json()["start"], r.json()["end"]),
                         (7200, "2026-03-29T00:30:00Z", "2026-03-29T03:30:00+01:00"))
        r = self.create("2026-10-25T00:30:00", "2026-10-25T03:30:00")
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["duration"], 14400)

    def test_a_whole_25_hour_day_is_more_than_24_hours(self):
        r = self.create("2026-10-25T00:00:00", "2026-10-26T00:00:00")
        self.assertError(r, 422, "invalid")
        self.assertIn("at most 24 hours", r.json()["detail"])
        # And a 23-hour day fits.
        r = self.create("2026-03-29T00:00:00", "2026-03-30T00:00:00")
        self.assertEqual((r.status_code, r.json()["duration"]), (201, 82800))

    def test_a_skipped_time_is_refused_with_a_clear_message(self):
        r = self.create("2026-03-29T01:30:00", "2026-03-29T03:00:00")
        body = self.assertError(r, 422, "invalid")
        self.assertIn("01:30 does not exist on 29 Mar 2026 in Europe/London (clocks go forward)", body["detail"])
        self.assertEqual(body["errors"][0]["loc"], ["body", "start"])
        self.assertFalse(TimeEntry.objects.exists())

    def test_a_repeated_time_is_its_first_occurrence_unless_an_offset_says_otherwise(self):
        r = self.create("2026-10-25T01:30:00", "2026-10-25T01:45:00")
        self.assertEqual((r.status_code, r.json()["start"]), (201, "2026-10-25T01:30:00+01:00"))
        self.assertEqual(TimeEntry.objects.get(uid=r.json()["id"]).start, dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
        # The second 01:30, given with its offset, is exact.
        r = self.create("2026-10-25T01:30:00+00:00", "2026-10-25T01:45:00+00:00")
        self.assertEqual((r.status_code, r.json()["start"], r.json()["duration"]),
                         (201, "2026-10-25T01:30:00Z", 900))
        # Across the change with offsets: 01:50 BST to 01:10 GMT is 20 minutes.
        r = self.create("2026-10-25T01:50:00+01:00", "2026-10-25T01:10:00+00:00")
        self.assertEqual((r.status_code, r.json()["duration"]), (201, 1200), r.content)

    def test_changes_and_bulk_creation_follow_the_same_rule(self):
        r = self.create("2026-03-28T09:00:00", "2026-03-28T10:00:00")
        entry = r.json()
        r = self.send("PATCH", f"{API}/{entry['id']}", {"start": "2026-03-29T00:30:00", "end": "2026-03-29T03:30:00",
                                                        "version": entry["version"]})
        self.assertEqual((r.status_code, r.json()["duration"]), (200, 7200), r.content)
        r = self.send("PATCH", f"{API}/{entry['id']}", {"start": "2026-03-29T01:15:00", "end": "2026-03-29T03:30:00"})
        self.assertError(r, 422, "invalid")
        r = self.send("POST", f"{API}/bulk", {"all_or_nothing": False, "items": [
            {"key": "a", "project": self.project.uid, "start": "2026-10-25T00:30:00", "end": "2026-10-25T03:30:00"},
            {"key": "b", "project": self.project.uid, "start": "2026-03-29T09:00:00", "end": "2026-03-29T01:59:00"},
        ]})
        results = {item["key"]: item for item in r.json()["results"]}
        self.assertEqual(results["a"]["status"], "created")
        self.assertEqual(TimeEntry.objects.get(uid=results["a"]["id"]).duration, 14400)
        self.assertIn("does not exist", results["b"]["errors"]["end"][0])

    def test_the_day_view_counts_the_time_that_passed(self):
        self.day_post(SPRING, "00:30", "03:30")
        self.day_post(AUTUMN, "00:30", "03:30")
        self.assertEqual(sorted(TimeEntry.objects.values_list("date", "duration")), [(SPRING, 7200), (AUTUMN, 14400)])

    def test_the_day_view_refuses_a_skipped_time_and_a_25_hour_entry(self):
        r = self.day_post(SPRING, "01:30", "03:00")
        self.assertContains(r, "01:30 does not exist on 29 Mar 2026 in Europe/London (clocks go forward)",
                            status_code=400)
        r = self.day_post(AUTUMN, "00:00", "00:00")
        self.assertContains(r, "at most 24 hours", status_code=400)
        self.assertFalse(TimeEntry.objects.exists())

    def test_the_edit_page_counts_the_time_that_passed(self):
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=AUTUMN,
                                         start=dt.datetime(2026, 10, 25, 8, tzinfo=UTC),
                                         end=dt.datetime(2026, 10, 25, 9, tzinfo=UTC), duration=3600)
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/entries/{entry.uid}/", {
            "project_task": f"{self.project.uid}:", "date": AUTUMN, "start_time": "00:30", "end_time": "03:30",
            "billable": "no", "version": entry.version})
        self.assertEqual(r.status_code, 302, r.content)
        entry.refresh_from_db()
        self.assertEqual((entry.start, entry.duration), (dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), 14400))

    def test_a_timer_split_at_midnight_counts_a_short_day_as_23_hours(self):
        # From noon on Saturday to 02:00 BST on Monday, across the night the clocks go forward.
        start = dt.datetime(2026, 3, 28, 12, tzinfo=UTC)
        Timer.objects.create(user=self.bob, org=self.org, project=self.project, started_at=start)
        entries = stop_timer(rules_for(self.bob, self.org), self.bob, now=dt.datetime(2026, 3, 30, 1, tzinfo=UTC))
        self.assertEqual([(e.date, e.duration) for e in entries],
                         [(dt.date(2026, 3, 28), 12 * 3600), (SPRING, 23 * 3600), (dt.date(2026, 3, 30), 2 * 3600)])
        self.assertEqual(sum(e.duration for e in entries), (entries[-1].end - entries[0].start).total_seconds())


class OtherZonesMixin:
    """00:30 to `end` local on the day the clocks go forward and the day they go back, and a skipped time."""

    forward: dt.date
    back: dt.date
    shift: int = 3600
    skipped: str
    end, wall = "03:30", 3 * 3600

    def test_durations_are_the_time_that_passed(self):
        for day, expected in ((self.forward, self.wall - self.shift), (self.back, self.wall + self.shift)):
            r = self.create(f"{day}T00:30:00", f"{day}T{self.end}:00")
            self.assertEqual((r.status_code, r.json().get("duration")), (201, expected), r.content)
            self.day_post(day, "00:30", self.end)
        self.assertEqual(sorted(TimeEntry.objects.values_list("duration", flat=True)),
                         sorted([self.wall - self.shift] * 2 + [self.wall + self.shift] * 2))

    def test_a_skipped_time_is_refused(self):
        r = self.create(f"{self.forward}T{self.skipped}:00", f"{self.forward}T05:00:00")
        self.assertIn(f"{self.skipped} does not exist", self.assertError(r, 422, "invalid")["detail"])
        r = self.day_post(self.forward, self.skipped, "05:00")
        self.assertContains(r, "(clocks go forward)", status_code=400)


class NewYorkTestCase(OtherZonesMixin, DaylightSavingTestCase):
    zone = "America/New_York"
    forward, back, skipped = dt.date(2026, 3, 8), dt.date(2026, 11, 1), "02:30"


class LordHoweTestCase(OtherZonesMixin, DaylightSavingTestCase):
    # Lord Howe Island moves its clocks by half an hour.
    zone = "Australia/Lord_Howe"
    forward, back, skipped, shift = dt.date(2026, 10, 4), dt.date(2026, 4, 5), "02:15", 1800


class ChathamTestCase(OtherZonesMixin, DaylightSavingTestCase):
    # UTC+12:45 in winter, +13:45 in summer; the change is at 02:45 (forward) and 03:45 (back).
    zone = "Pacific/Chatham"
    forward, back, skipped = dt.date(2026, 9, 27), dt.date(2026, 4, 5), "03:00"
    end, wall = "04:30", 4 * 3600
