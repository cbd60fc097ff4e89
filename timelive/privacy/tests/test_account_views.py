"""The account part of the privacy page: self-deactivation and objections."""

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.privacy.actions import do_record_consent
from timelive.privacy.consents import has_consent
from timelive.privacy.models import ConsentRecord, Purpose
from timelive.privacy.views.account import center_context
from timelive.test import PASSWORD, BaseTestCase

CENTER = "/account/privacy/"
DEACTIVATE = "/account/privacy/deactivate/"
OBJECT = "/account/privacy/object/"


class PrivacyPageAccountSectionTestCase(BaseTestCase):
    def test_it_offers_deactivation_and_both_objections(self):
        self.login(self.bob)
        r = self.client.get(CENTER)
        self.assertContains(r, "Your account")
        self.assertContains(r, f'href="{DEACTIVATE}"')
        self.assertContains(r, "You have not agreed to any marketing")
        self.assertContains(r, 'name="to" value="marketing"')
        self.assertContains(r, 'name="to" value="research"')
        self.assertNotContains(r, "Processing of your data is restricted")

    def test_it_shows_the_state_of_each_objection(self):
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        do_record_consent(self.bob, Purpose.TESTIMONIALS, True)
        User.objects.filter(pk=self.bob.pk).update(research_objection_at=timezone.now())
        self.login(self.bob)
        r = self.client.get(CENTER)
        self.assertContains(r, "You have agreed to: Newsletter, Testimonials.")
        self.assertContains(r, "<strong>You objected</strong>", html=False)
        self.assertNotContains(r, 'name="to" value="research"')

    def test_it_says_why_a_managed_person_cannot_deactivate(self):
        self.org.managed_domain = "example.org"
        self.org.save()
        self.login(self.bob)
        r = self.client.get(CENTER)
        self.assertContains(r, "Your account is managed by Alpha Ltd")
        self.assertNotContains(r, f'href="{DEACTIVATE}"')

    def test_it_says_why_the_last_owner_cannot_deactivate(self):
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertContains(r, "You are the last active owner of Alpha Ltd.")
        self.assertNotContains(r, f'href="{DEACTIVATE}"')

    def test_it_shows_a_restricted_notice(self):
        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now())
        self.login(self.bob)
        self.assertContains(self.client.get(CENTER), "Processing of your data is restricted")

    def test_its_queries_do_not_grow(self):
        request = RequestFactory().get(CENTER)
        request.user = self.alice
        # The managing organisation, the organisations alice is the last owner of, her marketing consents.
        with self.assertNumQueries(3):
            center_context(request)
        for purpose in Purpose:
            do_record_consent(self.alice, purpose, True)
        for slug in ("c1", "c2", "c3"):
            org = self.org.__class__.objects.create(slug=slug, name=slug)
            Membership.objects.create(org=org, user=self.alice, role=Role.OWNER)
            Membership.objects.create(org=org, user=self.bob, role=Role.MEMBER)
        with self.assertNumQueries(3):
            context = center_context(request)
        self.assertEqual(len(context["marketing_granted"]), len(Purpose))
        self.assertIn("Alpha Ltd, c1, c2, c3", context["deactivation_refusal"])


class SelfDeactivationTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.bob)

    def test_it_asks_for_the_password_first(self):
        r = self.client.get(DEACTIVATE)
        self.assertContains(r, "Deactivate your account?")
        self.assertContains(r, 'type="password"')
        self.assertContains(r, "Nothing is deleted")

    def test_it_deactivates_logs_out_and_says_so(self):
        ApiToken.issue(self.bob, "laptop")
        other = Client()
        other.force_login(self.bob, backend="timelive.accounts.backends.EmailBackend")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(DEACTIVATE, {"password": PASSWORD}, follow=True)
        self.assertRedirects(r, "/account/login/")
        self.assertContains(r, "Your account is deactivated and you are logged out everywhere.")
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertFalse(UserSession.objects.filter(user=self.bob).exists())
        self.assertFalse(ApiToken.objects.filter(user=self.bob, revoked_at=None).exists())
        # The other browser is logged out too.
        self.assertEqual(other.get("/account/profile/").status_code, 302)
        self.assertEqual([m.subject for m in mail.outbox], ["Your TimeLive account is deactivated"])
        self.assertTrue(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_DEACTIVATED, actor=self.bob).exists())

    def test_a_wrong_password_changes_nothing(self):
        r = self.client.post(DEACTIVATE, {"password": "not it"})
        self.assertContains(r, "That is not your password. Nothing was changed.", status_code=400)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
        self.assertEqual(self.client.get("/account/profile/").status_code, 200)

    def test_a_managed_person_is_told_to_ask_their_admins(self):
        self.org.managed_domain = "example.org"
        self.org.save()
        r = self.client.get(DEACTIVATE)
        self.assertContains(r, "Your account is managed by Alpha Ltd")
        self.assertNotContains(r, 'type="password"')
        r = self.client.post(DEACTIVATE, {"password": PASSWORD}, follow=True)
        self.assertRedirects(r, CENTER + "#account", fetch_redirect_response=False)
        self.assertContains(r, "Your account is managed by Alpha Ltd")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_the_last_owner_is_told_what_to_do(self):
        self.login(self.alice)
        r = self.client.post(DEACTIVATE, {"password": PASSWORD}, follow=True)
        self.assertContains(r, "You are the last active owner of Alpha Ltd. Make another member its owner first")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_it_needs_a_login(self):
        self.client.logout()
        self.assertRedirects(self.client.get(DEACTIVATE), f"/account/login/?next={DEACTIVATE}",
                             fetch_redirect_response=False)


class ObjectionTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.bob)

    def test_one_post_withdraws_marketing(self):
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        do_record_consent(self.bob, Purpose.PARTNER_SHARING, True)
        r = self.client.post(OBJECT, {"to": "marketing"}, follow=True)
        self.assertRedirects(r, CENTER + "#account", fetch_redirect_response=False)
        self.assertContains(r, "your consent is withdrawn for: newsletter, sharing with our partner.")
        self.assertFalse(has_consent(self.bob, Purpose.NEWSLETTER))
        self.assertFalse(has_consent(self.bob, Purpose.PARTNER_SHARING))
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob, method="request").count(), 2)
        # No confirmation mail for a one-click right.
        self.assertEqual(mail.outbox, [])

    def test_with_nothing_granted_it_says_so(self):
        r = self.client.post(OBJECT, {"to": "marketing"}, follow=True)
        self.assertContains(r, "there was nothing to withdraw")

    def test_one_post_objects_to_research(self):
        r = self.client.post(OBJECT, {"to": "research"}, follow=True)
        self.assertContains(r, "you are left out of usage statistics")
        self.bob.refresh_from_db()
        self.assertIsNotNone(self.bob.research_objection_at)
        r = self.client.post(OBJECT, {"to": "research"}, follow=True)
        self.assertContains(r, "already recorded")
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_OBJECTED).count(), 1)

    def test_a_bad_choice_changes_nothing(self):
        r = self.client.post(OBJECT, {"to": "everything"}, follow=True)
        self.assertContains(r, "That choice was not understood; nothing changed.")
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_OBJECTED).exists())

    def test_it_is_post_only_and_needs_a_login(self):
        self.assertEqual(self.client.get(OBJECT).status_code, 405)
        self.client.logout()
        r = self.client.post(OBJECT, {"to": "research"})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/account/login/"))
        self.bob.refresh_from_db()
        self.assertIsNone(self.bob.research_objection_at)

    def test_only_the_person_themself_is_affected(self):
        do_record_consent(self.alice, Purpose.NEWSLETTER, True)
        self.client.post(OBJECT, {"to": "marketing"})
        self.assertTrue(has_consent(self.alice, Purpose.NEWSLETTER))


class SelfDeactivationEmptyFormTestCase(BaseTestCase):
    def test_a_post_without_the_password_asks_for_it(self):
        self.login(self.bob)
        r = self.client.post(DEACTIVATE)
        self.assertContains(r, "This field is required.", status_code=400)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
