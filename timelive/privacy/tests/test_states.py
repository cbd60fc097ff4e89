import datetime as dt

import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from timelive.accounts.models import UserSession
from timelive.accounts.session_store import SessionStore
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.privacy.states import (
    StateRefused,
    do_deactivate,
    do_lift_restriction,
    do_reactivate,
    do_restrict,
    end_access,
    last_owner_orgs,
)
from timelive.test import PASSWORD, BaseTestCase, make_user
from timelive.tracking.models import Project, TimeEntry

NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)


def make_session(user) -> str:
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    return session.session_key


class StatesTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("olga@example.com", "Olga Operator", is_staff=True)

    def manage_alpha(self):
        """alpha owns example.org, so it manages alice's and bob's accounts."""
        self.org.managed_domain = "example.org"
        self.org.save()


class EndAccessTestCase(StatesTestCase):
    def test_it_ends_every_session_and_revokes_every_token(self):
        make_session(self.bob)
        make_session(self.bob)
        make_session(self.alice)
        ApiToken.issue(self.bob, "laptop")
        ApiToken.issue(self.bob, "ci", org=self.org)
        already, _ = ApiToken.issue(self.bob, "old")
        ApiToken.objects.filter(pk=already.pk).update(revoked_at=NOW - dt.timedelta(days=3))

        self.assertEqual(end_access(self.bob), (2, 2))

        self.assertFalse(UserSession.objects.filter(user=self.bob).exists())
        self.assertEqual(UserSession.objects.filter(user=self.alice).count(), 1)
        self.assertFalse(ApiToken.objects.filter(user=self.bob, revoked_at=None).exists())
        # The earlier revocation keeps its date; the rows stay listed.
        already.refresh_from_db()
        self.assertEqual(already.revoked_at, NOW - dt.timedelta(days=3))
        self.assertEqual(ApiToken.objects.filter(user=self.bob).count(), 3)


class DeactivateTestCase(StatesTestCase):
    def test_the_person_deactivates_themself_and_everything_stays(self):
        project = Project.objects.create(org=self.org, name="Website")
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=dt.date(2025, 6, 1), duration=3600)
        key = make_session(self.bob)
        _, secret = ApiToken.issue(self.bob, "laptop")

        with time_machine.travel(NOW.timestamp(), tick=False), self.captureOnCommitCallbacks(execute=True):
            do_deactivate(self.bob, acting_user=self.bob)

        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertEqual(self.bob.deactivated_at, NOW)
        self.assertFalse(UserSession.objects.filter(session_key=key).exists())
        self.assertIsNone(ApiToken.authenticate(secret))
        # Deactivation keeps data.
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), 1)
        self.assertTrue(Membership.objects.get(pk=self.bob_membership.pk).is_active)
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual((log.org, log.actor, log.target_id), (self.org, self.bob, self.bob.code))
        self.assertEqual(log.details, {"by": "self", "sessions_ended": 1, "tokens_revoked": 1})
        self.assertEqual([m.to for m in mail.outbox], [[self.bob.email]])
        self.assertIn("You deactivated your TimeLive account.", mail.outbox[0].body)
        self.assertIn("Nothing was deleted", mail.outbox[0].body)

    def test_the_deactivated_person_cannot_log_in(self):
        do_deactivate(self.bob, acting_user=self.bob)
        client = Client()
        client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertNotIn(SESSION_KEY, client.session)

    def test_it_updates_the_callers_object(self):
        do_deactivate(self.bob, acting_user=self.bob)
        self.assertFalse(self.bob.is_active)
        self.assertIsNotNone(self.bob.deactivated_at)

    def test_it_writes_one_audit_row_per_organisation(self):
        Membership.objects.create(org=self.other_org, user=self.bob, role=Role.MEMBER)
        do_deactivate(self.bob, acting_user=self.operator, reason="Left the company")
        logs = AuditLog.objects.filter(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual({log.org for log in logs}, {self.org, self.other_org})
        self.assertEqual(logs[0].details["by"], "operator")
        self.assertEqual(logs[0].details["reason"], "Left the company")

    def test_a_person_in_no_organisation_is_audited_without_one(self):
        dora = make_user("dora@example.com", "Dora")
        do_deactivate(dora, acting_user=dora)
        self.assertIsNone(AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED).org)

    def test_it_refuses_twice(self):
        do_deactivate(self.bob, acting_user=self.operator)
        with self.assertRaisesMessage(StateRefused, "Bob Example is already deactivated."):
            do_deactivate(self.bob, acting_user=self.operator)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_DEACTIVATED).count(), 1)

    def test_it_refuses_a_managed_person_themself(self):
        self.manage_alpha()
        with self.assertRaisesMessage(StateRefused, "Your account is managed by Alpha Ltd"):
            do_deactivate(self.bob, acting_user=self.bob)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_the_managing_org_admin_may(self):
        self.manage_alpha()
        with self.captureOnCommitCallbacks(execute=True):
            do_deactivate(self.bob, acting_user=self.alice, org=self.org, reason="Contract ended")
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual((log.actor, log.details["by"], log.details["via_org"]), (self.alice, "admin", "alpha"))
        self.assertIn("An administrator of Alpha Ltd", mail.outbox[0].body)
        self.assertIn("Reason given: Contract ended", mail.outbox[0].body)
        self.assertIn("ask the administrators of Alpha Ltd", mail.outbox[0].body)

    def test_an_admin_of_an_org_that_does_not_manage_the_account_may_not(self):
        with self.assertRaisesMessage(StateRefused, "Alpha Ltd does not manage Bob Example's account"):
            do_deactivate(self.bob, acting_user=self.alice, org=self.org)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_a_member_may_not(self):
        self.manage_alpha()
        with self.assertRaisesMessage(StateRefused, "Only the administrators of Alpha Ltd can deactivate"):
            do_deactivate(self.alice, acting_user=self.bob, org=self.org)
        with self.assertRaisesMessage(StateRefused, "Only the operator or an administrator"):
            do_deactivate(self.alice, acting_user=self.bob)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_an_outsider_admin_may_not(self):
        self.manage_alpha()
        with self.assertRaisesMessage(StateRefused, "Only the administrators of Alpha Ltd"):
            do_deactivate(self.bob, acting_user=self.charlie, org=self.org)
        with self.assertRaisesMessage(StateRefused, "Bravo Inc does not manage"):
            do_deactivate(self.bob, acting_user=self.charlie, org=self.other_org)

    def test_it_never_deactivates_the_last_owner(self):
        with self.assertRaisesMessage(StateRefused, "You are the last active owner of Alpha Ltd. Make another member"):
            do_deactivate(self.alice, acting_user=self.alice)
        with self.assertRaisesMessage(StateRefused, "This person is the last active owner of Alpha Ltd."):
            do_deactivate(self.alice, acting_user=self.operator)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_DEACTIVATED).exists())

    def test_it_names_every_organisation_left_without_an_owner(self):
        Membership.objects.create(org=self.other_org, user=self.alice, role=Role.OWNER)
        Membership.objects.filter(org=self.other_org, user=self.charlie).update(role=Role.MEMBER)
        with self.assertRaisesMessage(StateRefused, "last active owner of Alpha Ltd, Bravo Inc."):
            do_deactivate(self.alice, acting_user=self.alice)

    def test_the_only_person_in_their_organisation_may_go(self):
        # Every Cloud sign-up owns an organisation; alone in it, nobody is left without an owner.
        dora = make_user("dora@example.com", "Dora")
        org = self.org.__class__.objects.create(slug="solo", name="Solo")
        Membership.objects.create(org=org, user=dora, role=Role.OWNER)
        self.assertEqual(last_owner_orgs(dora), [])
        do_deactivate(dora, acting_user=dora)
        dora.refresh_from_db()
        self.assertFalse(dora.is_active)

    def test_another_active_owner_lets_the_owner_go(self):
        dora, _ = self.add_member("dora@example.org", "Dora", role=Role.OWNER)
        do_deactivate(self.alice, acting_user=self.alice)
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_active)
        # Now dora is the last one.
        self.assertEqual(last_owner_orgs(dora), [self.org])

    def test_a_deactivated_or_removed_owner_does_not_count(self):
        dora, dora_membership = self.add_member("dora@example.org", "Dora", role=Role.OWNER)
        dora.is_active = False
        dora.save()
        with self.assertRaises(StateRefused):
            do_deactivate(self.alice, acting_user=self.alice)
        dora.is_active = True
        dora.save()
        dora_membership.is_active = False
        dora_membership.save()
        with self.assertRaises(StateRefused):
            do_deactivate(self.alice, acting_user=self.alice)

    def test_the_operator_may_act_on_an_organisations_escalated_request(self):
        self.manage_alpha()
        do_deactivate(self.bob, acting_user=self.operator, org=self.org)
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED)
        self.assertEqual((log.actor, log.details["by"]), (self.operator, "operator"))

    def test_it_refuses_a_deleted_account(self):
        self.bob.is_active = False
        self.bob.deleted_at = NOW
        self.bob.save()
        with self.assertRaisesMessage(StateRefused, "was deleted (pseudonymised)"):
            do_deactivate(self.bob, acting_user=self.operator)


class ReactivateTestCase(StatesTestCase):
    def test_the_managing_admin_reactivates_and_everything_is_there(self):
        self.manage_alpha()
        project = Project.objects.create(org=self.org, name="Website")
        TimeEntry.objects.create(org=self.org, user=self.bob, project=project, date=dt.date(2025, 6, 1), duration=3600)
        do_deactivate(self.bob, acting_user=self.alice, org=self.org)
        with self.captureOnCommitCallbacks(execute=True):
            do_reactivate(self.bob, acting_user=self.alice, org=self.org)

        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
        self.assertIsNone(self.bob.deactivated_at)
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), 1)
        self.assertEqual(list(Membership.objects.filter(user=self.bob, is_active=True)), [self.bob_membership])
        log = AuditLog.objects.get(event=AuditEvent.ACCOUNT_REACTIVATED)
        self.assertEqual((log.org, log.actor, log.details), (self.org, self.alice, {"by": "admin", "via_org": "alpha"}))
        self.assertEqual(mail.outbox[-1].subject, "Your TimeLive account is active again")
        self.assertIn("/account/login/", mail.outbox[-1].body)
        # And bob logs in as before.
        client = Client()
        client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertIn(SESSION_KEY, client.session)

    def test_the_operator_reactivates(self):
        do_deactivate(self.bob, acting_user=self.bob)
        do_reactivate(self.bob, acting_user=self.operator)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)

    def test_it_refuses_an_active_account(self):
        with self.assertRaisesMessage(StateRefused, "Bob Example is active; there is nothing to reactivate."):
            do_reactivate(self.bob, acting_user=self.operator)

    def test_it_refuses_a_deleted_account(self):
        self.bob.is_active = False
        self.bob.deleted_at = NOW
        self.bob.save()
        with self.assertRaisesMessage(StateRefused, "cannot be reactivated"):
            do_reactivate(self.bob, acting_user=self.operator)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)

    def test_nobody_reactivates_themself_or_without_authority(self):
        do_deactivate(self.bob, acting_user=self.operator)
        with self.assertRaises(StateRefused):
            do_reactivate(self.bob, acting_user=self.bob)
        # alpha does not manage bob's account (no managed domain).
        with self.assertRaisesMessage(StateRefused, "Alpha Ltd does not manage"):
            do_reactivate(self.bob, acting_user=self.alice, org=self.org)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)


class RestrictTestCase(StatesTestCase):
    def test_the_operator_restricts_and_lifts_and_both_are_audited(self):
        with time_machine.travel(NOW.timestamp(), tick=False):
            do_restrict(self.bob, acting_user=self.operator)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.restricted_at, NOW)
        self.assertTrue(self.bob.is_active)
        with self.captureOnCommitCallbacks(execute=True):
            do_lift_restriction(self.bob, acting_user=self.operator)
        self.bob.refresh_from_db()
        self.assertIsNone(self.bob.restricted_at)
        events = list(AuditLog.objects.filter(target_id=self.bob.code).order_by("id").values_list("event", "org"))
        self.assertEqual(events, [(AuditEvent.ACCOUNT_RESTRICTED, self.org.pk),
                                  (AuditEvent.ACCOUNT_UNRESTRICTED, self.org.pk)])
        # The person is told before the restriction stops protecting them (GDPR art. 18(3)).
        self.assertEqual([m.to for m in mail.outbox], [[self.bob.email]])
        self.assertIn("That restriction is now lifted", mail.outbox[0].body)
        self.assertIn("2 June 2025", mail.outbox[0].body)

    def test_the_managing_admin_restricts(self):
        self.manage_alpha()
        do_restrict(self.bob, acting_user=self.alice, org=self.org)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_restricted)

    def test_it_refuses_twice_and_lifting_what_is_not_restricted(self):
        with self.assertRaisesMessage(StateRefused, "is not restricted; there is nothing to lift"):
            do_lift_restriction(self.bob, acting_user=self.operator)
        do_restrict(self.bob, acting_user=self.operator)
        with self.assertRaisesMessage(StateRefused, "already restricted"):
            do_restrict(self.bob, acting_user=self.operator)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ACCOUNT_RESTRICTED).count(), 1)

    def test_the_person_or_another_admin_may_not(self):
        with self.assertRaises(StateRefused):
            do_restrict(self.bob, acting_user=self.bob)
        with self.assertRaisesMessage(StateRefused, "Alpha Ltd does not manage"):
            do_restrict(self.bob, acting_user=self.alice, org=self.org)
        self.manage_alpha()
        with self.assertRaisesMessage(StateRefused, "Only the administrators of Alpha Ltd"):
            do_restrict(self.alice, acting_user=self.bob, org=self.org)
        do_restrict(self.bob, acting_user=self.operator)
        with self.assertRaises(StateRefused):
            do_lift_restriction(self.bob, acting_user=self.bob)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_restricted)
