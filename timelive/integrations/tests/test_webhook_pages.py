import re

from timelive.integrations.actions import do_create_webhook
from timelive.integrations.models import DeliveryAttempt, Webhook
from timelive.test import BaseTestCase

from .receiver import Receiver


class WebhookPagesTestCase(BaseTestCase):
    def setUp(self):
        self.hook, _ = do_create_webhook(self.org, acting_user=self.alice, title="Payroll",
                                         url="https://hooks.example.com/x", events=["member.joined"])

    def pages(self):
        base = "/o/alpha/webhooks/"
        one = f"{base}{self.hook.code}/"
        return [("get", base), ("post", base), ("get", one), ("post", one), ("post", f"{one}toggle/"),
                ("post", f"{one}test/"), ("get", f"{one}delete/"), ("post", f"{one}delete/")]

    def test_outsiders_get_404_and_members_403(self):
        for user, status in ((self.charlie, 404), (self.bob, 403)):
            self.login(user)
            for method, path in self.pages():
                with self.subTest(user=user.email, method=method, path=path):
                    self.assertEqual(getattr(self.client, method)(path).status_code, status)
        self.assertTrue(Webhook.objects.filter(pk=self.hook.pk, is_active=True).exists())

    def test_an_admin_adds_one_and_sees_the_secret_once(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/webhooks/", {"title": "Sync", "url": "https://sync.example/h",
                                                    "events": ["time_entry.created"]})
        self.assertEqual(r.status_code, 200)
        secret = re.search(r'id="new-secret">([^<]+)<', r.content.decode()).group(1)
        self.assertTrue(secret.startswith("whsec_"))
        self.assertNotContains(self.client.get("/o/alpha/webhooks/"), secret)

    def test_a_bad_address_re_renders_with_a_message(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/webhooks/", {"title": "X", "url": "gopher://x", "events": ["ping"]})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "gopher://x", status_code=400)

    def test_edit_toggle_test_event_and_delete(self):
        self.login(self.alice)
        one = f"/o/alpha/webhooks/{self.hook.code}/"
        with Receiver() as receiver:
            self.client.post(one, {"title": "Payroll 2", "url": receiver.url, "events": ["member.left"]})
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(f"{one}test/")
        self.assertEqual(len(receiver.requests), 1)
        r = self.client.get(one)
        self.assertContains(r, "Payroll 2")
        self.assertContains(r, "ping")
        self.assertEqual(DeliveryAttempt.objects.get().status_code, 200)
        self.client.post(f"{one}toggle/")
        self.assertFalse(Webhook.objects.get().is_active)
        self.assertContains(self.client.get(f"{one}delete/"), "Delete the webhook")
        self.client.post(f"{one}delete/")
        self.assertFalse(Webhook.objects.exists())
