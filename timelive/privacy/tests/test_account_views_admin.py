"""What an organisation's administrators and the operator see and do with account states."""

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase, make_user


class ManagedTestCase(BaseTestCase):
    def setUp(self):
        # alpha owns example.org: it manages alice's and bob's accounts.
        self.org.managed_domain = "example.org"
        self.org.save()
        self.member_url = f"/o/alpha/team/{self.bob_membership.code}/"
        self.deactivate_url = self.member_url + "deactivate/"
        self.reactivate_url = self.member_url + "reactivate/"


class BadgesTestCase(ManagedTestCase):
    def setUp(self):
        super().setUp()
        User.objects.filter(pk=self.bob.pk).update(restricted_at=timezone.now(), is_active=False,
                                                   deactivated_at=timezone.now())

    def test_admins_see_deactivated_and_restricted_on_the_member_page(self):
        self.login(self.alice)
        r = self.client.get(self.member_url)
        self.assertContains(r, '<span class="badge">Deactivated</span>', html=True)
        self.assertContains(r, '<span class="badge">Restricted</span>', html=True)
        self.assertContains(r, "nobody except them and the operator can")
        self.assertContains(r, "Reactivate account")

    def test_admins_see_them_on_the_team_page(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/team/")
        self.assertContains(r, '<span class="badge">Deactivated</span>', html=True)
        self.assertContains(r, '<span class="badge">Restricted</span>', html=True)

    def test_members_do_not(self):
        dora, _ = self.add_member("dora@example.org", "Dora Example")
        self.login(dora)
        for url in (self.member_url, "/o/alpha/team/"):
            r = self.client.get(url)
            self.assertContains(r, "Bob Example")
            self.assertNotContains(r, "Restricted")
            self.assertNotContains(r, "Deactivated")

    def test_the_team_page_costs_no_more_queries(self):
        self.login(self.alice)
        self.client.get("/o/alpha/team/")
        # The same as test_team's pin: the states are columns of the people already loaded.
        with self.assertNumQueries(9):
            r = self.client.get("/o/alpha/team/")
        for i in range(5):
            user, _ = self.add_member(f"n{i}@example.org", f"N {i}")
            User.objects.filter(pk=user.pk).update(restricted_at=timezone.now(), is_active=False)
        with self.assertNumQueries(9):
            r = self.client.get("/o/alpha/team/")
        self.assertContains(r, '<span class="badge">Restricted</span>', count=6, html=True)

    def test_the_member_page_query_count(self):
        self.login(self.alice)
        self.client.get(self.member_url)
        # Session, person, membership, the member; switcher and timer; the managing organisation.
        with self.assertNumQueries(8):
            self.client.get(self.member_url)


class AdminDeactivatesTestCase(ManagedTestCase):
    def test_it_asks_then_deactivates_with_a_reason(self):
        self.login(self.alice)
        self.assertContains(self.client.get(self.member_url), f'href="{self.deactivate_url}"')
        r = self.client.get(self.deactivate_url)
        self.assertContains(r, "Deactivate Bob Example's account?")
        self.assertContains(r, "Nothing is deleted")
        bob = Client()
        bob.force_login(self.bob, backend="timelive.accounts.backends.EmailBackend")
        ApiToken.issue(self.bob, "laptop")

        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.deactivate_url, {"reason": "Contract ended"}, follow=True)

        self.assertRedirects(r, self.member_url)
        self.assertContains(r, "Bob Example is deactivated")
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertFalse(UserSession.objects.filter(user=self.bob).exists())
        self.assertFalse(ApiToken.objects.filter(user=self.bob, revoked_at=None).exists())
        self.assertNotIn(SESSION_KEY, bob.session)
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual((log.org, log.actor, log.details["reason"]), (self.org, self.alice, "Contract ended"))
        self.assertIn("Reason given: Contract ended", mail.outbox[0].body)
        # alice stays logged in.
        self.assertEqual(self.client.get("/o/alpha/team/").status_code, 200)

    def test_a_too_long_reason_is_sent_back(self):
        self.login(self.alice)
        r = self.client.post(self.deactivate_url, {"reason": "x" * 501})
        self.assertContains(r, "at most 500 characters", status_code=400)
        self.assertContains(r, "x" * 501, status_code=400)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_then_reactivates_and_everything_is_there(self):
        self.login(self.alice)
        self.client.post(self.deactivate_url)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.reactivate_url, follow=True)
        self.assertContains(r, "Bob Example can log in again.")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
        self.assertTrue(self.bob_membership.__class__.objects.get(pk=self.bob_membership.pk).is_active)
        self.assertEqual(mail.outbox[-1].subject, "Your TimeLive account is active again")

    def test_refusals_become_messages(self):
        self.login(self.alice)
        r = self.client.post(self.reactivate_url, follow=True)
        self.assertContains(r, "Bob Example is active; there is nothing to reactivate.")
        self.client.post(self.deactivate_url)
        r = self.client.post(self.deactivate_url, follow=True)
        self.assertContains(r, "Bob Example is already deactivated.")
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_DEACTIVATED).count(), 1)

    def test_an_account_the_org_does_not_manage_is_not_offered(self):
        self.org.managed_domain = ""
        self.org.save()
        self.login(self.alice)
        r = self.client.get(self.member_url)
        self.assertContains(r, "does not manage this account")
        self.assertNotContains(r, f'href="{self.deactivate_url}"')
        r = self.client.post(self.deactivate_url, follow=True)
        self.assertContains(r, "Alpha Ltd does not manage Bob Example&#x27;s account")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_the_last_owner_is_refused_on_their_own_page(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/team/{self.alice_membership.code}/deactivate/", follow=True)
        self.assertContains(r, "the last active owner of Alpha Ltd")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_an_admin_deactivating_themself_is_logged_out(self):
        self.add_member("dora@example.org", "Dora Example", role=Role.OWNER)
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/team/{self.alice_membership.code}/deactivate/", follow=True)
        self.assertRedirects(r, "/account/login/")
        self.assertContains(r, "Your account is deactivated")
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_active)

    def test_a_member_gets_403(self):
        self.login(self.bob)
        url = f"/o/alpha/team/{self.alice_membership.code}/"
        for path in (url + "deactivate/", url + "reactivate/"):
            self.assertEqual(self.client.get(path).status_code, 403 if path.endswith("deactivate/") else 405)
            self.assertEqual(self.client.post(path).status_code, 403)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_an_outsider_gets_404(self):
        self.login(self.charlie)
        for path in (self.deactivate_url, self.reactivate_url):
            self.assertEqual(self.client.post(path).status_code, 404)
        self.assertEqual(self.client.get(self.deactivate_url).status_code, 404)
        # Not through his own organisation either.
        self.assertEqual(self.client.post(f"/o/bravo/team/{self.bob_membership.code}/deactivate/").status_code, 404)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)


class OperatorConsoleTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("olga@example.com", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(self.operator)

    def act(self, action, *users):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/operator/accounts/user/", {
                "action": action, "_selected_action": [u.pk for u in users]}, follow=True)

    def test_it_deactivates_and_reactivates_with_an_audit(self):
        ApiToken.issue(self.bob, "laptop")
        r = self.act("deactivate_accounts", self.bob)
        self.assertContains(r, "1 account(s) deactivated.")
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertFalse(ApiToken.objects.filter(user=self.bob, revoked_at=None).exists())
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual((log.actor, log.details["by"]), (self.operator, "operator"))
        r = self.act("reactivate_accounts", self.bob)
        self.assertContains(r, "1 account(s) reactivated.")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_it_says_why_it_refused(self):
        r = self.act("deactivate_accounts", self.alice, self.bob)
        self.assertContains(r, "Alice Example (alice@example.org): This person is the last active owner of Alpha Ltd.")
        self.assertContains(r, "1 account(s) deactivated.")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_it_restricts_and_lifts(self):
        self.act("restrict_processing", self.bob)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_restricted)
        r = self.act("restrict_processing", self.bob)
        self.assertContains(r, "already restricted")
        self.act("lift_restriction", self.bob)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_restricted)
        self.assertEqual(list(AuditLog.objects.filter(actor=self.operator).order_by("id").values_list("event", flat=True)),
                         [AuditEvent.ACCOUNT_RESTRICTED, AuditEvent.ACCOUNT_UNRESTRICTED])

    def test_the_change_form_cannot_tick_is_active(self):
        r = self.client.get(f"/operator/accounts/user/{self.bob.pk}/change/")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("is_active", r.context["adminform"].form.fields)
        self.assertContains(r, "Restricted at")
