from unittest import mock

from timelive.orgs.models import Role
from timelive.test import BaseTestCase


class TeamTestCase(BaseTestCase):
    def test_it_lists_active_members(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/team/")
        self.assertContains(r, "Alice Example")
        self.assertContains(r, "Bob Example")
        self.assertNotContains(r, "Charlie Other")

    def test_it_offers_the_invitation_form_to_admins_only(self):
        self.login(self.alice)
        self.assertContains(self.client.get("/o/alpha/team/"), "Send invitation")
        self.login(self.bob)
        self.assertNotContains(self.client.get("/o/alpha/team/"), "Send invitation")

    def test_it_paginates(self):
        for i in range(5):
            self.add_member(f"m{i}@example.org", f"Zed {i}")
        self.login(self.alice)
        with mock.patch("timelive.orgs.views.PAGE_SIZE", 3):
            first = self.client.get("/o/alpha/team/")
            second = self.client.get("/o/alpha/team/?page=3")
            beyond = self.client.get("/o/alpha/team/?page=99")
            junk = self.client.get("/o/alpha/team/?page=abc")
        self.assertEqual(len(first.context["page"]), 3)
        self.assertContains(first, "Page 1 of 3")
        self.assertContains(first, 'href="?page=2"')
        self.assertEqual([m.user.full_name for m in second.context["page"]], ["Zed 4"])
        # Out of range and malformed page numbers fall back, never a 500.
        self.assertEqual(beyond.context["page"].number, 3)
        self.assertEqual(junk.context["page"].number, 1)

    def test_it_shows_removed_members_to_admins(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.alice)
        r = self.client.get("/o/alpha/team/?removed=1")
        self.assertTrue(r.context["show_removed"])
        self.assertEqual([m.user for m in r.context["page"]], [self.bob])
        current = self.client.get("/o/alpha/team/")
        self.assertEqual([m.user for m in current.context["page"]], [self.alice])

    def test_it_keeps_the_removed_filter_across_pages(self):
        for i in range(4):
            _, m = self.add_member(f"gone{i}@example.org", f"Gone {i}")
            m.is_active = False
            m.save()
        self.login(self.alice)
        with mock.patch("timelive.orgs.views.PAGE_SIZE", 2):
            r = self.client.get("/o/alpha/team/?removed=1")
            self.assertContains(r, 'href="?removed=1&amp;page=2"')
            second = self.client.get("/o/alpha/team/?removed=1&page=2")
        self.assertEqual([m.user.full_name for m in second.context["page"]], ["Gone 2", "Gone 3"])

    def test_it_does_not_show_removed_members_to_members(self):
        _, gone = self.add_member("gone@example.org", "Gone Person")
        gone.is_active = False
        gone.save()
        self.login(self.bob)
        r = self.client.get("/o/alpha/team/?removed=1")
        self.assertFalse(r.context["show_removed"])
        self.assertNotContains(r, "Gone Person")
        self.assertNotContains(r, "Show removed members")

    def test_it_forbids_externals(self):
        external, _ = self.add_member("ext@client.example", "Ext Ernal", role=Role.EXTERNAL)
        self.login(external)
        r = self.client.get("/o/alpha/team/")
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, "Your role in this organisation does not allow this.", status_code=403)
        self.assertNotContains(r, "Bob Example", status_code=403)

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get("/o/alpha/team/").status_code, 404)

    def test_it_lists_pending_invitations_for_admins(self):
        from timelive.orgs.actions import do_invite_member

        do_invite_member(self.org, "new@example.org", Role.MEMBER, acting_user=self.alice)
        self.login(self.alice)
        self.assertContains(self.client.get("/o/alpha/team/"), "new@example.org")
        self.login(self.bob)
        self.assertNotContains(self.client.get("/o/alpha/team/"), "new@example.org")

    def test_it_uses_a_constant_number_of_queries(self):
        self.login(self.alice)
        self.client.get("/o/alpha/team/")
        # Session, person, membership; the layout's organisation switcher and running timer;
        # the count, the pending invitations and one page of members with their people.
        with self.assertNumQueries(9):
            self.client.get("/o/alpha/team/")
        for i in range(10):
            self.add_member(f"n{i}@example.org", f"N {i}")
        with self.assertNumQueries(9):
            self.client.get("/o/alpha/team/")
