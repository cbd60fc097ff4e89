from timelive.orgs.models import Membership, Role
from timelive.test import BaseTestCase


class SwitchOrgTestCase(BaseTestCase):
    def setUp(self):
        Membership.objects.create(org=self.other_org, user=self.alice, role=Role.MEMBER)

    def test_the_switcher_lists_my_organisations(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, 'href="/o/alpha/" aria-current="true"')
        self.assertContains(r, 'href="/o/bravo/"')

    def test_switching_is_remembered_and_home_lands_there(self):
        self.login(self.alice)
        self.client.get("/o/alpha/")
        self.assertRedirects(self.client.get("/"), "/o/alpha/", fetch_redirect_response=False)
        self.client.get("/o/bravo/")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.last_org, self.other_org)
        self.assertRedirects(self.client.get("/"), "/o/bravo/", fetch_redirect_response=False)
        # Also after logging in again.
        self.client.logout()
        r = self.client.post("/account/login/", {"email": "alice@example.org", "password": "correct horse battery"},
                             follow=True)
        self.assertEqual(r.redirect_chain[-1][0], "/o/bravo/")

    def test_home_skips_an_organisation_i_was_removed_from(self):
        self.login(self.alice)
        self.client.get("/o/bravo/")
        Membership.objects.filter(org=self.other_org, user=self.alice).update(is_active=False)
        self.assertRedirects(self.client.get("/"), "/o/alpha/", fetch_redirect_response=False)

    def test_home_without_organisations_says_what_to_do(self):
        from timelive.test import make_user

        loner = make_user("loner@example.org", "Lone Ranger")
        self.login(loner)
        r = self.client.get("/")
        self.assertContains(r, "You are not in an organisation yet")
        self.assertContains(r, "/orgs/new/")

    def test_home_sends_anonymous_visitors_to_login(self):
        self.assertRedirects(self.client.get("/"), "/account/login/", fetch_redirect_response=False)

    def test_the_switcher_omits_other_peoples_organisations(self):
        self.login(self.bob)
        self.assertNotContains(self.client.get("/o/alpha/"), "/o/bravo/")
