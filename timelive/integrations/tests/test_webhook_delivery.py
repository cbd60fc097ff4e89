import datetime as dt
import json
from unittest import mock

import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from timelive.integrations.actions import do_create_webhook, do_delete_webhook
from timelive.integrations.models import DeliveryState, InstalledIntegration, WebhookDelivery, WebhookEvent
from timelive.integrations.tasks import retry_webhooks
from timelive.integrations.webhooks import DISABLE_AFTER, RefusedTarget, queue_deliveries, resolve
from timelive.orgs.actions import do_remove_member
from timelive.test import BaseTestCase
from timelive.tracking.actions import bulk_create_entries, create_entry, delete_entry, update_entry
from timelive.tracking.entries import EntryData
from timelive.tracking.tests.helpers import make_project, rules_for

from .receiver import Receiver

DAY = dt.date(2026, 11, 23)
ENTRY_EVENTS = [WebhookEvent.TIME_ENTRY_CREATED, WebhookEvent.TIME_ENTRY_UPDATED, WebhookEvent.TIME_ENTRY_DELETED]


class WebhookTestBase(BaseTestCase):
    def make_webhook(self, url, events=ENTRY_EVENTS):
        return do_create_webhook(self.org, acting_user=self.alice, title="Payroll", url=url, events=events)

    def send(self, webhook, data=None):
        with self.captureOnCommitCallbacks(execute=True):
            return queue_deliveries([webhook], WebhookEvent.PING, self.org, [data or {"hello": "world"}])[0]


class WebhookDeliveryTestCase(WebhookTestBase):
    def test_it_delivers_a_signed_time_entry_event_after_commit(self):
        project = make_project(self.org)
        with Receiver() as receiver:
            webhook, secret = self.make_webhook(receiver.url)
            receiver.secret = secret
            with self.captureOnCommitCallbacks(execute=True):
                entry = create_entry(rules_for(self.bob, self.org), self.bob,
                                     EntryData(project=project.uid, date=DAY, duration=3600, description="Design"))
        self.assertEqual(len(receiver.requests), 1)
        request = receiver.requests[0]
        self.assertTrue(request["valid"], "the signature checks out with the secret shown at creation")
        body = json.loads(request["body"])
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(body["id"], delivery.code)
        self.assertEqual(body["event"], "time_entry.created")
        self.assertEqual(body["org"], "alpha")
        self.assertEqual(body["data"]["id"], entry.uid)
        self.assertEqual(body["data"]["duration"], 3600)
        self.assertEqual(body["data"]["user"], self.bob.code)
        self.assertEqual(request["headers"]["TimeLive-Event"], "time_entry.created")
        self.assertEqual(delivery.state, DeliveryState.SUCCEEDED)
        attempt = delivery.attempt_log.get()
        self.assertEqual((attempt.number, attempt.status_code, attempt.error), (1, 200, ""))

    def test_a_wrong_secret_does_not_verify(self):
        with Receiver(secret="whsec_wrong") as receiver:
            webhook, _ = self.make_webhook(receiver.url)
            self.send(webhook)
        self.assertFalse(receiver.requests[0]["valid"])

    def test_updates_deletes_and_bulk_creates_are_delivered(self):
        project = make_project(self.org)
        rules = rules_for(self.bob, self.org)
        with Receiver() as receiver:
            self.make_webhook(receiver.url)
            with self.captureOnCommitCallbacks(execute=True):
                entry = create_entry(rules, self.bob, EntryData(project=project.uid, date=DAY, duration=60, tags=["x"]))
            with self.captureOnCommitCallbacks(execute=True):
                entry = update_entry(rules, entry, EntryData(project=project.uid, date=DAY, duration=120, tags=["x"]))
            with self.captureOnCommitCallbacks(execute=True):
                delete_entry(entry, acting_user=self.bob)
            with self.captureOnCommitCallbacks(execute=True):
                bulk_create_entries(rules, lambda data: self.bob, [
                    (f"k{i}", EntryData(project=project.uid, date=DAY, duration=60)) for i in range(3)],
                    atomic_batch=True)
        bodies = [json.loads(r["body"]) for r in receiver.requests]
        self.assertEqual([b["event"] for b in bodies], ["time_entry.created", "time_entry.updated",
                                                          "time_entry.deleted"] + ["time_entry.created"] * 3)
        self.assertEqual(bodies[1]["data"]["duration"], 120)
        self.assertEqual((bodies[2]["data"]["id"], bodies[2]["data"]["tags"]), (entry.uid, ["x"]))

    def test_an_event_nobody_subscribed_to_is_not_sent(self):
        with Receiver() as receiver:
            self.make_webhook(receiver.url, events=[WebhookEvent.MEMBER_JOINED])
            with self.captureOnCommitCallbacks(execute=True):
                create_entry(rules_for(self.bob, self.org), self.bob,
                             EntryData(project=make_project(self.org).uid, date=DAY, duration=60))
            with self.captureOnCommitCallbacks(execute=True):
                do_remove_member(self.bob_membership, acting_user=self.alice)
        self.assertEqual([json.loads(r["body"])["event"] for r in receiver.requests], [])
        self.assertFalse(WebhookDelivery.objects.exists())

    def test_a_member_leaving_is_delivered(self):
        with Receiver() as receiver:
            self.make_webhook(receiver.url, events=[WebhookEvent.MEMBER_LEFT])
            with self.captureOnCommitCallbacks(execute=True):
                do_remove_member(self.bob_membership, acting_user=self.alice)
        body = json.loads(receiver.requests[0]["body"])
        self.assertEqual((body["event"], body["data"]["user"]), ("member.left", self.bob.code))

    def test_it_retries_after_a_server_error_then_succeeds(self):
        with Receiver(statuses=[500]) as receiver:
            webhook, secret = self.make_webhook(receiver.url)
            receiver.secret = secret
            delivery = self.send(webhook)
            delivery.refresh_from_db()
            self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.PENDING, 1))
            self.assertEqual(delivery.attempt_log.get().status_code, 500)
            # Not yet due: the sweep leaves it alone.
            self.assertEqual(retry_webhooks.call(), 0)
            with time_machine.travel(timezone.now() + dt.timedelta(minutes=1, seconds=1)):
                self.assertEqual(retry_webhooks.call(), 1)
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.SUCCEEDED, 2))
        self.assertEqual([a.number for a in delivery.attempt_log.order_by("number")], [1, 2])
        self.assertEqual(len(receiver.requests), 2)
        self.assertTrue(all(r["valid"] for r in receiver.requests))
        # The same delivery id on both tries, so the receiver can drop a repeat.
        self.assertEqual({json.loads(r["body"])["id"] for r in receiver.requests}, {delivery.code})
        webhook.refresh_from_db()
        self.assertEqual(webhook.consecutive_failures, 0)

    def test_it_gives_up_after_the_last_retry(self):
        with Receiver(statuses=[503] * 10) as receiver:
            webhook, _ = self.make_webhook(receiver.url)
            delivery = self.send(webhook)
            now = timezone.now()
            for hours in (1, 2, 4, 8, 16, 32):
                with time_machine.travel(now + dt.timedelta(hours=hours)):
                    retry_webhooks.call()
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.FAILED, 6))
        self.assertEqual(len(receiver.requests), 6)

    def test_it_turns_a_failing_webhook_off_and_tells_the_admins(self):
        with Receiver(statuses=[500] * 20) as receiver:
            webhook, _ = self.make_webhook(receiver.url)
            for _ in range(DISABLE_AFTER):
                self.send(webhook)
            self.send(webhook)
        webhook.refresh_from_db()
        self.assertFalse(webhook.is_active)
        self.assertIn("failed", webhook.disabled_reason)
        self.assertEqual(len(receiver.requests), DISABLE_AFTER)
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"]])
        self.assertIn("Payroll", mail.outbox[0].subject)

    def test_creating_and_deleting_lists_it_for_the_members_and_audits(self):
        webhook, _ = self.make_webhook("https://hooks.example.com/x")
        integration = InstalledIntegration.objects.get()
        self.assertEqual(integration.name, "Webhook: Payroll")
        self.assertIsNone(integration.removed_at)
        do_delete_webhook(webhook, acting_user=self.alice)
        integration.refresh_from_db()
        self.assertIsNotNone(integration.removed_at)
        events = list(self.org.audit_logs.values_list("event", flat=True).order_by("id"))
        self.assertEqual(events[-2:], ["integration.installed", "integration.removed"])


@override_settings(TIMELIVE_WEBHOOKS_ALLOW_PRIVATE=False)
class TargetTestCase(WebhookTestBase):
    def test_it_refuses_addresses_inside_the_network(self):
        for url in ("http://127.0.0.1:9/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data",
                    "http://[::1]:9/", "http://localhost:9/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/"):
            with self.subTest(url):
                webhook, _ = self.make_webhook(url)
                with mock.patch("socket.create_connection") as connect:
                    delivery = self.send(webhook)
                connect.assert_not_called()
                self.assertIn("inside a network", delivery.attempt_log.get().error)

    def test_it_refuses_other_schemes(self):
        webhook, _ = self.make_webhook("ftp://example.com/")
        delivery = self.send(webhook)
        self.assertIn("http", delivery.attempt_log.get().error)

    def test_it_connects_to_the_address_it_checked(self):
        # A name that answers a public address once and a private one later gains nothing: the
        # connection goes to the address that was checked.
        answers = [[(2, 1, 6, "", ("93.184.215.14", 80))], [(2, 1, 6, "", ("127.0.0.1", 80))]]
        with mock.patch("socket.getaddrinfo", side_effect=answers):
            address = resolve("rebind.example", 80, private_ok=False)
            self.assertEqual(address, "93.184.215.14")
            with self.assertRaises(RefusedTarget):
                resolve("rebind.example", 80, private_ok=False)
