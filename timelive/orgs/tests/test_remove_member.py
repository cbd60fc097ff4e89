from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase


class RemoveMemberTestCase(BaseTestCase):
    def url(self, membership):
        return f"/o/alpha/team/{membership.code}/remove/"

    def test_get_asks_for_confirmation_and_changes_nothing(self):
        self.login(self.alice)
        r = self.client.get(self.url(self.bob_membership))
        self.assertContains(r, "Remove Bob Example?")
        self.assertContains(r, '<form method="post">')
        self.bob_membership.refresh_from_db()
        self.assertTrue(self.bob_membership.is_active)
        self.assertFalse(AuditLog.objects.exists())

    def test_post_removes_and_is_audited(self):
        self.login(self.alice)
        r = self.client.post(self.url(self.bob_membership))
        self.assertRedirects(r, "/o/alpha/team/", fetch_redirect_response=False)
        self.bob_membership.refresh_from_db()
        self.assertFalse(self.bob_membership.is_active)
        log = AuditLog.objects.get(event=AuditEvent.MEMBER_REMOVED)
        self.assertEqual((log.actor, log.org, log.target_id), (self.alice, self.org, self.bob_membership.code))
        self.assertEqual(log.details, {"role": "member"})

    def test_the_removed_member_gets_404_on_the_organisation(self):
        self.login(self.alice)
        self.client.post(self.url(self.bob_membership))
        self.login(self.bob)
        for path in ["/o/alpha/", "/o/alpha/team/", f"/o/alpha/team/{self.alice_membership.code}/"]:
            self.assertEqual(self.client.get(path).status_code, 404, path)
        # And home no longer sends them there.
        self.assertContains(self.client.get("/"), "You are not in an organisation yet")

    def test_removing_twice_is_refused(self):
        self.login(self.alice)
        self.client.post(self.url(self.bob_membership))
        r = self.client.post(self.url(self.bob_membership), follow=True)
        self.assertContains(r, "has already been removed")
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.MEMBER_REMOVED).count(), 1)

    def test_members_get_403(self):
        _, carol = self.add_member("carol@example.org", "Carol Example")
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url(carol)).status_code, 403)
        self.assertEqual(self.client.post(self.url(carol)).status_code, 403)
        carol.refresh_from_db()
        self.assertTrue(carol.is_active)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.post(self.url(self.bob_membership)).status_code, 404)
        self.bob_membership.refresh_from_db()
        self.assertTrue(self.bob_membership.is_active)

    def test_the_last_owner_cannot_be_removed(self):
        self.login(self.alice)
        r = self.client.post(self.url(self.alice_membership), follow=True)
        self.assertContains(r, "An organisation needs at least one owner.")
        self.alice_membership.refresh_from_db()
        self.assertTrue(self.alice_membership.is_active)

    def test_only_owners_remove_owners(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        admin, _ = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        r = self.client.post(self.url(self.bob_membership), follow=True)
        self.assertContains(r, "Only an owner can remove an owner.")
        self.login(self.alice)
        self.client.post(self.url(self.bob_membership))
        self.bob_membership.refresh_from_db()
        self.assertFalse(self.bob_membership.is_active)

    def test_an_admin_removing_themselves_goes_home(self):
        admin, admin_membership = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        r = self.client.post(self.url(admin_membership))
        self.assertRedirects(r, "/", fetch_redirect_response=False)
