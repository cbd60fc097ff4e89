"""A restricted person's data: nobody but the person (and the operator) changes them."""

import datetime as dt
import json

from django.utils import timezone

from timelive.accounts.models import User
from timelive.api.test import ApiTestCase
from timelive.orgs.models import Membership, Role
from timelive.privacy.core.processing import ProcessingRestricted
from timelive.test import make_user
from timelive.tracking import actions
from timelive.tracking.entries import EntryData, EntryRules
from timelive.tracking.models import CustomField, CustomFieldTarget, Project, TimeEntry

DAY = dt.date(2026, 11, 24)


class RestrictedEditsTestCase(ApiTestCase):
    def setUp(self):
        self.project = Project.objects.create(org=self.org, name="Website")
        self.entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600)
        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now())
        self.bob.refresh_from_db()

    def rules(self, user):
        return EntryRules(self.org, Membership.objects.get(org=self.org, user=user))

    def assertUnchanged(self):
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.duration, self.entry.version), (3600, 1))

    # The actions, which every door goes through.

    def test_an_admin_cannot_change_or_delete_a_restricted_persons_entry(self):
        with self.assertRaisesMessage(ProcessingRestricted, "Bob Example has asked for the processing of their data"):
            actions.update_entry(self.rules(self.alice), self.entry, EntryData(duration=60))
        with self.assertRaises(ProcessingRestricted):
            actions.delete_entry(self.entry, acting_user=self.alice)
        with self.assertRaises(ProcessingRestricted):
            actions.create_entry(self.rules(self.alice), self.bob, EntryData(project=self.project, date=DAY, duration=60))
        self.assertUnchanged()
        self.assertEqual(TimeEntry.objects.count(), 1)

    def test_the_person_still_changes_their_own(self):
        actions.update_entry(self.rules(self.bob), self.entry, EntryData(duration=7200))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.duration, 7200)
        actions.create_entry(self.rules(self.bob), self.bob, EntryData(project=self.project, date=DAY, duration=60))
        actions.delete_entry(self.entry, acting_user=self.bob)
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), 1)

    def test_the_operator_may(self):
        olga = make_user("olga@example.com", "Olga Operator", is_staff=True)
        Membership.objects.create(org=self.org, user=olga, role=Role.ADMIN)
        actions.update_entry(self.rules(olga), self.entry, EntryData(duration=60))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.duration, 60)

    def test_lifting_the_restriction_lets_admins_edit_again(self):
        User.objects.filter(pk=self.bob.pk).update(restricted_at=None)
        self.entry.user.refresh_from_db()
        actions.update_entry(self.rules(self.alice), self.entry, EntryData(duration=60))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.duration, 60)

    def test_a_bulk_import_refuses_the_restricted_persons_rows_only(self):
        items = [("k1", EntryData(project=self.project.uid, date=DAY, duration=60, extra={"user": "bob"})),
                 ("k2", EntryData(project=self.project.uid, date=DAY, duration=60, extra={"user": "me"}))]
        people = {"bob": self.bob, "me": self.alice}
        results, created = actions.bulk_create_entries(self.rules(self.alice), lambda d: people[d.extra["user"]], items,
                                                       atomic_batch=False)
        self.assertEqual(created, 1)
        self.assertEqual([r["status"] for r in results], ["invalid", "created"])
        self.assertIn("restricted", results[0]["errors"]["user"][0])
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), 1)

    # The pages.

    def test_the_edit_page_says_why_and_saves_nothing(self):
        self.login(self.alice)
        data = {"project_task": f"{self.project.uid}:", "date": DAY.isoformat(), "duration": "2:00", "version": "1"}
        r = self.client.post(f"/o/alpha/entries/{self.entry.uid}/", data)
        self.assertContains(r, "only they (or the operator) can change", status_code=400)
        # What the admin typed is still in the form.
        self.assertContains(r, 'value="2:00"', status_code=400)
        self.assertUnchanged()

    def test_the_delete_page_says_why_and_deletes_nothing(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/entries/{self.entry.uid}/delete/", follow=True)
        self.assertContains(r, "has asked for the processing of their data to be restricted")
        self.assertTrue(TimeEntry.objects.filter(pk=self.entry.pk).exists())

    def test_the_person_edits_on_the_page(self):
        self.login(self.bob)
        data = {"project_task": f"{self.project.uid}:", "date": DAY.isoformat(), "duration": "2:00", "version": "1"}
        self.assertEqual(self.client.post(f"/o/alpha/entries/{self.entry.uid}/", data).status_code, 302)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.duration, 7200)

    def test_member_details_are_not_changed_by_an_admin(self):
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.MEMBER, key="grade", label="Grade")
        self.login(self.alice)
        url = f"/o/alpha/team/{self.bob_membership.code}/fields/"
        r = self.client.post(url, {"cf_grade": "Senior"})
        self.assertContains(r, "has asked for the processing of their data to be restricted", status_code=403)
        self.assertContains(r, 'value="Senior"', status_code=403)
        self.assertEqual(Membership.objects.get(pk=self.bob_membership.pk).custom_fields, {})

    # The API.

    def test_the_api_refuses_with_403_and_a_reason(self):
        _, secret = self.make_token(self.alice)
        headers = {"Authorization": f"Bearer {secret}"}
        r = self.client.patch(f"/api/v1/orgs/alpha/time-entries/{self.entry.uid}", json.dumps({"duration": 60}),
                              content_type="application/json", headers=headers)
        self.assertIn("restricted", self.assertError(r, 403, "permission_denied")["detail"])
        r = self.client.delete(f"/api/v1/orgs/alpha/time-entries/{self.entry.uid}", headers=headers)
        self.assertError(r, 403, "permission_denied")
        r = self.client.post("/api/v1/orgs/alpha/time-entries", json.dumps(
            {"project": self.project.uid, "date": DAY.isoformat(), "duration": 60, "user": self.bob.code}),
            content_type="application/json", headers=headers)
        self.assertError(r, 403, "permission_denied")
        r = self.client.post("/api/v1/orgs/alpha/time-entries/bulk", json.dumps({"items": [
            {"key": "a", "project": self.project.uid, "date": DAY.isoformat(), "duration": 60, "user": self.bob.code}]}),
            content_type="application/json", headers=headers)
        body = self.assertError(r, 422, "invalid")
        self.assertIn("restricted", body["detail"])
        self.assertUnchanged()
        self.assertEqual(TimeEntry.objects.count(), 1)

    def test_the_api_lets_the_person_change_their_own(self):
        _, secret = self.make_token(self.bob)
        r = self.client.patch(f"/api/v1/orgs/alpha/time-entries/{self.entry.uid}", json.dumps({"duration": 60}),
                              content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 200, r.content)
        r = self.client.delete(f"/api/v1/orgs/alpha/time-entries/{self.entry.uid}",
                               headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 204)
