import re

from django.core import mail

from timelive.lib.codes import hash_secret
from timelive.orgs.models import AuditEvent, AuditLog, Invitation, Role
from timelive.test import BaseTestCase

URL = "/o/alpha/team/invite/"
LINK = re.compile(r"http://[^/\s]+/invitation/([A-Za-z0-9_-]+)/")


class InviteTestCase(BaseTestCase):
    def invite(self, email="new@example.org", role=Role.MEMBER):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, {"email": email, "role": role})

    def test_it_invites_and_mails_a_single_use_link(self):
        self.login(self.alice)
        r = self.invite("New.Person@Example.org")
        self.assertRedirects(r, "/o/alpha/team/", fetch_redirect_response=False)
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.email, "new.person@example.org")
        self.assertEqual(invitation.role, Role.MEMBER)
        self.assertEqual(invitation.invited_by, self.alice)
        self.assertEqual(invitation.status, "pending")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["new.person@example.org"])
        self.assertIn("Alice Example invited you to Alpha Ltd", message.subject)
        links = LINK.findall(message.body)
        self.assertEqual(len(links), 1)
        self.assertIn("works once", message.body)
        # Only the hash of the link's token is stored.
        token = links[0]
        self.assertEqual(invitation.token_hash, hash_secret(token))
        self.assertNotIn(token, str(Invitation.objects.values().get()))
        log = AuditLog.objects.get(event=AuditEvent.INVITATION_SENT)
        self.assertEqual(log.actor, self.alice)
        self.assertEqual(log.details, {"email": "new.person@example.org", "role": "member"})

    def test_it_lets_admins_invite(self):
        admin, _ = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        self.assertEqual(self.invite().status_code, 302)
        self.assertEqual(Invitation.objects.count(), 1)

    def test_it_forbids_members(self):
        self.login(self.bob)
        r = self.invite()
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        self.assertEqual(self.invite().status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_it_refuses_an_unverified_inviter_with_a_message(self):
        self.alice.email_verified_at = None
        self.alice.save()
        self.login(self.alice)
        r = self.invite()
        self.assertContains(r, "Please confirm your own email address before inviting others.", status_code=400)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_to_invite_an_existing_member(self):
        self.login(self.alice)
        r = self.invite("BOB@example.org")
        self.assertContains(r, "bob@example.org is already a member of Alpha Ltd.", status_code=400)
        self.assertFalse(Invitation.objects.exists())

    def test_it_may_invite_a_removed_member_back(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.alice)
        self.assertEqual(self.invite("bob@example.org").status_code, 302)

    def test_it_keeps_the_input_on_a_bad_address(self):
        self.login(self.alice)
        r = self.invite("not-an-email")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, 'value="not-an-email"', status_code=400)

    def test_it_lets_only_owners_invite_owners(self):
        admin, _ = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        r = self.invite(role=Role.OWNER)
        self.assertContains(r, "Only an owner can invite another owner.", status_code=400)
        self.assertFalse(Invitation.objects.exists())
        self.login(self.alice)
        self.assertEqual(self.invite(role=Role.OWNER).status_code, 302)
        self.assertEqual(Invitation.objects.get().role, Role.OWNER)

    def test_the_action_also_refuses_owner_invitations_from_admins(self):
        from timelive.orgs.actions import ActionError, do_invite_member

        admin, _ = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        with self.assertRaisesMessage(ActionError, "Only an owner can invite another owner."):
            do_invite_member(self.org, "x@example.org", Role.OWNER, acting_user=admin)

    def test_it_replaces_a_pending_invitation(self):
        self.login(self.alice)
        self.invite("new@example.org")
        first_link = LINK.findall(mail.outbox[0].body)[0]
        self.invite("new@example.org", Role.MANAGER)
        self.assertEqual(Invitation.objects.count(), 2)
        self.assertEqual(list(Invitation.objects.pending().values_list("role", flat=True)), [Role.MANAGER])
        # The first link no longer works.
        self.client.logout()
        r = self.client.get(f"/invitation/{first_link}/")
        self.assertContains(r, "This invitation was withdrawn.", status_code=410)

    def test_it_is_refused_while_the_organisation_is_read_only(self):
        from django.utils import timezone

        self.org.plan = "trial"
        self.org.trial_ends_at = timezone.now()
        self.org.save()
        self.login(self.alice)
        r = self.invite()
        self.assertContains(r, "read-only", status_code=403)
        self.assertFalse(Invitation.objects.exists())

    def test_it_only_accepts_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(URL).status_code, 405)
