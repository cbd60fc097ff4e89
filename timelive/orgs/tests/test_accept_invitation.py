import datetime as dt

import time_machine
from django.utils import timezone

from timelive.accounts.models import User
from timelive.orgs.actions import do_accept_invitation, do_invite_member
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.test import PASSWORD, BaseTestCase, make_user

NEW_ACCOUNT = {"full_name": "Nora New", "password": "a long enough passphrase"}


class AcceptInvitationTestCase(BaseTestCase):
    def setUp(self):
        self.invitation, self.token = do_invite_member(self.org, "nora@example.org", Role.MANAGER, acting_user=self.alice)
        self.url = f"/invitation/{self.token}/"

    def test_it_shows_the_invitation_to_a_new_person(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Join Alpha Ltd")
        self.assertContains(r, "nora@example.org")
        self.assertContains(r, "Create account and join")

    def test_it_creates_the_account_with_the_email_verified(self):
        r = self.client.post(self.url, NEW_ACCOUNT)
        self.assertRedirects(r, "/o/alpha/", fetch_redirect_response=False)
        nora = User.objects.get(email="nora@example.org")
        self.assertEqual(nora.full_name, "Nora New")
        self.assertTrue(nora.check_password(NEW_ACCOUNT["password"]))
        self.assertTrue(nora.is_email_verified)
        self.assertEqual(nora.last_org, self.org)
        membership = Membership.objects.get(org=self.org, user=nora)
        self.assertEqual(membership.role, Role.MANAGER)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "accepted")
        self.assertEqual(self.invitation.accepted_by, nora)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.INVITATION_ACCEPTED, actor=nora).count(), 1)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.MEMBER_JOINED, actor=nora).count(), 1)
        # And they are logged in.
        self.assertEqual(self.client.get("/o/alpha/").status_code, 200)

    def test_it_keeps_the_input_on_a_weak_password(self):
        r = self.client.post(self.url, {"full_name": "Nora New", "password": "short"})
        self.assertContains(r, 'value="Nora New"', status_code=400)
        self.assertFalse(User.objects.filter(email="nora@example.org").exists())
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "pending")

    def test_it_asks_an_existing_person_to_log_in(self):
        make_user("nora@example.org", "Nora Known")
        r = self.client.get(self.url)
        self.assertContains(r, "Log in to accept")
        self.assertContains(r, f"/account/login/?next=/invitation/{self.token}/")
        # A POST without logging in changes nothing.
        self.client.post(self.url, NEW_ACCOUNT)
        self.assertFalse(Membership.objects.filter(org=self.org, user__email="nora@example.org").exists())

    def test_it_lets_the_logged_in_invitee_accept(self):
        nora = make_user("nora@example.org", "Nora Known", email_verified_at=None)
        self.client.force_login(nora, backend="timelive.accounts.backends.EmailBackend")
        self.assertContains(self.client.get(self.url), "Join Alpha Ltd")
        # Looking at the page does not use the link.
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "pending")
        r = self.client.post(self.url)
        self.assertRedirects(r, "/o/alpha/", fetch_redirect_response=False)
        self.assertEqual(Membership.objects.get(org=self.org, user=nora).role, Role.MANAGER)
        nora.refresh_from_db()
        self.assertTrue(nora.is_email_verified)

    def test_it_gives_someone_else_a_clear_403(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, "This invitation was sent to nora@example.org, but you are logged in as bob@example.org",
                            status_code=403)
        r = self.client.post(self.url)
        self.assertEqual(r.status_code, 403)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "pending")

    def test_it_gives_410_for_an_expired_link(self):
        with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
            r = self.client.get(self.url)
            self.assertContains(r, "This invitation has expired.", status_code=410)
            r = self.client.post(self.url, NEW_ACCOUNT)
            self.assertEqual(r.status_code, 410)
        self.assertFalse(User.objects.filter(email="nora@example.org").exists())

    def test_it_still_works_just_before_it_expires(self):
        with time_machine.travel(timezone.now() + dt.timedelta(days=6, hours=23)):
            self.assertEqual(self.client.post(self.url, NEW_ACCOUNT).status_code, 302)

    def test_it_gives_410_for_a_revoked_link(self):
        self.invitation.revoked_at = timezone.now()
        self.invitation.save()
        self.assertContains(self.client.get(self.url), "This invitation was withdrawn.", status_code=410)

    def test_it_gives_410_for_a_used_link(self):
        self.client.post(self.url, NEW_ACCOUNT)
        self.client.logout()
        r = self.client.get(self.url)
        self.assertContains(r, "This invitation has already been used.", status_code=410)

    def test_it_gives_404_for_an_unknown_token(self):
        for token in ["nope", "x" * 43, "a-b_c"]:
            r = self.client.get(f"/invitation/{token}/")
            self.assertContains(r, "This invitation link is not valid.", status_code=404)
            self.assertEqual(self.client.post(f"/invitation/{token}/", NEW_ACCOUNT).status_code, 404)

    def test_it_does_not_accept_the_hash_as_a_token(self):
        r = self.client.get(f"/invitation/{self.invitation.token_hash}/")
        self.assertEqual(r.status_code, 404)

    def test_a_double_accept_creates_one_membership(self):
        first = self.client.post(self.url, NEW_ACCOUNT)
        second = self.client.post(self.url, NEW_ACCOUNT)
        self.assertEqual(first.status_code, 302)
        self.assertEqual(second.status_code, 410)
        other_browser = self.client_class()
        self.assertEqual(other_browser.post(self.url, NEW_ACCOUNT).status_code, 410)
        self.assertEqual(User.objects.filter(email="nora@example.org").count(), 1)
        self.assertEqual(Membership.objects.filter(org=self.org, user__email="nora@example.org").count(), 1)

    def test_the_action_refuses_a_second_use(self):
        from timelive.orgs.actions import ActionError

        nora = make_user("nora@example.org", "Nora Known")
        stale = self.invitation
        do_accept_invitation(stale, nora)
        # The same, stale, object again: the row is re-read under lock.
        with self.assertRaisesMessage(ActionError, "This invitation has already been used."):
            do_accept_invitation(stale, nora)
        self.assertEqual(Membership.objects.filter(org=self.org, user=nora).count(), 1)

    def test_it_refuses_a_new_account_when_one_appeared_meanwhile(self):
        # The page was opened before the account existed; the form is sent after.
        make_user("nora@example.org", "Nora Known")
        from timelive.orgs.actions import ActionError, do_accept_invitation_as_new_user

        with self.assertRaisesMessage(ActionError, "already exists"):
            do_accept_invitation_as_new_user(self.invitation, full_name="X", password=PASSWORD)

    def test_it_brings_a_removed_member_back_with_the_invited_role(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        invitation, token = do_invite_member(self.org, "bob@example.org", Role.ADMIN, acting_user=self.alice)
        self.login(self.bob)
        self.client.post(f"/invitation/{token}/")
        self.bob_membership.refresh_from_db()
        self.assertTrue(self.bob_membership.is_active)
        self.assertEqual(self.bob_membership.role, Role.ADMIN)

    def test_a_stale_invitation_does_not_demote_an_active_member(self):
        # Invited while removed, then restored and made owner by other means.
        self.bob_membership.is_active = False
        self.bob_membership.save()
        invitation, token = do_invite_member(self.org, "bob@example.org", Role.MEMBER, acting_user=self.alice)
        self.bob_membership.is_active = True
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        self.login(self.bob)
        self.client.post(f"/invitation/{token}/")
        self.bob_membership.refresh_from_db()
        self.assertEqual(self.bob_membership.role, Role.OWNER)

    def test_it_cannot_be_used_while_the_organisation_is_read_only(self):
        self.org.plan = "trial"
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        r = self.client.post(self.url, NEW_ACCOUNT)
        self.assertContains(r, "read-only", status_code=409)
        self.assertFalse(User.objects.filter(email="nora@example.org").exists())
