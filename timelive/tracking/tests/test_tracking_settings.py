import datetime as dt

from django.utils import timezone

from timelive.orgs.models import AuditEvent, AuditLog, Organization, Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Tag, TimeEntry

from .helpers import make_project

URL = "/o/alpha/settings/tracking/"


class TrackingSettingsTestCase(BaseTestCase):
    def data(self, **extra):
        data = {"entry_mode": "duration", "allow_overlap": "on", "timer_midnight": "split",
                "timesheet_period": "weekly", "period_anchor": ""}
        data.update(extra)
        return data

    def test_it_shows_the_settings_to_admins(self):
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertContains(r, "Time tracking settings")
        self.assertContains(r, "Allow overlapping entries")

    def test_it_saves_and_audits_changes(self):
        self.login(self.alice)
        r = self.client.post(URL, self.data(entry_mode="start_end", allow_overlap="", timer_midnight="keep",
                                            timesheet_period="biweekly", period_anchor="2026-01-05", managed_tags="on"))
        self.assertRedirects(r, URL)
        org = Organization.objects.get(pk=self.org.pk)
        self.assertEqual((org.entry_mode, org.allow_overlap, org.timer_midnight, org.timesheet_period),
                         ("start_end", False, "keep", "biweekly"))
        self.assertEqual(org.period_anchor, dt.date(2026, 1, 5))
        self.assertTrue(org.managed_tags)
        log = AuditLog.objects.get(event=AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.actor, self.alice)
        self.assertEqual(log.details["changes"]["entry_mode"], {"old": "duration", "new": "start_end"})
        self.assertEqual(log.details["changes"]["period_anchor"], {"old": None, "new": "2026-01-05"})
        self.assertEqual(log.details["changes"]["allow_overlap"], {"old": True, "new": False})
        # Saving again without a change writes nothing.
        self.client.post(URL, self.data(entry_mode="start_end", allow_overlap="", timer_midnight="keep",
                                        timesheet_period="biweekly", period_anchor="2026-01-05", managed_tags="on"))
        self.assertEqual(AuditLog.objects.count(), 1)

    def test_biweekly_needs_an_anchor(self):
        self.login(self.alice)
        r = self.client.post(URL, self.data(timesheet_period="biweekly", entry_mode="start_end"))
        self.assertContains(r, "Choose the first day of a two-week period.", status_code=400)
        self.assertContains(r, '<option value="start_end" selected>', status_code=400)
        self.assertEqual(Organization.objects.get(pk=self.org.pk).timesheet_period, "weekly")

    def test_it_refuses_junk(self):
        self.login(self.alice)
        r = self.client.post(URL, self.data(entry_mode="whatever"))
        self.assertEqual(r.status_code, 400)
        self.assertFalse(AuditLog.objects.exists())

    def test_it_is_for_admins_only(self):
        manager, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        for user in (self.bob, manager):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, self.data(entry_mode="start_end")).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(Organization.objects.get(pk=self.org.pk).entry_mode, "duration")

    def test_a_read_only_organisation_refuses_changes(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.alice)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.assertEqual(self.client.post(URL, self.data(entry_mode="start_end")).status_code, 403)
        self.assertEqual(self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "x"}).status_code, 403)

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.alice)
        self.client.get(URL)
        with self.assertNumQueries(8):
            self.client.get(URL)
        for i in range(10):
            Tag.objects.create(org=self.org, name=f"tag {i}")
        with self.assertNumQueries(8):
            self.client.get(URL)


class TagsTestCase(BaseTestCase):
    def setUp(self):
        self.tag = Tag.objects.create(org=self.org, name="Workshop")

    def test_it_lists_tags_with_their_use(self):
        project = make_project(self.org)
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=dt.date(2026, 1, 5),
                                         duration=60)
        entry.tags.add(self.tag)
        Tag.objects.create(org=self.other_org, name="Secret tag")
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertEqual([(t.name, t.uses) for t in r.context["tags"]], [("Workshop", 1)])
        self.assertNotContains(r, "Secret tag")

    def test_it_adds_a_tag(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "  Travel  time "})
        self.assertRedirects(r, URL)
        self.assertTrue(Tag.objects.filter(org=self.org, name="Travel time").exists())
        log = AuditLog.objects.get()
        self.assertEqual(log.details["tag"], {"old": None, "new": "Travel time"})

    def test_it_refuses_a_duplicate_tag(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "WORKSHOP"})
        self.assertContains(r, "There is already a tag “WORKSHOP”.", status_code=400)
        r = self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "   "})
        self.assertEqual(r.status_code, 400)

    def test_it_renames_a_tag(self):
        Tag.objects.create(org=self.org, name="Travel")
        self.login(self.alice)
        r = self.client.get("/o/alpha/settings/tracking/tags/rename/", {"tag": "workshop"})
        self.assertContains(r, 'value="Workshop"')
        r = self.client.post("/o/alpha/settings/tracking/tags/rename/", {"tag": "Workshop", "name": "travel"})
        self.assertContains(r, "There is already a tag “travel”.", status_code=400)
        r = self.client.post("/o/alpha/settings/tracking/tags/rename/", {"tag": "Workshop", "name": "Workshops"})
        self.assertRedirects(r, URL)
        self.tag.refresh_from_db()
        self.assertEqual(self.tag.name, "Workshops")
        self.assertEqual(AuditLog.objects.get().details["tag"], {"old": "Workshop", "new": "Workshops"})

    def test_deleting_a_used_tag_asks_first(self):
        project = make_project(self.org)
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=dt.date(2026, 1, 5),
                                         duration=60)
        entry.tags.add(self.tag)
        self.login(self.alice)
        r = self.client.get("/o/alpha/settings/tracking/tags/delete/", {"tag": "Workshop"})
        self.assertContains(r, "It is on 1 entry")
        r = self.client.post("/o/alpha/settings/tracking/tags/delete/", {"tag": "Workshop"})
        self.assertRedirects(r, URL)
        self.assertFalse(Tag.objects.exists())
        self.assertTrue(TimeEntry.objects.filter(pk=entry.pk).exists())
        self.assertEqual(AuditLog.objects.get().details, {"tag": {"old": "Workshop", "new": None}, "entries": 1})

    def test_tags_stay_in_their_organisation(self):
        Tag.objects.create(org=self.other_org, name="Theirs")
        self.login(self.alice)
        self.assertEqual(self.client.post("/o/alpha/settings/tracking/tags/delete/", {"tag": "Theirs"}).status_code, 404)
        self.assertEqual(self.client.get("/o/alpha/settings/tracking/tags/rename/", {"tag": "nope"}).status_code, 404)
        self.login(self.charlie)
        self.assertEqual(self.client.post("/o/alpha/settings/tracking/tags/delete/", {"tag": "Workshop"}).status_code, 404)
        self.login(self.bob)
        self.assertEqual(self.client.post("/o/alpha/settings/tracking/tags/delete/", {"tag": "Workshop"}).status_code, 403)
        self.assertEqual(self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "Mine"}).status_code, 403)
        self.assertEqual(Tag.objects.count(), 2)
