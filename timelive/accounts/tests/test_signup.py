import datetime as dt
from unittest.mock import patch

from django.core import mail
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone

from timelive.accounts.models import User
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Organization, Plan, Role
from timelive.test import BaseTestCase

from .helpers import first_link

GOOD_PASSWORD = "a sunny day on the river"


class SignUpTestCase(BaseTestCase):
    url = "/account/signup/"

    def post(self, **changes):
        data = {"full_name": "Dora Newcomer", "email": "dora@example.com", "password": GOOD_PASSWORD,
                "org_name": "Dora Consulting", **changes}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data)

    def test_it_shows_the_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Start your free 30-day trial")
        self.assertContains(r, '<label for="id_email">')
        self.assertContains(r, 'autocomplete="new-password"')
        self.assertContains(r, 'autocomplete="organization"')

    def test_it_creates_user_org_trial_membership_and_audit_rows(self):
        before = timezone.now()
        r = self.post(email="  Dora@Example.COM ")
        dora = User.objects.get(email="dora@example.com")
        self.assertEqual(dora.full_name, "Dora Newcomer")
        self.assertTrue(dora.check_password(GOOD_PASSWORD))
        self.assertFalse(dora.is_email_verified)

        org = Organization.objects.get(name="Dora Consulting")
        self.assertRedirects(r, f"/o/{org.slug}/", fetch_redirect_response=False)
        self.assertEqual(org.plan, Plan.TRIAL)
        trial = org.trial_ends_at - before
        self.assertGreaterEqual(trial, dt.timedelta(days=30))
        self.assertLess(trial, dt.timedelta(days=30, minutes=1))
        self.assertTrue(Membership.objects.filter(org=org, user=dora, role=Role.OWNER, is_active=True).exists())
        dora.refresh_from_db()
        self.assertEqual(dora.last_org, org)

        events = set(AuditLog.objects.filter(org=org).values_list("event", flat=True))
        self.assertEqual(events, {AuditEvent.ORG_CREATED, AuditEvent.MEMBER_JOINED})
        self.assertEqual(set(AuditLog.objects.filter(org=org).values_list("actor", flat=True)), {dora.pk})

    def test_it_logs_the_new_person_in(self):
        self.post()
        dora = User.objects.get(email="dora@example.com")
        r = self.client.get("/account/profile/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["user"], dora)
        self.assertTrue(dora.sessions.exists())

    def test_it_sends_a_verification_mail(self):
        self.post()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["dora@example.com"])
        self.assertIn("Confirm your email", message.subject)
        self.assertIn("/account/verify/", first_link(message))

    def test_it_refuses_a_taken_email_in_any_case(self):
        for email in ["alice@example.org", "ALICE@EXAMPLE.ORG", " Alice@Example.org"]:
            r = self.post(email=email, full_name="Second Alice", org_name="Copycat")
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, "An account with this email already exists")
            # The form keeps what was typed (but never the password).
            self.assertContains(r, 'value="Second Alice"')
            self.assertContains(r, 'value="Copycat"')
            self.assertContains(r, 'aria-invalid="true"')
            self.assertNotContains(r, GOOD_PASSWORD)
        self.assertEqual(User.objects.filter(email__iexact="alice@example.org").count(), 1)
        self.assertFalse(Organization.objects.filter(name="Copycat").exists())
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_an_email_taken_in_a_race_without_a_500(self):
        # Two sign-ups at once: the form check passes for both, the database refuses the second.
        with patch("timelive.accounts.forms.email_taken", return_value=False):
            r = self.post(email="bob@example.org", org_name="Racing")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "An account with this email already exists")
        self.assertFalse(Organization.objects.filter(name="Racing").exists())

    def test_it_requires_every_field(self):
        r = self.post(full_name="", email="", password="", org_name="   ")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(set(r.context["form"].errors), {"full_name", "email", "password", "org_name"})
        self.assertFalse(User.objects.filter(full_name="").exists())

    def test_it_refuses_a_malformed_email(self):
        r = self.post(email="dora-at-example")
        self.assertContains(r, "Enter a valid email address.")
        self.assertFalse(User.objects.filter(full_name="Dora Newcomer").exists())

    def test_it_redirects_someone_already_logged_in(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    @override_settings(TIMELIVE_EDITION="onprem")
    def test_it_is_off_on_premises(self):
        self.assertEqual(self.client.get(self.url).status_code, 404)
        r = self.post()
        self.assertEqual(r.status_code, 404)
        self.assertFalse(User.objects.filter(email="dora@example.com").exists())

    @override_settings(TIMELIVE_EDITION="onprem")
    def test_it_hides_the_sign_up_link_on_premises(self):
        r = self.client.get("/account/login/")
        self.assertNotContains(r, "/account/signup/")

    def test_it_links_to_sign_up_from_login_in_the_cloud(self):
        r = self.client.get("/account/login/")
        self.assertContains(r, 'href="/account/signup/"')


class SignUpRaceTestCase(BaseTestCase):
    def test_it_lets_the_database_refuse_a_second_account_in_another_case(self):
        with self.assertRaises(IntegrityError):
            User.objects.bulk_create([User(email="ALICE@example.org", full_name="Case Twin")])
