import datetime as dt

from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.actions import Conflict, Locked, create_entry, delete_entry, update_entry
from timelive.tracking.entries import EntryData, EntryInvalid
from timelive.tracking.models import BillingType, EntryStatus, ProjectStatus, Tag, TaskStatus, TimeEntry

from .helpers import make_project, make_task, rules_for

DAY = dt.date(2026, 11, 23)


class EntryRulesTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org)
        self.task = make_task(self.project)

    def create(self, user=None, **fields):
        user = user or self.bob
        fields.setdefault("project", self.project.uid)
        fields.setdefault("date", DAY)
        return create_entry(rules_for(user, self.org), user, EntryData(**fields))

    def assertInvalid(self, field, **fields):
        with self.assertRaises(EntryInvalid) as ctx:
            self.create(**fields)
        self.assertIn(field, ctx.exception.errors)
        return ctx.exception.errors[field]

    def test_it_creates_a_duration_entry(self):
        entry = self.create(task=self.task.uid, duration=9000, description="Mock-ups", tags=["design", "Client"])
        self.assertEqual(entry.duration, 9000)
        self.assertEqual(entry.date, DAY)
        self.assertIsNone(entry.start)
        self.assertTrue(entry.billable)
        self.assertEqual(sorted(t.name for t in entry.tags.all()), ["Client", "design"])

    def test_it_defaults_billable_from_the_project(self):
        internal = make_project(self.org, "Internal", billing_type=BillingType.NON_BILLABLE)
        entry = self.create(project=internal.uid, duration=600)
        self.assertFalse(entry.billable)
        entry = self.create(project=internal.uid, duration=600, billable=True)
        self.assertTrue(entry.billable)

    def test_it_places_a_timed_entry_on_the_persons_local_day(self):
        self.bob.time_zone = "Pacific/Auckland"
        self.bob.save()
        start = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)  # 00:00 on the 24th in Auckland
        entry = self.create(start=start, end=start + dt.timedelta(hours=2), date=None)
        self.assertEqual(entry.date, dt.date(2026, 11, 24))
        self.assertEqual(entry.duration, 7200)

    def test_it_reads_times_without_offset_in_the_persons_zone(self):
        self.bob.time_zone = "America/New_York"
        self.bob.save()
        entry = self.create(start=dt.datetime(2026, 11, 23, 9, 0), end=dt.datetime(2026, 11, 23, 10, 30), date=None)
        self.assertEqual(entry.start, dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC))
        self.assertEqual(entry.duration, 5400)

    def test_it_refuses_bad_durations(self):
        self.assertInvalid("duration", duration=0)
        self.assertInvalid("duration", duration=25 * 3600)
        self.assertInvalid("duration")

    def test_it_refuses_an_end_before_the_start(self):
        start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
        self.assertInvalid("end", start=start, end=start - dt.timedelta(minutes=1), date=None)
        self.assertInvalid("end", start=start, end=start + dt.timedelta(hours=25), date=None)

    def test_it_refuses_more_than_24_hours_in_a_day(self):
        self.create(duration=20 * 3600)
        messages = self.assertInvalid("__all__", duration=5 * 3600)
        self.assertIn("at most 24 hours", messages[0])
        # Another person's day is their own.
        self.create(user=self.alice, duration=5 * 3600)

    def test_it_refuses_archived_projects_and_foreign_tasks(self):
        archived = make_project(self.org, "Old", status=ProjectStatus.ARCHIVED)
        self.assertIn("archived", self.assertInvalid("project", project=archived.uid, duration=60)[0])
        other = make_task(make_project(self.org, "Other"), "Elsewhere")
        self.assertIn("another project", self.assertInvalid("task", task=other.uid, duration=60)[0])
        done = make_task(self.project, "Gone", status=TaskStatus.ARCHIVED)
        self.assertInvalid("task", task=done.uid, duration=60)

    def test_it_refuses_another_organisations_project(self):
        foreign = make_project(self.other_org, "Theirs")
        self.assertInvalid("project", project=foreign.uid, duration=60)

    def test_it_refuses_private_projects_to_non_members(self):
        private = make_project(self.org, "Secret", is_public=False)
        self.assertInvalid("project", project=private.uid, duration=60)
        private.memberships.create(user=self.bob)
        self.assertEqual(self.create(project=private.uid, duration=60).project, private)

    def test_it_refuses_external_members(self):
        erin, _ = self.add_member("erin@example.org", "Erin", role=Role.EXTERNAL)
        with self.assertRaises(EntryInvalid):
            self.create(user=erin, duration=60)

    def test_it_refuses_overlaps_only_where_the_organisation_forbids_them(self):
        start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
        self.create(start=start, end=start + dt.timedelta(hours=2), date=None)
        self.create(start=start + dt.timedelta(hours=1), end=start + dt.timedelta(hours=3), date=None)
        self.org.allow_overlap = False
        self.org.save()
        messages = self.assertInvalid(
            "__all__", start=start + dt.timedelta(minutes=30), end=start + dt.timedelta(hours=4), date=None
        )
        self.assertIn("overlaps", messages[0])
        # Touching is not overlapping.
        self.create(start=start + dt.timedelta(hours=3), end=start + dt.timedelta(hours=4), date=None)

    def test_it_creates_new_tags_unless_the_organisation_manages_them(self):
        self.create(duration=60, tags=["Research"])
        self.assertTrue(Tag.objects.filter(org=self.org, name="Research").exists())
        self.org.managed_tags = True
        self.org.save()
        self.assertIn("not one of", self.assertInvalid("tags", duration=60, tags=["Brand new"])[0])
        entry = self.create(duration=60, tags=["research"])
        self.assertEqual([t.name for t in entry.tags.all()], ["Research"])

    def test_it_refuses_a_lost_update(self):
        entry = self.create(duration=3600)
        rules = rules_for(self.bob, self.org)
        update_entry(rules, entry, EntryData(duration=7200), expected_version=1)
        with self.assertRaises(Conflict):
            update_entry(rules, entry, EntryData(duration=1800), expected_version=1)
        entry.refresh_from_db()
        self.assertEqual((entry.duration, entry.version), (7200, 2))

    def test_it_refuses_to_change_submitted_entries(self):
        entry = self.create(duration=3600)
        TimeEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.SUBMITTED)
        with self.assertRaises(Locked):
            update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=60))
        with self.assertRaises(Locked):
            delete_entry(entry)

    def test_it_moves_the_end_when_a_timed_entrys_duration_changes(self):
        start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
        entry = self.create(start=start, end=start + dt.timedelta(hours=1), date=None)
        entry = update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=5400))
        self.assertEqual(entry.end, start + dt.timedelta(minutes=90))
