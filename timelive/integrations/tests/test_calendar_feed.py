import datetime as dt
import re

from django.utils import timezone
from icalendar import Calendar

from timelive.integrations.models import CalendarFeed
from timelive.test import BaseTestCase
from timelive.tracking.entries import user_zone
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project


class CalendarFeedTestCase(BaseTestCase):
    def make_feed(self, user):
        self.login(user)
        r = self.client.post("/account/calendar/", {"action": "new"})
        self.assertEqual(r.status_code, 200)
        url = re.search(r'id="feed-url">([^<]+)<', r.content.decode()).group(1)
        self.client.logout()
        return url.replace("http://testserver", "")

    def test_it_serves_the_persons_entries_as_icalendar(self):
        project = make_project(self.org, name="Website")
        today = timezone.localdate()
        start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=today, start=start,
                                 end=start + dt.timedelta(hours=1), duration=3600,
                                 description="A long description, with commas; semicolons and ünïcode " * 3)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=today, duration=1800)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=today - dt.timedelta(days=91),
                                 duration=60)
        TimeEntry.objects.create(org=self.org, user=self.alice, project=project, date=today, duration=60,
                                 description="Alice's secret")
        path = self.make_feed(self.bob)
        r = self.client.get(path)
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r["Content-Type"].startswith("text/calendar"))
        raw = r.content
        self.assertNotIn(b"Alice", raw)
        lines = raw.split(b"\r\n")
        self.assertEqual(lines[-1], b"")
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        self.assertTrue(all(len(line) <= 75 for line in lines), "lines are folded at 75 octets")
        calendar = Calendar.from_ical(raw)
        events = calendar.walk("VEVENT")
        self.assertEqual(len(events), 2)
        timed = [e for e in events if "long description" in str(e.get("description", ""))][0]
        self.assertEqual(timed.decoded("dtstart"), start)
        self.assertEqual(timed.decoded("dtend") - timed.decoded("dtstart"), dt.timedelta(hours=1))
        other = [e for e in events if e is not timed][0]
        local = other.decoded("dtstart").astimezone(user_zone(self.bob))
        self.assertEqual(other.decoded("dtend") - other.decoded("dtstart"), dt.timedelta(minutes=30))
        self.assertEqual(local.time(), dt.time(9, 0), "duration-only entries start at 09:00 in the person's zone")
        self.assertEqual(str(other["summary"]), "Website")

    def test_a_revoked_or_replaced_address_answers_404(self):
        path = self.make_feed(self.bob)
        self.assertEqual(self.client.get(path).status_code, 200)
        newer = self.make_feed(self.bob)
        self.assertEqual(self.client.get(path).status_code, 404)
        self.login(self.bob)
        self.client.post("/account/calendar/", {"action": "revoke"})
        self.assertEqual(self.client.get(newer).status_code, 404)
        self.assertFalse(CalendarFeed.objects.exists())
        self.assertEqual(self.client.get("/feeds/cal_guess.ics").status_code, 404)

    def test_only_a_hash_is_stored_and_the_page_needs_a_login(self):
        path = self.make_feed(self.bob)
        secret = path.rsplit("/", 1)[1].removesuffix(".ics")
        self.assertNotEqual(CalendarFeed.objects.get().token_hash, secret)
        self.assertEqual(self.client.get("/account/calendar/").status_code, 302)
