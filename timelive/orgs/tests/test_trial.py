import datetime as dt

import time_machine
from django.test import override_settings
from django.utils import timezone

from timelive.accounts.models import User
from timelive.orgs.models import AuditEvent, AuditLog, Organization, Plan, Role
from timelive.test import BaseTestCase, make_user

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
SIGNUP = {"full_name": "Tess Trial", "email": "tess@example.org", "password": "a long enough passphrase",
          "org_name": "Tess Works"}


@override_settings(TIMELIVE_EDITION="cloud")
class TrialTestCase(BaseTestCase):
    def make_trial(self, ends_at):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = ends_at
        self.org.save()

    def test_sign_up_starts_a_30_day_trial(self):
        with time_machine.travel(NOW, tick=False):
            r = self.client.post("/account/signup/", SIGNUP)
        org = Organization.objects.get(name="Tess Works")
        self.assertRedirects(r, f"/o/{org.slug}/", fetch_redirect_response=False)
        self.assertEqual(org.plan, Plan.TRIAL)
        self.assertEqual(org.trial_ends_at, NOW + dt.timedelta(days=30))
        self.assertEqual(org.memberships.get().user, User.objects.get(email="tess@example.org"))
        self.assertEqual(org.memberships.get().role, Role.OWNER)
        created = AuditLog.objects.get(org=org, event=AuditEvent.ORG_CREATED)
        self.assertEqual(created.details, {"plan": "trial", "edition": "cloud"})

    def test_the_banner_counts_the_days_left(self):
        with time_machine.travel(NOW, tick=False):
            self.make_trial(NOW + dt.timedelta(days=30))
            self.login(self.bob)
            self.assertContains(self.client.get("/o/alpha/"), "Trial: 30 days left.")
        # A part of a day counts as a day, to the last microsecond.
        for later in [dt.timedelta(days=29, hours=1), dt.timedelta(days=29, hours=23, minutes=59, seconds=59),
                      dt.timedelta(days=30) - dt.timedelta(microseconds=1)]:
            with time_machine.travel(NOW + later, tick=False):
                self.login(self.bob)  # a fresh session: the old one timed out meanwhile
                self.assertContains(self.client.get("/o/alpha/"), "Trial: 1 day left.", msg_prefix=str(later))

    def test_subscribed_organisations_have_no_banner(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/")
        self.assertNotContains(r, "Trial:")
        self.assertNotContains(r, "read-only")

    def test_after_expiry_gets_still_work(self):
        self.make_trial(timezone.now() - dt.timedelta(minutes=1))
        self.login(self.alice)
        for path in ["/o/alpha/", "/o/alpha/team/", f"/o/alpha/team/{self.bob_membership.code}/", "/o/alpha/settings/",
                     "/o/alpha/audit/", "/o/alpha/audit.csv", f"/o/alpha/team/{self.bob_membership.code}/remove/"]:
            r = self.client.get(path)
            self.assertEqual(r.status_code, 200, path)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "The trial of Alpha Ltd has ended, so it is read-only.")
        self.assertContains(r, "Contact us to subscribe.")

    def test_after_expiry_every_post_is_refused_with_an_explanation(self):
        from timelive.orgs.actions import do_invite_member

        invitation, _ = do_invite_member(self.org, "x@example.org", Role.MEMBER, acting_user=self.alice)
        self.make_trial(timezone.now() - dt.timedelta(minutes=1))
        self.login(self.alice)
        bob = self.bob_membership.code
        posts = {
            "/o/alpha/settings/": {"name": "Renamed", "time_zone": "UTC", "currency": "USD", "week_start": "0"},
            "/o/alpha/team/invite/": {"email": "new@example.org", "role": "member"},
            f"/o/alpha/team/{bob}/role/": {"role": "admin"},
            f"/o/alpha/team/{bob}/remove/": {},
            f"/o/alpha/team/{bob}/restore/": {},
            f"/o/alpha/team/invitations/{invitation.code}/revoke/": {},
        }
        for path, data in posts.items():
            r = self.client.post(path, data)
            self.assertContains(r, "The trial of Alpha Ltd has ended, so it is read-only.", status_code=403, msg_prefix=path)
        self.org.refresh_from_db()
        self.bob_membership.refresh_from_db()
        self.assertEqual(self.org.name, "Alpha Ltd")
        self.assertEqual((self.bob_membership.role, self.bob_membership.is_active), (Role.MEMBER, True))
        self.assertEqual(self.org.invitations.count(), 1)

    def test_people_can_still_log_in_after_expiry(self):
        self.make_trial(timezone.now() - dt.timedelta(days=1))
        r = self.client.post("/account/login/", {"email": "bob@example.org", "password": "correct horse battery"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get("/o/alpha/").status_code, 200)

    def test_other_organisations_are_not_affected(self):
        self.make_trial(timezone.now() - dt.timedelta(days=1))
        self.login(self.charlie)
        r = self.client.post("/o/bravo/settings/", {"name": "Bravo 2", "time_zone": "UTC", "currency": "USD",
                                                    "week_start": "0"})
        self.assertEqual(r.status_code, 302)

    def test_marking_subscribed_lifts_read_only(self):
        self.make_trial(timezone.now() - dt.timedelta(days=1))
        operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)
        self.client.force_login(operator, backend="timelive.accounts.backends.EmailBackend")
        r = self.client.post("/operator/orgs/organization/",
                             {"action": "mark_subscribed", "_selected_action": [self.org.pk], "index": 0})
        self.assertEqual(r.status_code, 302)
        self.org.refresh_from_db()
        self.assertEqual(self.org.plan, Plan.SUBSCRIBED)
        self.assertFalse(self.org.is_read_only)
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/", {"name": "Renamed", "time_zone": "UTC", "currency": "USD",
                                                    "week_start": "0"})
        self.assertEqual(r.status_code, 302)
        self.assertNotContains(self.client.get("/o/alpha/"), "Trial")
