import json
import re

from timelive.api.test import ApiTestCase

# Anything that could make the browser fetch from another host.
OTHER_HOST = re.compile(r"""(https?:)?//[^/\s"'<>]+""", re.IGNORECASE)


class DocsTestCase(ApiTestCase):
    def test_it_serves_the_docs(self):
        r = self.client.get("/api/v1/docs")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "TimeLive API")
        self.assertContains(r, "swagger-ui-bundle.js")

    def test_it_references_no_other_host(self):
        html = self.client.get("/api/v1/docs").content.decode()
        self.assertEqual(OTHER_HOST.findall(html), [])
        references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        self.assertTrue(references)
        for url in references:
            self.assertTrue(url.startswith("/"), url)
        # Swagger UI would load a validator badge from validator.swagger.io.
        settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
        self.assertIsNone(settings["validatorUrl"])
        self.assertEqual(settings["url"], "/api/v1/openapi.json")

    def test_it_serves_the_assets_it_references(self):
        html = self.client.get("/api/v1/docs").content.decode()
        assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
        self.assertGreaterEqual(len(assets), 3)
        for url in assets:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, url)
            r.close()

    def test_it_allows_no_other_host_in_its_content_security_policy(self):
        policy = self.client.get("/api/v1/docs")["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("script-src 'self'", policy)
        self.assertEqual(OTHER_HOST.findall(policy), [])

    def test_it_leads_back_to_the_app_and_follows_the_dark_theme(self):
        from django.contrib.staticfiles import finders

        r = self.client.get("/api/v1/docs")
        self.assertContains(r, '<a href="/">← Back to TimeLive</a>', html=True)
        self.assertContains(r, "timelive/api-docs.css")
        css = open(finders.find("timelive/api-docs.css")).read()
        self.assertIn("@media (prefers-color-scheme: dark)", css)
