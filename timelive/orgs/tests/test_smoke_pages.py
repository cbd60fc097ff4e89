from timelive.test import BaseTestCase


class PagesTestCase(BaseTestCase):
    def test_it_shows_the_dashboard_to_a_member(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "Alpha Ltd")
        for path in ["/o/alpha/team/", "/o/alpha/settings/", "/o/alpha/audit/", "/account/profile/",
                     "/account/sessions/", "/account/tokens/", "/", "/orgs/new/"]:
            r = self.client.get(path, follow=True)
            self.assertEqual(r.status_code, 200, path)

    def test_it_shows_public_pages(self):
        for path in ["/account/login/", "/account/signup/", "/account/password/reset/"]:
            self.assertEqual(self.client.get(path).status_code, 200, path)
