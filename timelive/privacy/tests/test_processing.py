import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from timelive.accounts.models import User
from timelive.notifications.mail import queue_mail
from timelive.notifications.models import OutboxEmail
from timelive.privacy.actions import do_record_consent
from timelive.privacy.consents import MARKETING_PURPOSES, has_consent
from timelive.privacy.core.processing import may_process, people_for_statistics
from timelive.privacy.models import ConsentRecord, Purpose
from timelive.test import BaseTestCase
from timelive.tracking.models import Project, TimeEntry


class MayProcessTestCase(BaseTestCase):
    def test_everything_is_allowed_for_an_ordinary_account(self):
        for purpose in ("marketing", "statistics", "notifications"):
            self.assertTrue(may_process(self.bob, purpose), purpose)

    def test_a_restricted_account_is_not_processed(self):
        self.bob.restricted_at = timezone.now()
        for purpose in ("marketing", "statistics", "notifications"):
            self.assertFalse(may_process(self.bob, purpose), purpose)

    def test_a_research_objector_is_left_out_of_statistics_only(self):
        self.bob.research_objection_at = timezone.now()
        self.assertFalse(may_process(self.bob, "statistics"))
        self.assertTrue(may_process(self.bob, "marketing"))
        self.assertTrue(may_process(self.bob, "notifications"))

    def test_a_deactivated_account_gets_no_mail_but_keeps_its_share_of_statistics(self):
        self.bob.is_active = False
        self.assertFalse(may_process(self.bob, "marketing"))
        self.assertFalse(may_process(self.bob, "notifications"))
        self.assertTrue(may_process(self.bob, "statistics"))

    def test_a_deleted_account_or_nobody_is_not_processed(self):
        self.bob.deleted_at = timezone.now()
        self.assertFalse(may_process(self.bob, "statistics"))
        self.assertFalse(may_process(AnonymousUser(), "notifications"))
        self.assertFalse(may_process(None, "marketing"))

    def test_an_unknown_purpose_is_a_programming_error(self):
        with self.assertRaisesMessage(ValueError, "Unknown processing purpose 'advertising'"):
            may_process(self.bob, "advertising")


class PeopleForStatisticsTestCase(BaseTestCase):
    def test_it_leaves_out_restricted_people_and_research_objectors(self):
        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now())
        User.objects.filter(pk=self.charlie.pk).update(research_objection_at=timezone.now())
        self.assertEqual(list(people_for_statistics(User.objects.order_by("pk"))), [self.alice])

    def test_it_filters_rows_that_belong_to_people(self):
        project = Project.objects.create(org=self.org, name="Website")
        for user in (self.alice, self.bob):
            TimeEntry.objects.create(org=self.org, user=user, project=project, date=dt.date(2025, 6, 2), duration=60)
        User.objects.filter(pk=self.bob.pk).update(research_objection_at=timezone.now())
        rows = people_for_statistics(TimeEntry.objects.all())
        self.assertEqual([e.user_id for e in rows], [self.alice.pk])


class ConsentUnderRestrictionTestCase(BaseTestCase):
    def test_marketing_consent_does_not_count_while_restricted_and_the_ledger_is_untouched(self):
        for purpose in MARKETING_PURPOSES:
            do_record_consent(self.bob, purpose, True)
        self.assertTrue(all(has_consent(self.bob, p) for p in MARKETING_PURPOSES))

        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now())
        self.bob.refresh_from_db()
        for purpose in MARKETING_PURPOSES:
            self.assertFalse(has_consent(self.bob, purpose), purpose)
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob, granted=True).count(), len(MARKETING_PURPOSES))
        self.assertFalse(ConsentRecord.objects.filter(user=self.bob, granted=False).exists())

        # Lifted: the choices the person made count again.
        User.objects.filter(pk=self.bob.pk).update(restricted_at=None)
        self.bob.refresh_from_db()
        self.assertTrue(has_consent(self.bob, Purpose.NEWSLETTER))

    def test_every_purpose_is_a_marketing_purpose(self):
        # Testimonials (the person's name in our advertising) and partner sharing included.
        self.assertEqual(set(MARKETING_PURPOSES), set(Purpose))


class AutomatedMailTestCase(BaseTestCase):
    def send(self, person, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return queue_mail(person.email, "Your weekly reminder", "email_changed",
                              {"user": person, "new_email": "x@example.org"}, **extra)

    def test_an_automated_notification_goes_to_an_ordinary_account(self):
        self.assertIsNotNone(self.send(self.bob, automated=True, recipient=self.bob))
        self.assertEqual([m.to for m in mail.outbox], [[self.bob.email]])

    def test_it_is_not_sent_to_a_restricted_or_deactivated_account(self):
        self.bob.restricted_at = timezone.now()
        self.assertIsNone(self.send(self.bob, automated=True, recipient=self.bob))
        self.charlie.is_active = False
        self.assertIsNone(self.send(self.charlie, automated=True, recipient=self.charlie))
        self.assertEqual(mail.outbox, [])
        self.assertFalse(OutboxEmail.objects.exists())

    def test_mail_the_person_needs_still_goes_while_restricted(self):
        self.bob.restricted_at = timezone.now()
        self.assertIsNotNone(self.send(self.bob))
        self.assertEqual(len(mail.outbox), 1)

    def test_a_password_reset_still_goes_while_restricted(self):
        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/account/password/reset/", {"email": "bob@example.org"})
        self.assertEqual([m.to for m in mail.outbox], [[self.bob.email]])

    def test_an_automated_notification_must_name_its_recipient(self):
        with self.assertRaisesMessage(ValueError, "needs its recipient"):
            queue_mail("bob@example.org", "Reminder", "email_changed", {}, automated=True)
