import datetime as dt
import json

import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.privacy.deletion import (
    DeletionRefused,
    delete_due_accounts,
    do_cancel_deletion,
    do_delete_account,
    do_schedule_deletion,
    read_erasure_log,
    replay_erasures,
)
from timelive.test import PASSWORD, BaseTestCase
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


class DeletionTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project,
                                              date=dt.date(2026, 11, 16), duration=3600, description="Homepage")
        self.bob.phone = "+44 20 7946 0000"
        self.bob.about = "Runs marathons."
        self.bob.save()


class DoDeleteAccountTestCase(DeletionTestCase):
    def test_it_pseudonymises_the_person_and_keeps_their_work(self):
        ApiToken.issue(self.bob, "Laptop")
        UserSession.objects.create(session_key="k" * 32, session_data="", expire_date=NOW + dt.timedelta(days=1),
                                   user=self.bob)
        with self.captureOnCommitCallbacks(execute=True):
            do_delete_account(self.bob, acting_user=self.alice, org=self.org, reason="Asked by email")

        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual(bob.full_name, f"Deleted user {bob.pk}")
        self.assertNotIn("bob", bob.email)
        self.assertEqual((bob.phone, bob.about), ("", ""))
        self.assertFalse(bob.is_active)
        self.assertFalse(bob.has_usable_password())
        self.assertIsNotNone(bob.deleted_at)
        self.assertFalse(UserSession.objects.filter(user=bob).exists())
        self.assertFalse(ApiToken.objects.filter(user=bob).exists())
        # The organisation's records stay whole, now naming the pseudonym.
        entry = TimeEntry.objects.get(pk=self.entry.pk)
        self.assertEqual(entry.user_id, bob.pk)
        self.assertEqual(entry.description, "Homepage")
        self.assertEqual(str(entry.user), f"Deleted user {bob.pk}")
        # The completion notice goes to the old address, and no copy of it stays in the outbox.
        self.assertEqual([m.to for m in mail.outbox], [["bob@example.org"]])
        self.assertIn("has been deleted", mail.outbox[0].subject)
        from timelive.notifications.models import OutboxEmail

        self.assertFalse(OutboxEmail.objects.filter(to="bob@example.org").exists())

    def test_it_audits_with_the_pseudonym_only(self):
        do_delete_account(self.bob, acting_user=self.alice, org=self.org)
        row = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DELETED)
        self.assertEqual(row.org, self.org)
        self.assertEqual(row.actor, self.alice)
        self.assertEqual(row.details["by"], "administrator")
        self.assertNotIn("Bob", json.dumps(row.details) + row.target_label)

    def test_a_deleted_person_cannot_log_in(self):
        do_delete_account(self.bob)
        self.assertFalse(self.client.login(email="bob@example.org", password=PASSWORD))
        r = self.client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_to_delete_twice(self):
        do_delete_account(self.bob)
        with self.assertRaisesMessage(DeletionRefused, "already been deleted"):
            do_delete_account(User.objects.get(pk=self.bob.pk))

    def test_it_refuses_the_last_owner_of_an_organisation_with_members(self):
        with self.assertRaises(DeletionRefused) as refusal:
            do_delete_account(self.alice)
        self.assertIn("last owner of Alpha Ltd", str(refusal.exception))
        self.assertIn("Make another member an owner first", str(refusal.exception))
        alice = User.objects.get(pk=self.alice.pk)
        self.assertEqual(alice.full_name, "Alice Example")
        self.assertIsNone(alice.deleted_at)

    def test_the_owner_may_go_once_another_owner_exists(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        do_delete_account(self.alice)
        self.assertIsNotNone(User.objects.get(pk=self.alice.pk).deleted_at)

    def test_the_sole_member_of_an_organisation_may_go(self):
        # charlie is bravo's only member: nobody is left without an owner.
        do_delete_account(self.charlie)
        self.assertIsNotNone(User.objects.get(pk=self.charlie.pk).deleted_at)


class ErasureLogTestCase(DeletionTestCase):
    def test_it_appends_the_code_and_never_the_name_or_email(self):
        do_delete_account(self.bob)
        do_delete_account(self.charlie)
        text = settings.TIMELIVE_ERASURE_LOG.read_text()
        self.assertNotIn("bob", text.lower())
        self.assertNotIn("charlie", text.lower())
        self.assertEqual([e["user"] for e in read_erasure_log()], [self.bob.code, self.charlie.code])

    def test_replay_erases_again_an_account_restored_from_a_backup(self):
        do_delete_account(self.bob)
        # A backup from before the deletion is restored: the row is back as it was.
        User.objects.filter(pk=self.bob.pk).update(full_name="Bob Example", email="bob@example.org", deleted_at=None,
                                                   is_active=True, phone="+44 20 7946 0000")
        self.assertEqual(replay_erasures(dry_run=True), (1, 1))
        self.assertEqual(User.objects.get(pk=self.bob.pk).full_name, "Bob Example")

        out = self._call("replay_erasures")
        self.assertIn("1 accounts in the erasure log; 1 erased again.", out)
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual((bob.full_name, bob.phone), (f"Deleted user {bob.pk}", ""))
        # Running it again finds nothing to do.
        self.assertEqual(replay_erasures(), (1, 0))

    def test_replay_skips_a_corrupt_line(self):
        do_delete_account(self.bob)
        with settings.TIMELIVE_ERASURE_LOG.open("a") as f:
            f.write("not json\n")
        self.assertEqual(replay_erasures(), (1, 0))

    def _call(self, name, *args):
        import io

        out = io.StringIO()
        call_command(name, *args, stdout=out)
        return out.getvalue()


class GracePeriodTestCase(DeletionTestCase):
    def test_self_deletion_waits_seven_days_then_happens(self):
        with time_machine.travel(NOW.timestamp(), tick=False), self.captureOnCommitCallbacks(execute=True):
            due = do_schedule_deletion(self.bob)
        self.assertEqual(due, NOW + dt.timedelta(days=7))
        self.assertEqual(mail.outbox[-1].to, ["bob@example.org"])
        self.assertIn("will be deleted", mail.outbox[-1].subject)
        self.assertIn("/account/privacy/", mail.outbox[-1].body)

        just_before = NOW + dt.timedelta(days=7) - dt.timedelta(seconds=1)
        self.assertEqual(delete_due_accounts(now=just_before), 0)
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deleted_at)

        self.assertEqual(delete_due_accounts(now=NOW + dt.timedelta(days=7), dry_run=True), 1)
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deleted_at)
        self.assertEqual(delete_due_accounts(now=NOW + dt.timedelta(days=7)), 1)
        bob = User.objects.get(pk=self.bob.pk)
        self.assertIsNotNone(bob.deleted_at)
        self.assertIsNone(bob.deletion_due_at)
        self.assertEqual(delete_due_accounts(now=NOW + dt.timedelta(days=8)), 0)

    def test_cancel_keeps_the_account(self):
        do_schedule_deletion(self.bob)
        do_cancel_deletion(self.bob)
        self.assertEqual(delete_due_accounts(now=NOW + dt.timedelta(days=30)), 0)
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deletion_due_at)
        events = list(AuditLog.objects.filter(actor=self.bob).values_list("event", flat=True))
        self.assertEqual(sorted(events), [AuditEvent.ACCOUNT_DELETION_CANCELLED, AuditEvent.ACCOUNT_DELETION_SCHEDULED])

    def test_asking_twice_is_refused_with_the_date(self):
        do_schedule_deletion(self.bob)
        with self.assertRaisesMessage(DeletionRefused, "already due to be deleted on"):
            do_schedule_deletion(self.bob)

    def test_cancel_without_a_deletion_is_refused(self):
        with self.assertRaisesMessage(DeletionRefused, "nothing to cancel"):
            do_cancel_deletion(self.bob)

    def test_a_refusal_at_the_due_time_keeps_the_account_due(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        do_schedule_deletion(self.bob)
        # Meanwhile alice left the owners: bob is now the last one.
        self.alice_membership.role = Role.MEMBER
        self.alice_membership.save()
        self.assertEqual(delete_due_accounts(now=NOW + dt.timedelta(days=30)), 0)
        bob = User.objects.get(pk=self.bob.pk)
        self.assertIsNone(bob.deleted_at)
        self.assertIsNotNone(bob.deletion_due_at)

    def test_the_command_deletes_due_accounts(self):
        import io

        User.objects.filter(pk=self.bob.pk).update(deletion_due_at=NOW)
        out = io.StringIO()
        call_command("delete_due_accounts", stdout=out)
        self.assertIn("1 accounts deleted.", out.getvalue())


class DeletionPagesTestCase(DeletionTestCase):
    url = "/account/privacy/delete/"

    def test_the_privacy_page_offers_deletion(self):
        self.login(self.bob)
        r = self.client.get("/account/privacy/")
        self.assertContains(r, "Delete my account…")
        self.assertContains(r, "7 days after you ask")

    def test_the_last_owner_is_told_why_not(self):
        self.login(self.alice)
        r = self.client.get("/account/privacy/")
        self.assertNotContains(r, "Delete my account…")
        self.assertContains(r, "You are the last owner of Alpha Ltd")
        r = self.client.post(self.url, {"password": PASSWORD, "understood": "on"})
        self.assertContains(r, "You are the last owner of Alpha Ltd")
        self.assertIsNone(User.objects.get(pk=self.alice.pk).deletion_due_at)

    def test_it_needs_the_password_and_the_tick(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"password": "wrong"})
        self.assertContains(r, "That is not your password.")
        self.assertContains(r, "Tick the box to confirm")
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deletion_due_at)

    def test_it_schedules_and_cancels(self):
        self.login(self.bob)
        with time_machine.travel(NOW.timestamp(), tick=False):
            r = self.client.post(self.url, {"password": PASSWORD, "understood": "on"}, follow=True)
        self.assertContains(r, "Your account will be deleted on 27 November 2026 at 09:00 UTC.")
        self.assertContains(r, "Cancel the deletion")
        self.assertEqual(User.objects.get(pk=self.bob.pk).deletion_due_at, NOW + dt.timedelta(days=7))
        # Asking again shows the page with the date instead of a second form.
        self.assertRedirects(self.client.get(self.url), "/account/privacy/")

        r = self.client.post("/account/privacy/delete/cancel/", follow=True)
        self.assertContains(r, "Deletion cancelled.")
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deletion_due_at)
        r = self.client.post("/account/privacy/delete/cancel/", follow=True)
        self.assertContains(r, "nothing to cancel")

    def test_it_needs_a_login(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/account/login/", r.url)
        r = self.client.post("/account/privacy/delete/cancel/")
        self.assertIn("/account/login/", r.url)

    def test_cancel_is_post_only(self):
        self.login(self.bob)
        self.assertEqual(self.client.get("/account/privacy/delete/cancel/").status_code, 405)


class ReauthThrottleTestCase(DeletionTestCase):
    def test_five_wrong_passwords_lock_the_confirmation_for_a_while(self):
        self.login(self.bob)
        for _ in range(5):
            r = self.client.post("/account/privacy/delete/", {"password": "wrong", "understood": "on"})
            self.assertContains(r, "That is not your password.")
        # Even the right password is refused now: a stolen session cannot keep guessing.
        r = self.client.post("/account/privacy/delete/", {"password": PASSWORD, "understood": "on"})
        self.assertContains(r, "Too many wrong passwords: wait 15 minutes")
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deletion_due_at)

    def test_a_right_password_clears_the_count(self):
        self.login(self.bob)
        for _ in range(4):
            self.client.post("/account/privacy/delete/", {"password": "wrong"})
        self.client.post("/account/privacy/delete/", {"password": PASSWORD})  # right, but no tick
        r = self.client.post("/account/privacy/delete/", {"password": "wrong"})
        self.assertContains(r, "That is not your password.")
        self.assertNotContains(r, "Too many")
