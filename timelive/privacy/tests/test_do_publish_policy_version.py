import time_machine
from django.core import mail

from timelive.orgs.actions import ActionError
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.actions import do_publish_policy_version
from timelive.privacy.models import Immutable, PolicyChangeMail, PolicyVersion
from timelive.test import BaseTestCase, make_user

from .helpers import DAY, NOW, make_version


class PublishPolicyVersionTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True)
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def test_it_publishes_a_draft_for_good_and_audits_it(self):
        draft = make_version(label="2.0", effective_at=NOW + 7 * DAY, published=False)
        published = do_publish_policy_version(draft, acting_user=self.operator)
        self.assertEqual(published.published_at, NOW)
        self.assertEqual(published.effective_at, NOW + 7 * DAY)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual((log.org, log.actor, log.target_type, log.target_id), (None, self.operator, "policyversion",
                                                                              draft.code))
        self.assertEqual(log.details["action"], "publish")
        self.assertEqual(log.details["effective_at"], (NOW + 7 * DAY).isoformat())
        published.text = "changed"
        with self.assertRaises(Immutable):
            published.save()

    def test_it_refuses_to_publish_twice(self):
        draft = make_version(label="2.0", effective_at=NOW + DAY, published=False)
        do_publish_policy_version(draft, acting_user=self.operator)
        with self.assertRaisesMessage(ActionError, "already published"):
            do_publish_policy_version(draft, acting_user=self.operator)
        self.assertEqual(AuditLog.objects.count(), 1)

    def test_a_date_in_the_past_becomes_the_moment_of_publishing(self):
        draft = make_version(label="2.0", effective_at=NOW - 3 * DAY, published=False)
        published = do_publish_policy_version(draft, acting_user=self.operator)
        self.assertEqual(published.effective_at, NOW)
        self.assertEqual(AuditLog.objects.get().details["effective_at_was"], (NOW - 3 * DAY).isoformat())

    def test_it_refuses_a_version_that_would_take_effect_before_the_latest(self):
        make_version(label="2.0", effective_at=NOW + 10 * DAY)
        draft = make_version(label="2.1", effective_at=NOW + 5 * DAY, published=False)
        with self.assertRaisesMessage(ActionError, "would take effect before 2.0"):
            do_publish_policy_version(draft, acting_user=self.operator)
        draft.refresh_from_db()
        self.assertIsNone(draft.published_at)
        self.assertFalse(AuditLog.objects.exists())

    def test_other_documents_do_not_constrain_the_date(self):
        make_version("terms", "1.0", effective_at=NOW + 10 * DAY)
        draft = make_version(label="2.0", effective_at=NOW + DAY, published=False)
        self.assertTrue(do_publish_policy_version(draft, acting_user=self.operator).is_published)

    def test_a_significant_version_mails_every_active_user_after_commit(self):
        make_user("gone@example.org", "Gone Away", is_active=False)
        draft = make_version(label="2.0", effective_at=NOW + 30 * DAY, published=False, significant=True,
                             summary="We now keep timesheets for 7 years.")
        with self.captureOnCommitCallbacks(execute=True):
            do_publish_policy_version(draft, acting_user=self.operator)
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, ["alice@example.org", "bob@example.org", "charlie@example.net",
                                      "op@timelive.example"])
        self.assertEqual(PolicyChangeMail.objects.filter(version=draft).count(), 4)

    def test_a_minor_version_mails_nobody(self):
        draft = make_version(label="2.0", effective_at=NOW + DAY, published=False, significant=False)
        with self.captureOnCommitCallbacks(execute=True):
            do_publish_policy_version(draft, acting_user=self.operator)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(PolicyChangeMail.objects.exists())

    def test_the_seeded_first_version_is_already_published(self):
        seeded = PolicyVersion.objects.get(label="2018-05-24")
        with self.assertRaises(ActionError):
            do_publish_policy_version(seeded, acting_user=self.operator)
