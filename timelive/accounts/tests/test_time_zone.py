import datetime as dt

import time_machine
from django.utils import timezone

from timelive.test import BaseTestCase


class UserTimeZoneTestCase(BaseTestCase):
    def test_it_shows_times_in_the_persons_time_zone(self):
        self.alice.time_zone = "Asia/Tokyo"
        self.alice.save()
        with time_machine.travel(dt.datetime(2026, 1, 10, 20, 0, tzinfo=dt.UTC), tick=False):
            self.login(self.alice)
            r = self.client.get("/account/sessions/")
        # 20:00 UTC is 05:00 the next morning in Tokyo.
        self.assertContains(r, "11 Jan 2026 05:00")

    def test_it_leaves_no_time_zone_behind_after_the_request(self):
        self.alice.time_zone = "Asia/Tokyo"
        self.alice.save()
        self.login(self.alice)
        self.client.get("/account/sessions/")
        self.assertEqual(timezone.get_current_timezone_name(), timezone.get_default_timezone_name())

    def test_it_uses_the_default_time_zone_for_anonymous_pages(self):
        r = self.client.get("/account/login/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(timezone.get_current_timezone_name(), timezone.get_default_timezone_name())
