import datetime as dt

import time_machine

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.actions import do_record_consent
from timelive.privacy.consents import has_consent
from timelive.privacy.core.processing import may_process
from timelive.privacy.models import ConsentMethod, ConsentRecord, ObjectionTo, Purpose
from timelive.privacy.states import StateRefused, do_object
from timelive.test import BaseTestCase, make_user

NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)


class ObjectToMarketingTestCase(BaseTestCase):
    def test_it_withdraws_every_marketing_consent_in_force(self):
        for purpose in (Purpose.NEWSLETTER, Purpose.TESTIMONIALS, Purpose.PARTNER_SHARING):
            do_record_consent(self.bob, purpose, True)
        do_record_consent(self.bob, Purpose.PRODUCT_UPDATES, True)
        do_record_consent(self.bob, Purpose.PRODUCT_UPDATES, False)

        withdrawn = do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.bob)

        self.assertEqual(withdrawn, ["newsletter", "testimonials", "partner_sharing"])
        for purpose in Purpose:
            self.assertFalse(has_consent(self.bob, purpose), purpose)
        rows = ConsentRecord.objects.filter(user=self.bob, method=ConsentMethod.REQUEST)
        self.assertEqual(sorted(r.purpose for r in rows), ["newsletter", "partner_sharing", "testimonials"])
        self.assertTrue(all(not r.granted and r.source == "Objection to marketing, on the privacy page" for r in rows))
        # The earlier rows stay: withdrawal does not rewrite history.
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob, granted=True).count(), 4)
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_OBJECTED)
        self.assertIsNone(log.org)
        self.assertEqual((log.actor, log.target_id), (self.bob, self.bob.code))
        self.assertEqual(log.details, {"to": "marketing", "withdrawn": withdrawn, "by": "self"})

    def test_with_nothing_granted_it_is_still_recorded(self):
        self.assertEqual(do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.bob), [])
        self.assertFalse(ConsentRecord.objects.exists())
        self.assertTrue(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_OBJECTED).exists())

    def test_the_person_may_agree_again_later(self):
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.bob)
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        self.assertTrue(has_consent(self.bob, Purpose.NEWSLETTER))

    def test_a_managed_person_objects_themself(self):
        # The operator's marketing is not the employer's business.
        self.org.managed_domain = "example.org"
        self.org.save()
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.bob)
        self.assertFalse(has_consent(self.bob, Purpose.NEWSLETTER))

    def test_the_managing_admin_records_it_on_request(self):
        self.org.managed_domain = "example.org"
        self.org.save()
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.alice, org=self.org)
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob).last().source, "Objection to marketing, on request")
        self.assertEqual(AuditLog.objects.get(event=AuditEvent.ACCOUNT_OBJECTED).org, self.org)

    def test_someone_else_may_not(self):
        do_record_consent(self.alice, Purpose.NEWSLETTER, True)
        with self.assertRaises(StateRefused):
            do_object(self.alice, ObjectionTo.MARKETING, acting_user=self.bob)
        with self.assertRaisesMessage(StateRefused, "Alpha Ltd does not manage"):
            do_object(self.bob, ObjectionTo.MARKETING, acting_user=self.alice, org=self.org)
        self.assertTrue(has_consent(self.alice, Purpose.NEWSLETTER))

    def test_the_operator_may(self):
        operator = make_user("olga@example.com", "Olga", is_staff=True)
        do_record_consent(self.bob, Purpose.EVENTS_SURVEYS, True)
        do_object(self.bob, ObjectionTo.MARKETING, acting_user=operator, source="Letter of 1 June")
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob).last().source, "Letter of 1 June")
        self.assertFalse(has_consent(self.bob, Purpose.EVENTS_SURVEYS))


class ObjectToResearchTestCase(BaseTestCase):
    def test_it_leaves_the_person_out_of_statistics(self):
        with time_machine.travel(NOW.timestamp(), tick=False):
            self.assertEqual(do_object(self.bob, ObjectionTo.RESEARCH, acting_user=self.bob), [])
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.research_objection_at, NOW)
        self.assertFalse(may_process(self.bob, "statistics"))
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_OBJECTED)
        self.assertEqual(log.details, {"to": "research", "withdrawn": [], "by": "self"})

    def test_it_refuses_twice(self):
        do_object(self.bob, ObjectionTo.RESEARCH, acting_user=self.bob)
        with self.assertRaisesMessage(StateRefused, "already recorded"):
            do_object(self.bob, ObjectionTo.RESEARCH, acting_user=self.bob)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_OBJECTED).count(), 1)

    def test_it_refuses_an_unknown_objection(self):
        with self.assertRaisesMessage(StateRefused, "Object to marketing or to research"):
            do_object(self.bob, "advertising", acting_user=self.bob)
