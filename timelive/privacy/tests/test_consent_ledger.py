import datetime as dt

from django.db import transaction
from django.test import override_settings

from timelive.privacy.consents import consent_overview, has_consent
from timelive.privacy.models import (
    ConsentMethod,
    ConsentRecord,
    Immutable,
    PolicyAcceptance,
    PolicyVersion,
    Purpose,
    purpose_description,
)
from timelive.test import BaseTestCase

from .helpers import NOW


def record(user, purpose, granted, minutes=0, **extra):
    return ConsentRecord.objects.create(user=user, purpose=purpose, granted=granted,
                                        at=NOW + dt.timedelta(minutes=minutes),
                                        method=extra.pop("method", ConsentMethod.CONSENT_PAGE), **extra)


class ConsentLedgerTestCase(BaseTestCase):
    def test_it_refuses_to_change_or_delete_a_record(self):
        row = record(self.alice, Purpose.NEWSLETTER, True)
        row.granted = False
        with self.assertRaises(Immutable):
            row.save()
        with self.assertRaises(Immutable):
            row.delete()
        with self.assertRaises(Immutable), transaction.atomic():
            ConsentRecord.objects.filter(pk=row.pk).update(granted=False)
        with self.assertRaises(Immutable), transaction.atomic():
            ConsentRecord.objects.all().delete()
        self.assertTrue(ConsentRecord.objects.get(pk=row.pk).granted)

    def test_acknowledgements_are_append_only_too(self):
        acceptance = PolicyAcceptance.objects.create(user=self.alice, version=PolicyVersion.objects.get())
        with self.assertRaises(Immutable):
            acceptance.save()
        with self.assertRaises(Immutable), transaction.atomic():
            PolicyAcceptance.objects.all().delete()

    def test_marketing_is_opt_in(self):
        for purpose in Purpose:
            self.assertFalse(has_consent(self.alice, purpose), purpose)
        self.assertTrue(all(not state.granted and state.current is None for state in consent_overview(self.alice)))

    def test_the_latest_record_decides(self):
        record(self.alice, Purpose.NEWSLETTER, True, 0)
        record(self.alice, Purpose.NEWSLETTER, False, 1)
        record(self.alice, Purpose.TESTIMONIALS, False, 0)
        record(self.alice, Purpose.TESTIMONIALS, True, 2)
        self.assertFalse(has_consent(self.alice, Purpose.NEWSLETTER))
        self.assertTrue(has_consent(self.alice, Purpose.TESTIMONIALS))

    def test_records_at_the_same_moment_are_ordered_by_insertion(self):
        record(self.alice, Purpose.NEWSLETTER, True, 0)
        record(self.alice, Purpose.NEWSLETTER, False, 0)
        self.assertFalse(has_consent(self.alice, Purpose.NEWSLETTER))
        state = next(s for s in consent_overview(self.alice) if s.purpose == Purpose.NEWSLETTER)
        self.assertEqual([r.granted for r in state.history], [True, False])

    def test_consent_is_personal(self):
        record(self.alice, Purpose.NEWSLETTER, True)
        self.assertFalse(has_consent(self.bob, Purpose.NEWSLETTER))

    def test_a_deactivated_or_anonymous_person_consents_to_nothing(self):
        from django.contrib.auth.models import AnonymousUser

        record(self.alice, Purpose.NEWSLETTER, True)
        self.alice.is_active = False
        self.assertFalse(has_consent(self.alice, Purpose.NEWSLETTER))
        self.assertFalse(has_consent(AnonymousUser(), Purpose.NEWSLETTER))
        self.assertFalse(has_consent(None, Purpose.NEWSLETTER))

    def test_the_overview_has_every_purpose_with_its_history_oldest_first(self):
        record(self.alice, Purpose.PRODUCT_UPDATES, True, 5)
        record(self.alice, Purpose.NEWSLETTER, True, 0)
        record(self.alice, Purpose.NEWSLETTER, False, 3)
        record(self.alice, Purpose.NEWSLETTER, True, 9)
        record(self.bob, Purpose.EVENTS_SURVEYS, True)
        with self.assertNumQueries(1):
            states = {s.purpose: s for s in consent_overview(self.alice)}
        self.assertEqual(list(states), [p.value for p in Purpose])
        newsletter = states[Purpose.NEWSLETTER]
        self.assertEqual([(r.granted, r.at) for r in newsletter.history],
                         [(True, NOW), (False, NOW + dt.timedelta(minutes=3)), (True, NOW + dt.timedelta(minutes=9))])
        self.assertTrue(newsletter.granted)
        self.assertTrue(states[Purpose.PRODUCT_UPDATES].granted)
        self.assertFalse(states[Purpose.EVENTS_SURVEYS].granted)
        self.assertEqual(states[Purpose.EVENTS_SURVEYS].history, [])

    def test_the_partner_is_named(self):
        self.assertIn("our implementation partner", purpose_description(Purpose.PARTNER_SHARING))
        with override_settings(TIMELIVE_CONSENT_PARTNER="Acme Consulting"):
            self.assertIn("with Acme Consulting,", purpose_description(Purpose.PARTNER_SHARING))
        self.assertEqual(purpose_description(Purpose.TESTIMONIALS), "Publish my name with my testimonial.")

    def test_it_keeps_no_ip_address(self):
        for model in (ConsentRecord, PolicyAcceptance):
            names = [f.name for f in model._meta.get_fields()]
            self.assertFalse([n for n in names if "ip" in n.lower().split("_")], names)
