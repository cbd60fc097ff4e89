from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase


class RestoreMemberTestCase(BaseTestCase):
    def setUp(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.url = f"/o/alpha/team/{self.bob_membership.code}/restore/"

    def test_it_restores_and_is_audited(self):
        self.login(self.alice)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "Bob Example has access again.")
        self.bob_membership.refresh_from_db()
        self.assertTrue(self.bob_membership.is_active)
        log = AuditLog.objects.get(event=AuditEvent.MEMBER_RESTORED)
        self.assertEqual((log.actor, log.target_id), (self.alice, self.bob_membership.code))
        self.login(self.bob)
        self.assertEqual(self.client.get("/o/alpha/").status_code, 200)

    def test_restoring_an_active_member_is_refused(self):
        self.login(self.alice)
        self.client.post(self.url)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "already has access")
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.MEMBER_RESTORED).count(), 1)

    def test_only_owners_restore_owners(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        admin, _ = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "Only an owner can restore an owner.")
        self.bob_membership.refresh_from_db()
        self.assertFalse(self.bob_membership.is_active)

    def test_members_get_403(self):
        carol, _ = self.add_member("carol@example.org", "Carol Example")
        self.login(carol)
        self.assertEqual(self.client.post(self.url).status_code, 403)

    def test_outsiders_and_the_removed_member_get_404(self):
        for user in (self.charlie, self.bob):
            self.login(user)
            self.assertEqual(self.client.post(self.url).status_code, 404)
        self.bob_membership.refresh_from_db()
        self.assertFalse(self.bob_membership.is_active)

    def test_it_only_accepts_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 405)
