from django.test import Client

from timelive.test import BaseTestCase


class ErrorPagesTestCase(BaseTestCase):
    def test_an_unknown_page_gets_the_404_page(self):
        r = self.client.get("/no/such/page/")
        self.assertContains(r, "Not found", status_code=404)
        self.assertTemplateUsed(r, "errors/404.html")

    def test_an_unknown_api_path_gets_json(self):
        r = self.client.get("/api/v1/no/such/thing")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json()["code"], "not_found")

    def test_a_403_page_keeps_the_organisation_menu(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/settings/")
        self.assertContains(r, "Your role in this organisation does not allow this.", status_code=403)
        self.assertContains(r, 'href="/o/alpha/team/"', status_code=403)

    def test_a_form_without_csrf_token_gets_a_clear_403(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice, backend="timelive.accounts.backends.EmailBackend")
        r = client.post("/o/alpha/settings/", {"name": "x"})
        self.assertContains(r, "The form had expired or came from another site.", status_code=403)

    def test_the_500_page_stands_alone(self):
        from django.template.loader import render_to_string

        html = render_to_string("errors/500.html")
        self.assertIn("Something went wrong", html)
        # It must render without a request, a user or the database.
        self.assertNotIn("{%", html)

    def test_an_unexpected_error_gets_the_500_page(self):
        from unittest import mock

        self.login(self.alice)
        self.client.raise_request_exception = False
        with mock.patch("timelive.orgs.views.get_membership", side_effect=RuntimeError("boom")):
            r = self.client.get("/o/alpha/")
        self.assertContains(r, "Something went wrong", status_code=500)
        self.assertNotContains(r, "boom", status_code=500)
