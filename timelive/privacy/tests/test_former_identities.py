"""A person who renamed themselves and changed their email leaves none of the
former values behind when deleted."""

import datetime as dt

import time_machine
from django.utils import timezone

from timelive.accounts.models import FormerIdentity, User
from timelive.notifications.models import OutboxEmail
from timelive.orgs.actions import do_accept_invitation_as_new_user, do_invite_member
from timelive.orgs.models import Invitation, Role
from timelive.privacy.deletion import delete_due_accounts, do_delete_account
from timelive.test import PASSWORD, BaseTestCase

from .test_erase_person import database_dump

OLD_EMAIL, OLD_NAME = "firstname@old.example", "Firstname Formerly"
NEW_EMAIL, NEW_NAME = "fresh@new.example", "Fresh Latest"


class FormerIdentitiesTestCase(BaseTestCase):
    def setUp(self):
        # Joins Alpha by invitation, then Bravo invites the same address.
        invitation, _ = do_invite_member(self.org, OLD_EMAIL, Role.MEMBER, acting_user=self.alice)
        self.person = do_accept_invitation_as_new_user(invitation, full_name=OLD_NAME, password=PASSWORD)[0]
        do_invite_member(self.other_org, OLD_EMAIL, Role.MEMBER, acting_user=self.charlie)
        self.login(self.person)

    def rename_and_re_email(self):
        r = self.client.post("/account/profile/", {"full_name": NEW_NAME, "time_zone": "UTC"})
        self.assertEqual(r.status_code, 302)
        r = self.client.post("/account/profile/", {"change_email": "1", "email": NEW_EMAIL,
                                                   "current_password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        self.person.refresh_from_db()
        self.assertEqual((self.person.full_name, self.person.email), (NEW_NAME, NEW_EMAIL))

    def delete_and_let_it_run(self):
        r = self.client.post("/account/privacy/delete/", {"password": PASSWORD, "understood": "on"})
        self.assertEqual(r.status_code, 302)
        with time_machine.travel(timezone.now() + dt.timedelta(days=30)), \
                self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(delete_due_accounts(), 1)

    def test_every_change_is_recorded_without_the_value(self):
        self.rename_and_re_email()
        records = FormerIdentity.objects.filter(user=self.person)
        self.assertEqual(sorted(records.values_list("kind", flat=True)), ["email", "name"])
        dump = database_dump().lower()
        # Only keyed hashes of the former values are stored in the record.
        for record in records:
            self.assertNotIn(OLD_EMAIL, str(record.__dict__).lower())
            self.assertNotIn(OLD_NAME.lower(), str(record.__dict__).lower())
        self.assertIn(OLD_EMAIL, dump)  # in the audit log and the outbox, until deletion

    def test_a_save_that_changes_nothing_records_nothing(self):
        self.person.save()
        self.person.last_login = timezone.now()
        self.person.save(update_fields=["last_login"])
        self.assertFalse(FormerIdentity.objects.exists())

    def test_former_email_and_name_appear_nowhere_after_deletion(self):
        self.rename_and_re_email()
        dump = database_dump().lower()
        for value in (OLD_EMAIL, OLD_NAME, NEW_EMAIL, NEW_NAME):
            self.assertIn(value.lower(), dump)
        self.delete_and_let_it_run()
        dump = database_dump().lower()
        for value in (OLD_EMAIL, OLD_NAME, NEW_EMAIL, NEW_NAME, "firstname", "formerly"):
            self.assertNotIn(value.lower(), dump)
        self.assertFalse(FormerIdentity.objects.filter(user=self.person).exists())

    def test_pending_invitations_to_a_former_address_are_revoked(self):
        self.rename_and_re_email()
        self.assertTrue(Invitation.objects.filter(org=self.other_org).pending().exists())
        # Deleted at once (by the operator), while the invitation link still works.
        with self.captureOnCommitCallbacks(execute=True):
            do_delete_account(self.person, acting_user=None)
        self.assertFalse(Invitation.objects.filter(org=self.other_org).pending().exists())
        self.assertFalse(OutboxEmail.objects.filter(to__in=[OLD_EMAIL, NEW_EMAIL]).exists())

    def test_others_with_a_similar_name_keep_theirs(self):
        other = User.objects.create_user("firstname@other.example", PASSWORD, full_name="Firstname Formerly-Smith")
        self.rename_and_re_email()
        self.delete_and_let_it_run()
        other.refresh_from_db()
        self.assertEqual((other.email, other.full_name), ("firstname@other.example", "Firstname Formerly-Smith"))
