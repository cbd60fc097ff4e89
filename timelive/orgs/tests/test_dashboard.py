from timelive.orgs.models import Invitation, Role
from timelive.test import BaseTestCase


class DashboardTestCase(BaseTestCase):
    def test_it_shows_the_organisation_to_its_owner_with_counts(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "Alpha Ltd")
        self.assertContains(r, "You are owner here")
        self.assertEqual(r.context["member_count"], 2)
        self.assertEqual(r.context["pending_invitations"], 0)

    def test_it_counts_only_pending_invitations(self):
        from timelive.orgs.actions import do_invite_member

        do_invite_member(self.org, "new@example.org", Role.MEMBER, acting_user=self.alice)
        revoked, _ = do_invite_member(self.org, "gone@example.org", Role.MEMBER, acting_user=self.alice)
        Invitation.objects.filter(pk=revoked.pk).update(revoked_at=revoked.created_at)
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertEqual(r.context["pending_invitations"], 1)

    def test_it_hides_admin_figures_from_members(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "You are member here")
        self.assertNotIn("member_count", r.context)
        self.assertNotContains(r, "pending invitation")
        # The admin part of the menu is not offered either.
        self.assertNotContains(r, "/o/alpha/settings/")
        self.assertNotContains(r, "/o/alpha/audit/")

    def test_it_shows_the_admin_menu_to_admins(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "/o/alpha/settings/")
        self.assertContains(r, "/o/alpha/audit/")

    def test_it_remembers_the_organisation(self):
        self.login(self.bob)
        self.client.get("/o/alpha/")
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.last_org, self.org)

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        r = self.client.get("/o/alpha/")
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(r, "Alpha Ltd", status_code=404)

    def test_it_gives_404_for_an_unknown_slug_with_a_clear_page(self):
        self.login(self.alice)
        r = self.client.get("/o/no-such-org/")
        self.assertContains(r, "Not found", status_code=404)

    def test_it_gives_removed_members_404(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.bob)
        self.assertEqual(self.client.get("/o/alpha/").status_code, 404)

    def test_it_sends_anonymous_visitors_to_login(self):
        r = self.client.get("/o/alpha/")
        self.assertRedirects(r, "/account/login/?next=/o/alpha/", fetch_redirect_response=False)

    def test_it_shows_the_external_only_their_own_home(self):
        external, _ = self.add_member("ext@client.example", "Ext Ernal", role=Role.EXTERNAL)
        self.login(external)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "You are external here")
        self.assertNotContains(r, "/o/alpha/team/")
