from timelive.orgs.actions import do_invite_member
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase


class RevokeInvitationTestCase(BaseTestCase):
    def setUp(self):
        self.invitation, self.token = do_invite_member(self.org, "new@example.org", Role.MEMBER, acting_user=self.alice)
        self.url = f"/o/alpha/team/invitations/{self.invitation.code}/revoke/"

    def test_it_revokes(self):
        self.login(self.alice)
        r = self.client.post(self.url)
        self.assertRedirects(r, "/o/alpha/team/", fetch_redirect_response=False)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "revoked")
        log = AuditLog.objects.get(event=AuditEvent.INVITATION_REVOKED)
        self.assertEqual(log.actor, self.alice)
        # The link now says so, clearly.
        self.client.logout()
        self.assertContains(self.client.get(f"/invitation/{self.token}/"), "This invitation was withdrawn.", status_code=410)

    def test_it_says_so_when_already_revoked(self):
        self.login(self.alice)
        self.client.post(self.url)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "This invitation is no longer pending.")
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.INVITATION_REVOKED).count(), 1)

    def test_it_forbids_members(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "pending")

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        # Not even under their own organisation's slug.
        self.assertEqual(self.client.post(f"/o/bravo/team/invitations/{self.invitation.code}/revoke/").status_code, 404)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.status, "pending")
