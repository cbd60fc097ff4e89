from timelive.orgs.models import Role
from timelive.test import BaseTestCase


class MemberProfileTestCase(BaseTestCase):
    def setUp(self):
        self.bob.job_title = "Plumber"
        self.bob.phone = "+44 20 7946 0000"
        self.bob.address = "1 Pipe Street"
        self.bob.about = "Fixes leaks."
        self.bob.save()
        self.url = f"/o/alpha/team/{self.bob_membership.code}/"

    def test_it_shows_optional_details_to_colleagues(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        for text in ["Bob Example", "Plumber", "+44 20 7946 0000", "1 Pipe Street", "Fixes leaks."]:
            self.assertContains(r, text)

    def test_it_shows_a_member_their_own_profile(self):
        self.login(self.bob)
        self.assertContains(self.client.get(self.url), "Plumber")

    def test_it_offers_administration_to_admins_only(self):
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), "Change role")
        _, carol = self.add_member("carol@example.org", "Carol Example")
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/team/{carol.code}/")
        self.assertContains(r, "Carol Example")
        self.assertNotContains(r, "Change role")

    def test_it_forbids_externals_other_profiles(self):
        external, ext_membership = self.add_member("ext@client.example", "Ext Ernal", role=Role.EXTERNAL)
        self.login(external)
        r = self.client.get(self.url)
        self.assertContains(r, "Profiles are visible to members of the organisation.", status_code=403)
        self.assertNotContains(r, "Plumber", status_code=403)
        # Their own profile is theirs to see.
        self.assertEqual(self.client.get(f"/o/alpha/team/{ext_membership.code}/").status_code, 200)

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(r, "Plumber", status_code=404)

    def test_it_gives_404_for_a_member_of_another_organisation_under_this_slug(self):
        # Charlie's membership code, asked for under alpha: not alpha's row.
        charlie_membership = self.charlie.memberships.get()
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/o/alpha/team/{charlie_membership.code}/").status_code, 404)

    def test_it_gives_404_for_an_unknown_code(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/o/alpha/team/nope/").status_code, 404)

    def test_it_hides_removed_members_from_members(self):
        _, carol = self.add_member("carol@example.org", "Carol Example")
        carol.is_active = False
        carol.save()
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/o/alpha/team/{carol.code}/").status_code, 404)
        # Admins still find them, to restore them.
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/team/{carol.code}/")
        self.assertContains(r, "removed")
        self.assertContains(r, "Restore access")
