import json

from timelive.api.test import ApiTestCase
from timelive.integrations.actions import do_create_webhook
from timelive.integrations.models import InstalledIntegration, Webhook


class WebhooksApiTestCase(ApiTestCase):
    def setUp(self):
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)
        _, self.charlie_secret = self.make_token(self.charlie)
        self.hook, _ = do_create_webhook(self.org, acting_user=self.alice, title="Payroll",
                                         url="https://hooks.example.com/x", events=["timesheet.approved"])

    def call(self, method, path, secret, body=None):
        headers = {"Authorization": f"Bearer {secret}"}
        return getattr(self.client, method)(path, json.dumps(body) if body is not None else None,
                                            content_type="application/json", headers=headers)

    def paths(self):
        base = "/api/v1/orgs/alpha/webhooks"
        one = f"{base}/{self.hook.code}"
        return [("get", base, None), ("post", base, {"title": "X", "url": "https://a.example/", "events": ["ping"]}),
                ("get", one, None), ("patch", one, {"title": "Y"}), ("delete", one, None),
                ("get", f"{one}/deliveries", None)]

    def test_outsiders_get_404_and_members_403_everywhere(self):
        for method, path, body in self.paths():
            with self.subTest(method=method, path=path):
                self.assertError(self.call(method, path, self.charlie_secret, body), 404, "not_found")
                self.assertError(self.call(method, path, self.bob_secret, body), 403, "permission_denied")
        self.assertTrue(Webhook.objects.filter(pk=self.hook.pk, title="Payroll").exists())

    def test_an_admin_creates_lists_changes_and_deletes(self):
        r = self.call("post", "/api/v1/orgs/alpha/webhooks", self.alice_secret,
                      {"title": "Sync", "url": "https://sync.example/hook", "events": ["time_entry.created"]})
        self.assertEqual(r.status_code, 201, r.content)
        created = r.json()
        self.assertTrue(created["secret"].startswith("whsec_"))
        r = self.call("get", f"/api/v1/orgs/alpha/webhooks/{created['id']}", self.alice_secret)
        self.assertNotIn("secret", r.json())
        self.assertEqual(self.call("get", "/api/v1/orgs/alpha/webhooks", self.alice_secret).json()["count"], 2)
        r = self.call("patch", f"/api/v1/orgs/alpha/webhooks/{created['id']}", self.alice_secret, {"is_active": False})
        self.assertEqual(r.json()["is_active"], False)
        r = self.call("get", f"/api/v1/orgs/alpha/webhooks/{created['id']}/deliveries", self.alice_secret)
        self.assertEqual(r.json(), {"items": [], "count": 0})
        r = self.call("delete", f"/api/v1/orgs/alpha/webhooks/{created['id']}", self.alice_secret)
        self.assertEqual(r.status_code, 204)
        self.assertEqual(InstalledIntegration.objects.filter(removed_at__isnull=False).count(), 1)

    def test_it_refuses_other_schemes_and_unknown_events(self):
        for body in ({"title": "X", "url": "file:///etc/passwd", "events": ["ping"]},
                     {"title": "X", "url": "https://a.example/", "events": ["nope"]}):
            with self.subTest(body):
                self.assertError(self.call("post", "/api/v1/orgs/alpha/webhooks", self.alice_secret, body),
                                 422, "invalid")

    def test_it_refuses_malformed_addresses(self):
        for url in ("http://[::1", "http://example.com:99999/", "https://"):
            with self.subTest(url):
                body = {"title": "X", "url": url, "events": ["ping"]}
                self.assertError(self.call("post", "/api/v1/orgs/alpha/webhooks", self.alice_secret, body),
                                 422, "invalid")
