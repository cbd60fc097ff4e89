import datetime as dt

import time_machine
from django.test import Client

from timelive.privacy.consents import has_consent
from timelive.privacy.models import ConsentMethod, ConsentRecord, Purpose
from timelive.test import BaseTestCase

from .helpers import NOW

URL = "/account/consents/"
# Steps shorter than the session idle timeout.
HOUR = dt.timedelta(hours=1)


class ConsentsPageTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def choose(self, purpose, granted):
        return self.client.post(URL, {"purpose": purpose, "granted": "1" if granted else "0"})

    def test_it_lists_every_purpose_not_granted_by_default(self):
        self.login(self.alice)
        r = self.client.get(URL)
        for label in ["Newsletter", "Product updates", "Events and surveys", "Testimonials"]:
            self.assertContains(r, f"<h2>{label}</h2>", html=True)
        self.assertContains(r, "Publish my name with my testimonial.")
        self.assertContains(r, "our implementation partner")
        self.assertContains(r, "<strong>Not granted</strong>", count=len(Purpose), html=True)
        self.assertContains(r, "No choice recorded yet.", count=len(Purpose))

    def test_it_grants_with_one_click(self):
        self.login(self.alice)
        r = self.choose(Purpose.NEWSLETTER, True)
        self.assertRedirects(r, URL, fetch_redirect_response=False)
        self.assertTrue(has_consent(self.alice, Purpose.NEWSLETTER))
        row = ConsentRecord.objects.get()
        self.assertEqual((row.method, row.source, row.at), (ConsentMethod.CONSENT_PAGE, "Your consents page", NOW))
        r = self.client.get(URL)
        self.assertContains(r, "Thank you. You agreed: “Send me the newsletter by email.”")
        self.assertContains(r, "<strong>Granted</strong>", count=1, html=True)
        self.assertContains(r, "Withdraw<span class=\"visually-hidden\">: Newsletter</span>")

    def test_withdrawal_is_one_click_and_says_past_processing_stands(self):
        self.login(self.alice)
        self.choose(Purpose.TESTIMONIALS, True)
        with time_machine.travel((NOW + HOUR).timestamp(), tick=False):
            self.choose(Purpose.TESTIMONIALS, False)
            r = self.client.get(URL)
        self.assertFalse(has_consent(self.alice, Purpose.TESTIMONIALS))
        self.assertContains(r, "This does not affect what was done with it before you withdrew it.")
        self.assertContains(r, "(withdrawn on 1 Jun 2025 10:00)")
        self.assertEqual(ConsentRecord.objects.count(), 2)

    def test_it_shows_the_full_history_oldest_first(self):
        self.login(self.alice)
        for hours, granted in enumerate([True, False, True]):
            with time_machine.travel((NOW + hours * HOUR).timestamp(), tick=False):
                self.choose(Purpose.PRODUCT_UPDATES, granted)
        with time_machine.travel((NOW + 2 * HOUR).timestamp(), tick=False):
            r = self.client.get(URL)
        state = next(s for s in r.context["purposes"] if s.purpose == Purpose.PRODUCT_UPDATES)
        self.assertEqual([rec.granted for rec in state.history], [True, False, True])
        content = r.content.decode()
        section = content[content.index("<caption class=\"visually-hidden\">History of Product updates"):]
        self.assertLess(section.index("1 Jun 2025 09:00"), section.index("1 Jun 2025 10:00"))
        self.assertLess(section.index("1 Jun 2025 10:00"), section.index("1 Jun 2025 11:00"))
        self.assertContains(r, ">2018-05-24</a>")

    def test_a_repeated_click_records_nothing_more(self):
        self.login(self.alice)
        self.choose(Purpose.NEWSLETTER, True)
        self.choose(Purpose.NEWSLETTER, True)
        self.assertEqual(ConsentRecord.objects.count(), 1)
        self.assertContains(self.client.get(URL), "Your choice was already recorded; nothing changed.")

    def test_bad_input_changes_nothing(self):
        self.login(self.alice)
        for data in [{}, {"purpose": "selling", "granted": "1"}, {"purpose": "newsletter", "granted": "maybe"}]:
            r = self.client.post(URL, data)
            self.assertRedirects(r, URL, fetch_redirect_response=False)
        self.assertFalse(ConsentRecord.objects.exists())
        self.assertContains(self.client.get(URL), "That choice was not understood; nothing changed.")

    def test_each_person_sees_and_changes_only_their_own(self):
        self.login(self.alice)
        self.choose(Purpose.NEWSLETTER, True)
        # charlie, of another organisation, sees his own (empty) ledger and changes only his.
        self.login(self.charlie)
        r = self.client.get(URL)
        self.assertContains(r, "<strong>Not granted</strong>", count=len(Purpose), html=True)
        self.choose(Purpose.EVENTS_SURVEYS, True)
        self.assertEqual(sorted(ConsentRecord.objects.values_list("user__email", "purpose")),
                         [("alice@example.org", "newsletter"), ("charlie@example.net", "events_surveys")])

    def test_it_needs_a_login(self):
        for method in ("get", "post"):
            r = getattr(Client(), method)(URL, {"purpose": "newsletter", "granted": "1"} if method == "post" else None)
            self.assertRedirects(r, f"/account/login/?next={URL}", fetch_redirect_response=False)
        self.assertFalse(ConsentRecord.objects.exists())

    def test_its_queries_do_not_grow_with_the_history(self):
        self.login(self.alice)
        self.client.get(URL)  # the session's first request may touch it
        for granted in [True, False, True]:
            self.choose(Purpose.NEWSLETTER, granted)
            self.choose(Purpose.TESTIMONIALS, granted)
        with self.assertNumQueries(6):
            self.client.get(URL)
        for granted in [False, True]:
            self.choose(Purpose.NEWSLETTER, granted)
            self.choose(Purpose.EVENTS_SURVEYS, granted)
        with self.assertNumQueries(6):
            self.client.get(URL)
