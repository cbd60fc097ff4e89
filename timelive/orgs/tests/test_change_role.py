from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase


class ChangeRoleTestCase(BaseTestCase):
    def setUp(self):
        self.admin, self.admin_membership = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)

    def change(self, membership, role):
        return self.client.post(f"/o/alpha/team/{membership.code}/role/", {"role": role}, follow=True)

    def role_of(self, membership):
        membership.refresh_from_db()
        return membership.role

    def test_an_admin_changes_a_members_role_and_it_is_audited(self):
        self.login(self.admin)
        r = self.change(self.bob_membership, Role.MANAGER)
        self.assertContains(r, "Bob Example is now Manager.")
        self.assertEqual(self.role_of(self.bob_membership), Role.MANAGER)
        log = AuditLog.objects.get(event=AuditEvent.MEMBER_ROLE_CHANGED)
        self.assertEqual(log.actor, self.admin)
        self.assertEqual(log.org, self.org)
        self.assertEqual(log.target_id, self.bob_membership.code)
        self.assertEqual(log.details, {"old": "member", "new": "manager"})

    def test_an_unchanged_role_writes_nothing(self):
        self.login(self.admin)
        self.change(self.bob_membership, Role.MEMBER)
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.MEMBER_ROLE_CHANGED).exists())

    def test_members_get_403(self):
        _, carol = self.add_member("carol@example.org", "Carol Example")
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/team/{carol.code}/role/", {"role": Role.ADMIN})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.role_of(carol), Role.MEMBER)
        # Not even for themselves.
        self.client.post(f"/o/alpha/team/{self.bob_membership.code}/role/", {"role": Role.OWNER})
        self.assertEqual(self.role_of(self.bob_membership), Role.MEMBER)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        r = self.client.post(f"/o/alpha/team/{self.bob_membership.code}/role/", {"role": Role.ADMIN})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.role_of(self.bob_membership), Role.MEMBER)

    def test_an_admin_cannot_make_an_owner(self):
        self.login(self.admin)
        r = self.change(self.bob_membership, Role.OWNER)
        self.assertContains(r, "Only an owner can make someone an owner")
        self.assertEqual(self.role_of(self.bob_membership), Role.MEMBER)
        # Nor promote themselves.
        self.change(self.admin_membership, Role.OWNER)
        self.assertEqual(self.role_of(self.admin_membership), Role.ADMIN)

    def test_an_admin_cannot_demote_an_owner(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        self.login(self.admin)
        r = self.change(self.bob_membership, Role.MEMBER)
        self.assertContains(r, "Only an owner can make someone an owner or change an owner&#x27;s role.")
        self.assertEqual(self.role_of(self.bob_membership), Role.OWNER)

    def test_an_owner_makes_and_unmakes_owners(self):
        self.login(self.alice)
        self.change(self.bob_membership, Role.OWNER)
        self.assertEqual(self.role_of(self.bob_membership), Role.OWNER)
        self.change(self.bob_membership, Role.ADMIN)
        self.assertEqual(self.role_of(self.bob_membership), Role.ADMIN)

    def test_the_last_owner_cannot_be_demoted(self):
        self.login(self.alice)
        r = self.change(self.alice_membership, Role.ADMIN)
        self.assertContains(r, "An organisation needs at least one owner.")
        self.assertEqual(self.role_of(self.alice_membership), Role.OWNER)

    def test_a_removed_owner_does_not_count(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.alice)
        self.change(self.alice_membership, Role.ADMIN)
        self.assertEqual(self.role_of(self.alice_membership), Role.OWNER)

    def test_an_owner_can_step_down_when_there_is_another(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.save()
        self.login(self.alice)
        self.change(self.alice_membership, Role.ADMIN)
        self.assertEqual(self.role_of(self.alice_membership), Role.ADMIN)

    def test_a_removed_members_role_cannot_change(self):
        self.bob_membership.role = Role.OWNER
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.alice)
        r = self.change(self.bob_membership, Role.MEMBER)
        self.assertContains(r, "Restore their access before changing their role.")

    def test_an_unknown_role_is_refused(self):
        self.login(self.alice)
        r = self.change(self.bob_membership, "emperor")
        self.assertContains(r, "Please choose one of the roles offered.")
        self.assertEqual(self.role_of(self.bob_membership), Role.MEMBER)

    def test_it_only_accepts_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/o/alpha/team/{self.bob_membership.code}/role/").status_code, 405)
