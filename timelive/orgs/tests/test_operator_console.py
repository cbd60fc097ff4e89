import datetime as dt

import time_machine
from django.utils import timezone

from timelive.orgs.models import AuditEvent, AuditLog, Membership, Organization, Plan, Role
from timelive.test import BaseTestCase, make_user

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


class OperatorConsoleTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)
        # Whole seconds, as the admin's date and time fields show them.
        Membership.objects.update(created_at=NOW)

    def as_operator(self):
        self.client.force_login(self.operator, backend="timelive.accounts.backends.EmailBackend")

    def run_action(self, action, *orgs):
        return self.client.post("/operator/orgs/organization/",
                                {"action": action, "_selected_action": [o.pk for o in orgs], "index": 0})

    def test_anonymous_visitors_are_sent_to_the_operator_login(self):
        for path in ["/operator/", "/operator/orgs/organization/", f"/operator/orgs/organization/{self.org.pk}/change/"]:
            r = self.client.get(path)
            self.assertRedirects(r, f"/operator/login/?next={path}", fetch_redirect_response=False)

    def test_non_staff_are_sent_to_the_operator_login(self):
        # Even the organisation's owner.
        self.login(self.alice)
        r = self.client.get("/operator/orgs/organization/")
        self.assertRedirects(r, "/operator/login/?next=/operator/orgs/organization/", fetch_redirect_response=False)
        r = self.run_action("mark_subscribed", self.org)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/operator/login/"))

    def test_staff_see_the_console(self):
        self.as_operator()
        self.assertContains(self.client.get("/operator/"), "TimeLive operator console")
        self.assertContains(self.client.get("/operator/orgs/organization/"), "Alpha Ltd")
        self.assertEqual(self.client.get(f"/operator/orgs/organization/{self.org.pk}/change/").status_code, 200)

    def test_marking_subscribed_is_audited_with_the_operator(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = NOW
        self.org.save()
        self.as_operator()
        self.assertEqual(self.run_action("mark_subscribed", self.org).status_code, 302)
        self.org.refresh_from_db()
        self.assertEqual(self.org.plan, Plan.SUBSCRIBED)
        log = AuditLog.objects.get(event=AuditEvent.ORG_PLAN_CHANGED)
        self.assertEqual((log.org, log.actor), (self.org, self.operator))
        self.assertEqual(log.details["old"], {"plan": "trial", "trial_ends_at": NOW.isoformat()})
        self.assertEqual(log.details["new"]["plan"], "subscribed")

    def test_marking_an_already_subscribed_organisation_changes_nothing(self):
        self.as_operator()
        self.run_action("mark_subscribed", self.org)
        self.assertFalse(AuditLog.objects.exists())

    def test_extending_a_trial_adds_14_days_to_its_end(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = NOW + dt.timedelta(days=3)
        self.org.save()
        with time_machine.travel(NOW, tick=False):
            self.as_operator()
            self.run_action("extend_trial", self.org, self.other_org)
        self.org.refresh_from_db()
        self.assertEqual(self.org.trial_ends_at, NOW + dt.timedelta(days=17))
        # A subscribed organisation is not put back on a trial.
        self.other_org.refresh_from_db()
        self.assertEqual(self.other_org.plan, Plan.SUBSCRIBED)
        log = AuditLog.objects.get(event=AuditEvent.ORG_PLAN_CHANGED)
        self.assertEqual((log.org, log.actor), (self.org, self.operator))

    def test_extending_an_ended_trial_counts_from_today(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = NOW - dt.timedelta(days=10)
        self.org.save()
        with time_machine.travel(NOW, tick=False):
            self.as_operator()
            self.run_action("extend_trial", self.org)
            self.org.refresh_from_db()
            self.assertEqual(self.org.trial_ends_at, NOW + dt.timedelta(days=14))
            self.assertFalse(self.org.is_read_only)

    def test_editing_a_membership_role_is_audited(self):
        self.as_operator()
        r = self.client.post(f"/operator/orgs/membership/{self.bob_membership.pk}/change/", {
            "org": self.org.pk, "user": self.bob.pk, "role": Role.ADMIN, "is_active": "on",
            "created_at_0": "2025-06-01", "created_at_1": "09:00:00",
        })
        self.assertEqual(r.status_code, 302, r.content[-2000:])
        self.bob_membership.refresh_from_db()
        self.assertEqual(self.bob_membership.role, Role.ADMIN)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual((log.org, log.actor, log.target_id), (self.org, self.operator, self.bob_membership.code))
        self.assertEqual(log.details["changes"], {"role": {"old": "member", "new": "admin"}})
        self.assertEqual(log.details["action"], "change")

    def test_editing_the_organisation_and_its_members_inline_is_audited(self):
        self.as_operator()
        memberships = list(Membership.objects.filter(org=self.org).order_by("pk"))
        data = {
            "slug": "alpha", "name": "Alpha Renamed", "time_zone": "UTC", "currency": "USD", "week_start": "0",
            "memberships-TOTAL_FORMS": str(len(memberships)), "memberships-INITIAL_FORMS": str(len(memberships)),
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        }
        # Fields other apps add to the organisation keep their current values.
        form = self.client.get(f"/operator/orgs/organization/{self.org.pk}/change/").context["adminform"].form
        for name in form.fields:
            if name not in data:
                value = form[name].value()
                if value not in (None, False):
                    data[name] = "on" if value is True else value
        for i, m in enumerate(memberships):
            data.update({f"memberships-{i}-id": m.pk, f"memberships-{i}-org": self.org.pk,
                         f"memberships-{i}-role": Role.MANAGER if m == self.bob_membership else m.role,
                         f"memberships-{i}-is_active": "on"})
        r = self.client.post(f"/operator/orgs/organization/{self.org.pk}/change/", data)
        self.assertEqual(r.status_code, 302, r.context and r.context["adminform"].form.errors)
        logs = {log.target_type: log for log in AuditLog.objects.filter(event=AuditEvent.OPERATOR_CHANGE)}
        self.assertEqual(logs["organization"].details["changes"], {"name": {"old": "Alpha Ltd", "new": "Alpha Renamed"}})
        self.assertEqual(logs["membership"].details["changes"], {"role": {"old": "member", "new": "manager"}})
        self.assertEqual(logs["membership"].actor, self.operator)
        self.assertEqual(len(logs), 2)

    def test_organisations_cannot_be_deleted_from_the_console(self):
        self.as_operator()
        r = self.client.get(f"/operator/orgs/organization/{self.org.pk}/delete/")
        self.assertEqual(r.status_code, 403)
        self.client.post("/operator/orgs/organization/",
                         {"action": "delete_selected", "_selected_action": [self.org.pk], "post": "yes"})
        self.assertTrue(Organization.objects.filter(pk=self.org.pk).exists())

    def test_the_audit_log_is_read_only_in_the_console(self):
        log = AuditLog.objects.create(org=self.org, actor=self.alice, event=AuditEvent.MEMBER_JOINED)
        self.as_operator()
        self.assertEqual(self.client.get(f"/operator/orgs/auditlog/{log.pk}/change/").status_code, 200)
        self.assertEqual(self.client.get(f"/operator/orgs/auditlog/{log.pk}/delete/").status_code, 403)
        self.assertEqual(self.client.get("/operator/orgs/auditlog/add/").status_code, 403)

    def test_invitation_token_hashes_are_not_shown(self):
        from timelive.orgs.actions import do_invite_member

        invitation, _ = do_invite_member(self.org, "x@example.org", Role.MEMBER, acting_user=self.alice)
        self.as_operator()
        r = self.client.get(f"/operator/orgs/invitation/{invitation.pk}/change/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, invitation.token_hash)

    def test_trial_state_reads_as_expected_in_the_list(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now()
        self.org.save()
        self.as_operator()
        self.assertContains(self.client.get("/operator/orgs/organization/?plan__exact=trial"), "Alpha Ltd")


class OperatorLastOwnerTestCase(BaseTestCase):
    def test_the_console_keeps_an_owner(self):
        operator = make_user("olga@example.com", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(operator)
        m = self.alice_membership
        r = self.client.post(f"/operator/orgs/membership/{m.pk}/change/", {
            "org": self.org.pk, "user": self.alice.pk, "role": "member", "is_active": "on", "custom_fields": "{}",
        })
        self.assertContains(r, "last active owner")
        m.refresh_from_db()
        self.assertEqual(m.role, "owner")
