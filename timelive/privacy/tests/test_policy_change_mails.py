from django.conf import settings
from django.core import mail

from timelive.notifications.models import OutboxEmail
from timelive.privacy.actions import send_policy_change_mails
from timelive.privacy.models import PolicyChangeMail
from timelive.privacy.tasks import mail_policy_change
from timelive.test import BaseTestCase, make_user

from .helpers import DAY, NOW, make_version


class PolicyChangeMailsTestCase(BaseTestCase):
    def setUp(self):
        self.v2 = make_version(label="2.0", effective_at=NOW + 30 * DAY, significant=True,
                               summary="We now share data with a partner, only with your consent.")

    def send(self, version=None, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return send_policy_change_mails((version or self.v2).pk, **kwargs)

    def test_it_mails_every_active_user_once(self):
        make_user("gone@example.org", "Gone Away", is_active=False)
        self.assertEqual(self.send(), 3)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["alice@example.org", "bob@example.org", "charlie@example.net"])
        # A second run sends nothing.
        self.assertEqual(self.send(), 0)
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(OutboxEmail.objects.count(), 3)

    def test_a_later_run_reaches_only_people_added_since(self):
        self.send()
        make_user("dave@example.org", "Dave New")
        self.assertEqual(self.send(), 1)
        self.assertEqual(mail.outbox[-1].to, ["dave@example.org"])

    def test_it_works_in_batches(self):
        for n in range(5):
            make_user(f"person{n}@example.org", f"Person {n}")
        self.assertEqual(self.send(batch_size=2), 8)
        self.assertEqual(len({m.to[0] for m in mail.outbox}), 8)
        self.assertEqual(PolicyChangeMail.objects.count(), 8)

    def test_its_queries_grow_by_batch_and_by_mail_only(self):
        # The version and the last, empty page of people; per batch: the people, a savepoint, the lock,
        # who was mailed, the new rows and the release; then one outbox row per mail.
        with self.assertNumQueries(2 + 6 + 3):
            send_policy_change_mails(self.v2.pk, batch_size=10)
        for n in range(5):
            make_user(f"person{n}@example.org", f"Person {n}")
        v3 = make_version(label="3.0", effective_at=NOW + 40 * DAY, significant=True)
        with self.assertNumQueries(2 + 2 * 6 + 8):
            send_policy_change_mails(v3.pk, batch_size=4)

    def test_the_mail_says_what_changed_and_links_to_the_version(self):
        self.send()
        message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
        self.assertEqual(message.subject, "We changed our privacy policy")
        self.assertIn("Hello Alice Example,", message.body)
        self.assertIn("Version 2.0 takes effect on 1 July 2025, 09:00 UTC.", message.body)
        self.assertIn("We now share data with a partner, only with your consent.", message.body)
        self.assertIn(f"{settings.SITE_URL}/privacy/versions/{self.v2.code}/", message.body)
        self.assertIn(f"{settings.SITE_URL}/privacy/archive/", message.body)

    def test_the_mail_is_not_html_escaped(self):
        v3 = make_version(label="3.0", effective_at=NOW + 40 * DAY, significant=True, summary="Terms & conditions")
        self.send(v3)
        self.assertIn("Terms & conditions", mail.outbox[0].body)

    def test_each_version_is_mailed_separately(self):
        self.send()
        v3 = make_version(label="3.0", effective_at=NOW + 40 * DAY, significant=True)
        self.assertEqual(self.send(v3), 3)
        self.assertEqual(len(mail.outbox), 6)

    def test_a_minor_or_draft_version_is_not_mailed(self):
        minor = make_version(label="2.1", effective_at=NOW + 35 * DAY, significant=False)
        draft = make_version(label="3.0", effective_at=NOW + 40 * DAY, significant=True, published=False)
        self.assertEqual(self.send(minor), 0)
        self.assertEqual(self.send(draft), 0)
        self.assertEqual(mail.outbox, [])

    def test_the_task_runs_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(mail_policy_change.call(self.v2.pk), 3)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(mail_policy_change.call(self.v2.pk), 0)
        self.assertEqual(len(mail.outbox), 3)
