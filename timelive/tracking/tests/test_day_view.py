import datetime as dt

from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.models import EntryStatus, TimeEntry

from .helpers import make_project, make_task

DAY = dt.date(2026, 11, 24)


class DayViewTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.url = f"/o/alpha/day/{DAY}/"
        self.login(self.bob)

    def test_it_lists_the_days_entries_with_a_total(self):
        TimeEntry.objects.create(
            org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600, description="Wireframes"
        )
        TimeEntry.objects.create(
            org=self.org, user=self.alice, project=self.project, date=DAY, duration=7200, description="Not bob's"
        )
        r = self.client.get(self.url)
        self.assertContains(r, "Wireframes")
        self.assertNotContains(r, "Not bob's")
        self.assertEqual(r.context["total"], "1:00")

    def test_it_shows_an_empty_state(self):
        self.assertContains(self.client.get(self.url), "Nothing logged on this day")

    def test_it_adds_a_duration_entry(self):
        r = self.client.post(
            self.url,
            {
                "project_task": f"{self.project.uid}:{self.task.uid}",
                "date": DAY.isoformat(),
                "duration": "1.5h",
                "description": "Review",
                "billable": "",
                "tags": "a, b",
            },
        )
        self.assertRedirects(r, self.url)
        e = TimeEntry.objects.get()
        self.assertEqual((e.duration, e.task, e.description, e.billable), (5400, self.task, "Review", True))
        self.assertEqual(sorted(t.name for t in e.tags.all()), ["a", "b"])

    def test_it_adds_a_start_end_entry_in_the_persons_zone(self):
        self.org.entry_mode = "start_end"
        self.org.save()
        self.bob.time_zone = "Asia/Tokyo"
        self.bob.save()
        r = self.client.post(
            self.url,
            {
                "project_task": f"{self.project.uid}:",
                "date": DAY.isoformat(),
                "start_time": "09:00",
                "end_time": "10:15",
                "billable": "no",
            },
        )
        self.assertRedirects(r, self.url)
        e = TimeEntry.objects.get()
        self.assertEqual((e.start, e.duration, e.billable), (dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC), 4500, False))

    def test_a_bad_entry_keeps_the_input_and_says_why(self):
        r = self.client.post(
            self.url,
            {"project_task": f"{self.project.uid}:", "date": DAY.isoformat(), "duration": "26h", "description": "Too much"},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "24 hours", status_code=400)
        self.assertContains(r, "Too much", status_code=400)
        r = self.client.post(self.url, {"project_task": f"{self.project.uid}:", "date": DAY.isoformat(), "duration": "soon"})
        self.assertContains(r, "not a duration", status_code=400)
        self.assertFalse(TimeEntry.objects.exists())

    def test_it_edits_with_a_version_check(self):
        e = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600)
        url = f"/o/alpha/entries/{e.uid}/"
        self.assertContains(self.client.get(url), 'value="1:00"')
        data = {"project_task": f"{self.project.uid}:", "date": DAY.isoformat(), "duration": "2:00", "version": "1"}
        self.assertRedirects(self.client.post(url, data), self.url)
        e.refresh_from_db()
        self.assertEqual((e.duration, e.version), (7200, 2))
        r = self.client.post(url, {**data, "duration": "3:00"})  # still says version 1
        self.assertContains(r, "changed this entry meanwhile", status_code=400)

    def test_it_deletes_after_asking(self):
        e = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600)
        url = f"/o/alpha/entries/{e.uid}/delete/"
        self.assertContains(self.client.get(url), "Delete this entry?")
        self.assertTrue(TimeEntry.objects.exists())
        self.assertRedirects(self.client.post(url), self.url)
        self.assertFalse(TimeEntry.objects.exists())

    def test_it_will_not_delete_submitted_time(self):
        e = TimeEntry.objects.create(
            org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600, status=EntryStatus.APPROVED
        )
        self.client.post(f"/o/alpha/entries/{e.uid}/delete/")
        self.assertTrue(TimeEntry.objects.exists())

    def test_another_members_entry_is_404_and_an_admin_may_change_it(self):
        e = TimeEntry.objects.create(org=self.org, user=self.alice, project=self.project, date=DAY, duration=3600)
        self.assertEqual(self.client.get(f"/o/alpha/entries/{e.uid}/").status_code, 404)
        self.assertEqual(self.client.post(f"/o/alpha/entries/{e.uid}/delete/").status_code, 404)
        theirs = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=60)
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/o/alpha/entries/{theirs.uid}/").status_code, 200)

    def test_a_manager_sees_but_cannot_change_their_projects_entries(self):
        mia, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        self.project.project_manager = mia
        self.project.save()
        e = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600)
        self.login(mia)
        r = self.client.get(f"/o/alpha/entries/{e.uid}/")
        self.assertEqual(r.status_code, 200)
        self.assertFalse(r.context["can_change"])
        self.assertEqual(self.client.post(f"/o/alpha/entries/{e.uid}/delete/").status_code, 404)

    def test_an_outsider_gets_404(self):
        e = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(f"/o/alpha/entries/{e.uid}/").status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/entries/{e.uid}/").status_code, 404)


class DayViewCustomFieldsTestCase(BaseTestCase):
    def test_it_shows_and_checks_the_organisations_custom_fields(self):
        from timelive.tracking.models import CustomField

        project = make_project(self.org, "Website")
        CustomField.objects.create(org=self.org, target="time_entry", key="ticket", label="Ticket", required=True)
        CustomField.objects.create(org=self.org, target="time_entry", key="kind", label="Kind", field_type="choice",
                                   choices=["call", "visit"])
        self.login(self.bob)
        url = f"/o/alpha/day/{DAY}/"
        self.assertContains(self.client.get(url), 'name="cf_ticket"')
        data = {"project_task": f"{project.uid}:", "date": DAY.isoformat(), "duration": "1:00", "cf_kind": "visit"}
        r = self.client.post(url, data)
        self.assertContains(r, "Ticket is required", status_code=400)
        r = self.client.post(url, {**data, "cf_ticket": "T-42"})
        self.assertRedirects(r, url, msg_prefix=r.content.decode()[-3000:])
        entry = TimeEntry.objects.get()
        self.assertEqual(entry.custom_fields, {"ticket": "T-42", "kind": "visit"})
        r = self.client.get(f"/o/alpha/entries/{entry.uid}/")
        self.assertContains(r, 'value="T-42"')
