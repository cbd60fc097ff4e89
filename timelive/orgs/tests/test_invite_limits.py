"""Invitations are limited per organisation and per inviter, and names that
go into invitation mail carry no line breaks or links."""

import datetime as dt

import time_machine
from django.utils import timezone

from timelive.orgs.actions import INVITATION_LIMITS, ActionError, do_invite_member
from timelive.orgs.models import Invitation, Organization, Plan, Role
from timelive.test import BaseTestCase

URL = "/o/alpha/team/invite/"


class InvitationLimitTestCase(BaseTestCase):
    def invite(self, n, role=Role.MEMBER):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, {"email": f"person{n}@example.org", "role": role})

    def limit(self, plan, scope, window):
        return next(limit.count for limit in INVITATION_LIMITS[plan] if (limit.scope, limit.window) == (scope, window))

    def test_a_trial_organisation_is_stopped_within_the_hour(self):
        Organization.objects.filter(pk=self.org.pk).update(plan=Plan.TRIAL)
        self.login(self.alice)
        allowed = self.limit(Plan.TRIAL, "organisation", 3600)
        self.assertLess(allowed, 20)
        for n in range(allowed):
            self.assertEqual(self.invite(n).status_code, 302)
        r = self.invite(allowed)
        self.assertContains(r, "Too many invitations", status_code=429)
        self.assertContains(r, "try again", status_code=429)
        self.assertEqual(Invitation.objects.filter(org=self.org).count(), allowed)
        # An hour later the organisation may invite again.
        with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
            self.assertEqual(self.invite(allowed + 1).status_code, 302)

    def test_a_subscribed_organisation_has_higher_limits(self):
        self.assertGreater(self.limit(Plan.SUBSCRIBED, "organisation", 3600),
                           self.limit(Plan.TRIAL, "organisation", 3600))
        self.assertGreater(self.limit(Plan.SUBSCRIBED, "organisation", 86400),
                           self.limit(Plan.TRIAL, "organisation", 86400))

    def test_each_inviter_has_their_own_limit(self):
        allowed = self.limit(Plan.SUBSCRIBED, "inviter", 3600)
        for n in range(allowed):
            do_invite_member(self.org, f"p{n}@example.org", Role.MEMBER, acting_user=self.alice)
        with self.assertRaisesRegex(ActionError, "Too many invitations"):
            do_invite_member(self.org, "one-more@example.org", Role.MEMBER, acting_user=self.alice)
        # Another administrator of the organisation still may (the organisation's own limit is higher).
        admin, _ = self.add_member("ada@example.org", "Ada Admin", role=Role.ADMIN)
        do_invite_member(self.org, "from-ada@example.org", Role.MEMBER, acting_user=admin)

    def test_the_day_limit_counts_the_whole_day(self):
        Organization.objects.filter(pk=self.org.pk).update(plan=Plan.TRIAL)
        self.org.refresh_from_db()
        per_day = self.limit(Plan.TRIAL, "organisation", 86400)
        start = timezone.now()
        for n in range(per_day):
            # Spread over the day, under the hourly limit.
            with time_machine.travel(start + dt.timedelta(minutes=30 * n)):
                do_invite_member(self.org, f"d{n}@example.org", Role.MEMBER, acting_user=self.alice)
        with time_machine.travel(start + dt.timedelta(minutes=30 * per_day)), \
                self.assertRaisesRegex(ActionError, "Too many invitations"):
            do_invite_member(self.org, "late@example.org", Role.MEMBER, acting_user=self.alice)


class MailSafeNamesTestCase(BaseTestCase):
    BAD = ["Acme\nClick http://evil.example", "Visit www.evil.example", "evil.example", "x://y",
           "Prize at https://evil.example/win", "Line\rbreak"]

    def test_signup_refuses_links_and_line_breaks_in_names(self):
        for bad in self.BAD:
            with self.subTest(bad=bad):
                r = self.client.post("/account/signup/", {"full_name": bad, "email": "new@example.org",
                                                          "password": "a long fine passphrase", "org_name": bad})
                self.assertIn(r.status_code, (200, 400))
                form = r.context["form"]
                self.assertIn("full_name", form.errors)
                self.assertIn("org_name", form.errors)
                self.assertIn("no web addresses or line breaks", str(form.errors["org_name"]))

    def test_ordinary_names_pass(self):
        from timelive.accounts.validators import validate_mail_safe_name

        for good in ("Zoë O'Brien", "Acme Co. Ltd", "J.R.R. Tolkien", "Smith & Sons, Inc.", "A-1 Plumbing"):
            validate_mail_safe_name(good)

    def test_profile_and_organisation_settings_refuse_them_too(self):
        self.login(self.alice)
        r = self.client.post("/account/profile/", {"full_name": "Alice www.evil.example", "time_zone": "UTC"})
        self.assertIn("full_name", r.context["form"].errors)
        r = self.client.post("/o/alpha/settings/", {"name": "Alpha http://evil.example", "time_zone": "UTC",
                                                     "currency": "USD", "week_start": 0})
        self.assertContains(r, "no web addresses or line breaks", status_code=r.status_code)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Alpha Ltd")

    def test_an_invitation_is_refused_while_a_name_in_it_has_a_link(self):
        Organization.objects.filter(pk=self.org.pk).update(name="Alpha www.evil.example")
        self.org.refresh_from_db()
        with self.assertRaisesRegex(ActionError, "web address"):
            do_invite_member(self.org, "new@example.org", Role.MEMBER, acting_user=self.alice)
        self.assertFalse(Invitation.objects.exists())
