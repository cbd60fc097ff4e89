from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project
from timelive.tracking.views.time import today_for


class WeekTodayTestCase(BaseTestCase):
    def test_todays_column_is_marked_in_the_header_and_the_cells(self):
        project = make_project(self.org)
        today = today_for(self.bob)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=today, duration=3600)
        self.login(self.bob)
        r = self.client.get("/o/alpha/timesheet/", follow=True)
        page = r.content.decode()
        self.assertEqual(page.count('class="num today"'), 1)
        self.assertEqual(page.count('<td class="today">'), 1)
