import time_machine

from timelive.orgs.actions import ActionError
from timelive.privacy.actions import do_record_consent
from timelive.privacy.consents import has_consent
from timelive.privacy.models import ConsentMethod, ConsentRecord, PolicyVersion, Purpose
from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version


class RecordConsentTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def test_it_appends_a_grant_tied_to_the_privacy_policy_in_force(self):
        v2 = make_version(label="2.0", effective_at=NOW - DAY)
        make_version(label="3.0", effective_at=NOW + DAY)
        make_version("terms", "1.0", effective_at=NOW - DAY)
        row = do_record_consent(self.alice, Purpose.NEWSLETTER, True, method=ConsentMethod.SIGNUP,
                                source="Sign-up form")
        self.assertEqual((row.user, row.purpose, row.granted, row.at, row.policy_version, row.method, row.source),
                         (self.alice, "newsletter", True, NOW, v2, "signup", "Sign-up form"))
        self.assertTrue(has_consent(self.alice, Purpose.NEWSLETTER))

    def test_a_withdrawal_is_a_new_row(self):
        granted = do_record_consent(self.alice, Purpose.TESTIMONIALS, True)
        with time_machine.travel((NOW + DAY).timestamp(), tick=False):
            withdrawn = do_record_consent(self.alice, Purpose.TESTIMONIALS, False)
        self.assertEqual(list(ConsentRecord.objects.order_by("at")), [granted, withdrawn])
        self.assertTrue(ConsentRecord.objects.get(pk=granted.pk).granted)
        self.assertFalse(has_consent(self.alice, Purpose.TESTIMONIALS))

    def test_the_same_choice_twice_adds_nothing(self):
        do_record_consent(self.alice, Purpose.NEWSLETTER, True)
        self.assertIsNone(do_record_consent(self.alice, Purpose.NEWSLETTER, True))
        # Withdrawing what was never granted changes nothing either.
        self.assertIsNone(do_record_consent(self.alice, Purpose.EVENTS_SURVEYS, False))
        self.assertEqual(ConsentRecord.objects.count(), 1)

    def test_it_defaults_to_the_consent_page_and_the_seeded_policy(self):
        row = do_record_consent(self.bob, Purpose.PARTNER_SHARING, True)
        self.assertEqual(row.method, ConsentMethod.CONSENT_PAGE)
        self.assertEqual(row.policy_version, PolicyVersion.objects.get(label="2018-05-24"))

    def test_it_refuses_unknown_purposes_and_methods(self):
        with self.assertRaises(ActionError):
            do_record_consent(self.alice, "selling", True)
        with self.assertRaises(ActionError):
            do_record_consent(self.alice, Purpose.NEWSLETTER, True, method="carrier pigeon")
        self.assertFalse(ConsentRecord.objects.exists())
