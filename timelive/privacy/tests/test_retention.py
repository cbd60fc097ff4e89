import datetime as dt
import importlib

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from timelive.accounts.models import User, UserSession
from timelive.diagnostics.models import RequestRecord
from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.privacy.consents import has_consent
from timelive.privacy.models import (
    ConsentMethod,
    ConsentRecord,
    DataExport,
    ExportStatus,
    Purpose,
    RetentionCategory,
    RetentionRule,
)
from timelive.privacy.retention import BATCH_SIZE, DEFAULT_DAYS, apply_retention
from timelive.test import BaseTestCase, make_org, make_user

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
seed = importlib.import_module("timelive.privacy.migrations.0004_seed_retention_rules")


def travel(moment=NOW):
    return time_machine.travel(moment.timestamp(), tick=False)


def set_rule(category, **fields):
    RetentionRule.objects.filter(category=category).update(**fields)


def counts(report):
    return report.counts()


def request_record(at, path="/"):
    return RequestRecord.objects.create(at=at, method="GET", path=path, status=200, duration_ms=1.0, ip="192.0.2.1")


def session(user, key, *, expire_date, last_active=None, created_at=None):
    return UserSession.objects.create(
        session_key=key, session_data="", user=user, expire_date=expire_date,
        last_active=last_active or NOW, created_at=created_at or NOW,
    )


def token(user, name, **fields):
    row, _ = ApiToken.issue(user, name)
    ApiToken.objects.filter(pk=row.pk).update(**fields)
    return row


def grant(user, purpose, at, granted=True):
    return ConsentRecord.objects.create(user=user, purpose=purpose, granted=granted, at=at,
                                        method=ConsentMethod.CONSENT_PAGE)


class RetentionTestCase(BaseTestCase):
    pass


class SeededRulesTestCase(BaseTestCase):
    def test_a_fresh_install_has_the_default_rules(self):
        rules = {r.category: (r.days, r.enabled) for r in RetentionRule.objects.all()}
        self.assertEqual(rules, {
            "diagnostics": (30, True), "exports": (3, True), "deactivated_accounts": (730, True),
            "marketing": (730, True), "sessions": (0, True), "api_tokens": (90, True),
        })
        self.assertEqual(set(DEFAULT_DAYS), set(RetentionCategory.values))

    def test_seeding_again_keeps_what_the_operator_set(self):
        from django.apps import apps

        set_rule("sessions", days=5)
        seed.seed(apps, None)
        self.assertEqual(RetentionRule.objects.get(category="sessions").days, 5)
        self.assertEqual(RetentionRule.objects.count(), 6)

    def test_the_diagnostics_rule_starts_from_the_setting(self):
        from django.apps import apps

        RetentionRule.objects.all().delete()
        with override_settings(TIMELIVE_DIAGNOSTICS_DAYS=45):
            seed.seed(apps, None)
        self.assertEqual(RetentionRule.objects.get(category="diagnostics").days, 45)
        self.assertEqual(RetentionRule.objects.get(category="exports").days, 3)

    def test_a_missing_rule_is_applied_with_its_default(self):
        RetentionRule.objects.filter(category="sessions").delete()
        session(None, "a" * 32, expire_date=NOW - MINUTE)
        with travel():
            report = apply_retention()
        result = next(r for r in report.results if r.category == "sessions")
        self.assertEqual((result.days, result.enabled, result.affected), (0, True, 1))


class DiagnosticsTestCase(RetentionTestCase):
    def test_it_deletes_request_rows_older_than_the_rule(self):
        request_record(NOW - 30 * DAY - MINUTE, "/old")
        request_record(NOW - 30 * DAY + MINUTE, "/recent")
        with travel():
            self.assertEqual(counts(apply_retention())["diagnostics"], 1)
            self.assertEqual(list(RequestRecord.objects.values_list("path", flat=True)), ["/recent"])
            self.assertEqual(counts(apply_retention())["diagnostics"], 0)

    def test_it_follows_the_days_the_operator_set(self):
        set_rule("diagnostics", days=7)
        request_record(NOW - 7 * DAY - MINUTE)
        request_record(NOW - 6 * DAY)
        with travel():
            self.assertEqual(counts(apply_retention())["diagnostics"], 1)
        self.assertEqual(RequestRecord.objects.count(), 1)


class ExportsTestCase(RetentionTestCase):
    def export(self, expires_at):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.READY, finished_at=expires_at - 3 * DAY,
                                           expires_at=expires_at)
        export.file.save("copy.zip", ContentFile(b"PK"), save=True)
        return export

    def test_it_deletes_export_files_past_their_deletion_time(self):
        old = self.export(NOW - MINUTE)
        fresh = self.export(NOW + MINUTE)
        old_name = old.file.name
        with travel():
            self.assertEqual(counts(apply_retention())["exports"], 1)
            self.assertEqual(counts(apply_retention())["exports"], 0)
        old.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual((old.status, old.file.name), (ExportStatus.EXPIRED, ""))
        self.assertFalse(default_storage.exists(old_name))
        self.assertEqual(fresh.status, ExportStatus.READY)
        self.assertTrue(default_storage.exists(fresh.file.name))


class DeactivatedAccountsTestCase(RetentionTestCase):
    def deactivated(self, email, at):
        return make_user(email, "Dora Dormant", is_active=False, deactivated_at=at, last_login=at)

    def test_accounts_deactivated_longer_than_the_rule_are_pseudonymised(self):
        old = self.deactivated("old@example.org", NOW - 730 * DAY - MINUTE)
        recent = self.deactivated("recent@example.org", NOW - 730 * DAY + MINUTE)
        with travel():
            self.assertEqual(counts(apply_retention())["deactivated_accounts"], 1)
            self.assertEqual(counts(apply_retention())["deactivated_accounts"], 0)
        old.refresh_from_db()
        recent.refresh_from_db()
        self.assertTrue(old.is_deleted)
        self.assertNotIn("old@example.org", old.email)
        self.assertNotEqual(old.full_name, "Dora Dormant")
        self.assertFalse(recent.is_deleted)
        self.assertEqual(recent.email, "recent@example.org")
        deleted = AuditLog.objects.get(event=AuditEvent.ACCOUNT_DELETED)
        self.assertEqual((deleted.actor, deleted.details["by"], deleted.details["reason"]), (None, "system", "retention"))

    def test_active_and_deleted_accounts_are_left_alone(self):
        self.deactivated("back@example.org", None)
        User.objects.filter(email="back@example.org").update(is_active=True, deactivated_at=NOW - 800 * DAY)
        with travel():
            self.assertEqual(counts(apply_retention())["deactivated_accounts"], 0)
        self.assertFalse(User.objects.get(email="back@example.org").is_deleted)

    def test_a_refused_deletion_is_reported_and_the_run_goes_on(self):
        # Dora is the only owner of an organisation that bob still uses: she cannot be deleted.
        dora = self.deactivated("dora@example.org", NOW - 800 * DAY)
        org = make_org("delta", "Delta", dora)
        Membership.objects.create(org=org, user=self.bob, role=Role.MEMBER)
        other = self.deactivated("other@example.org", NOW - 800 * DAY)
        with travel():
            dry = apply_retention(dry_run=True)
            report = apply_retention()
        for run in (dry, report):
            result = next(r for r in run.results if r.category == "deactivated_accounts")
            self.assertEqual(result.affected, 1)
            self.assertEqual(len(result.problems), 1)
            self.assertIn(dora.code, result.problems[0])
            self.assertIn("last owner of Delta", result.problems[0])
        dora.refresh_from_db()
        other.refresh_from_db()
        self.assertFalse(dora.is_deleted)
        self.assertTrue(other.is_deleted)
        self.assertEqual(AuditLog.objects.get(event=AuditEvent.RETENTION_APPLIED).details["problems"], 1)


class MarketingTestCase(RetentionTestCase):
    def test_consents_are_withdrawn_two_years_after_the_last_sign_of_interest(self):
        lapsed = make_user("lapsed@example.org", "Lapsed", last_login=NOW - 731 * DAY)
        grant(lapsed, Purpose.NEWSLETTER, NOW - 900 * DAY)
        grant(lapsed, Purpose.TESTIMONIALS, NOW - 730 * DAY - MINUTE)
        # Logged in within the two years: still interested.
        visitor = make_user("visitor@example.org", "Visitor", last_login=NOW - 730 * DAY + MINUTE)
        grant(visitor, Purpose.NEWSLETTER, NOW - 900 * DAY)
        # Granted within the two years, never logged in since.
        subscriber = make_user("subscriber@example.org", "Subscriber", last_login=None)
        grant(subscriber, Purpose.PRODUCT_UPDATES, NOW - 730 * DAY + MINUTE)
        with travel():
            self.assertEqual(counts(apply_retention())["marketing"], 2)
            self.assertEqual(counts(apply_retention())["marketing"], 0)
            self.assertFalse(has_consent(lapsed, Purpose.NEWSLETTER))
            self.assertFalse(has_consent(lapsed, Purpose.TESTIMONIALS))
            self.assertTrue(has_consent(visitor, Purpose.NEWSLETTER))
            self.assertTrue(has_consent(subscriber, Purpose.PRODUCT_UPDATES))
        withdrawals = ConsentRecord.objects.filter(user=lapsed, granted=False)
        self.assertEqual(sorted(withdrawals.values_list("purpose", flat=True)), ["newsletter", "testimonials"])
        self.assertEqual(set(withdrawals.values_list("method", flat=True)), {ConsentMethod.RETENTION})
        self.assertEqual(withdrawals.first().at, NOW)
        self.assertIn("730 days", withdrawals.first().source)
        # The ledger keeps the grants: withdrawal is a new row.
        self.assertEqual(ConsentRecord.objects.filter(user=lapsed, granted=True).count(), 2)

    def test_a_recent_grant_of_any_marketing_purpose_counts_as_interest(self):
        person = make_user("person@example.org", "Person", last_login=None)
        grant(person, Purpose.NEWSLETTER, NOW - 900 * DAY)
        grant(person, Purpose.EVENTS_SURVEYS, NOW - 10 * DAY)
        with travel():
            self.assertEqual(counts(apply_retention())["marketing"], 0)
        self.assertTrue(has_consent(person, Purpose.NEWSLETTER))

    def test_consents_already_withdrawn_are_not_withdrawn_again(self):
        person = make_user("person@example.org", "Person", last_login=None)
        grant(person, Purpose.NEWSLETTER, NOW - 900 * DAY)
        grant(person, Purpose.NEWSLETTER, NOW - 899 * DAY, granted=False)
        with travel():
            self.assertEqual(counts(apply_retention())["marketing"], 0)
        self.assertEqual(ConsentRecord.objects.filter(user=person).count(), 2)


class SessionsTestCase(RetentionTestCase):
    def test_expired_sessions_are_deleted(self):
        session(self.alice, "expired".ljust(32, "x"), expire_date=NOW - MINUTE)
        session(self.alice, "current".ljust(32, "x"), expire_date=NOW + MINUTE)
        session(None, "anonymous".ljust(32, "x"), expire_date=NOW - MINUTE)
        with travel():
            self.assertEqual(counts(apply_retention())["sessions"], 2)
            self.assertEqual(counts(apply_retention())["sessions"], 0)
        self.assertEqual(list(UserSession.objects.values_list("session_key", flat=True)), ["current".ljust(32, "x")])

    def test_sessions_ended_by_the_idle_or_absolute_timeout_are_deleted(self):
        # Idle for more than 8 hours, or logged in more than 14 days ago: ended at their next request.
        later = NOW + 30 * DAY
        session(self.alice, "idle".ljust(32, "x"), expire_date=later, last_active=NOW - 8 * HOUR - MINUTE)
        session(self.alice, "awake".ljust(32, "x"), expire_date=later, last_active=NOW - 8 * HOUR + MINUTE)
        session(self.alice, "ancient".ljust(32, "x"), expire_date=later, created_at=NOW - 14 * DAY - MINUTE)
        session(self.alice, "young".ljust(32, "x"), expire_date=later, created_at=NOW - 14 * DAY + MINUTE)
        with travel():
            self.assertEqual(counts(apply_retention())["sessions"], 2)
        self.assertEqual(sorted(k.rstrip("x") for k in UserSession.objects.values_list("session_key", flat=True)),
                         ["awake", "young"])

    def test_with_days_the_rows_stay_that_long_after_the_end(self):
        set_rule("sessions", days=2)
        session(self.alice, "long-ago".ljust(32, "x"), expire_date=NOW - 2 * DAY - MINUTE)
        session(self.alice, "lately".ljust(32, "x"), expire_date=NOW - 2 * DAY + MINUTE)
        with travel():
            self.assertEqual(counts(apply_retention())["sessions"], 1)
        self.assertEqual(UserSession.objects.get().session_key.rstrip("x"), "lately")

    def test_a_real_login_session_is_kept(self):
        with travel():
            self.login(self.alice)
            self.assertEqual(self.client.get("/account/profile/").status_code, 200)
            self.assertEqual(counts(apply_retention())["sessions"], 0)
            self.assertEqual(self.client.get("/account/profile/").status_code, 200)


class ApiTokensTestCase(RetentionTestCase):
    def test_revoked_and_expired_tokens_go_after_90_days(self):
        token(self.alice, "revoked long ago", revoked_at=NOW - 90 * DAY - MINUTE)
        token(self.alice, "revoked lately", revoked_at=NOW - 90 * DAY + MINUTE)
        token(self.alice, "expired long ago", expires_at=NOW - 90 * DAY - MINUTE)
        token(self.alice, "expired lately", expires_at=NOW - 90 * DAY + MINUTE)
        token(self.alice, "in use", expires_at=NOW + DAY)
        token(self.alice, "never expires")
        with travel():
            self.assertEqual(counts(apply_retention())["api_tokens"], 2)
            self.assertEqual(counts(apply_retention())["api_tokens"], 0)
        self.assertEqual(sorted(ApiToken.objects.values_list("name", flat=True)),
                         ["expired lately", "in use", "never expires", "revoked lately"])


class RunTestCase(RetentionTestCase):
    """The job as a whole: dry run, audit, idempotence, batches, disabled rules."""

    def one_of_each(self):
        request_record(NOW - 31 * DAY)
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.READY, expires_at=NOW - DAY)
        export.file.save("copy.zip", ContentFile(b"PK"), save=True)
        make_user("dormant@example.org", "Dora", is_active=False, deactivated_at=NOW - 731 * DAY)
        lapsed = make_user("lapsed@example.org", "Lapsed", last_login=NOW - 800 * DAY)
        grant(lapsed, Purpose.NEWSLETTER, NOW - 800 * DAY)
        session(self.alice, "expired".ljust(32, "x"), expire_date=NOW - MINUTE)
        token(self.alice, "old", revoked_at=NOW - 91 * DAY)

    def state(self):
        return {
            "diagnostics": RequestRecord.objects.count(),
            "exports": list(DataExport.objects.values_list("status", "file")),
            "users": list(User.objects.order_by("pk").values_list("email", "deleted_at")),
            "consents": ConsentRecord.objects.count(),
            "sessions": UserSession.objects.count(),
            "tokens": ApiToken.objects.count(),
            "audit": AuditLog.objects.count(),
        }

    def test_a_dry_run_changes_nothing_and_says_what_a_run_would_do(self):
        self.one_of_each()
        before = self.state()
        with travel():
            report = apply_retention(dry_run=True)
        self.assertTrue(report.dry_run)
        self.assertEqual(set(counts(report).values()), {1})
        self.assertEqual(self.state(), before)
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).exists())

    def test_a_run_does_it_and_a_second_run_finds_nothing(self):
        self.one_of_each()
        with travel():
            first = apply_retention()
            after_first = self.state()
            second = apply_retention()
        self.assertEqual(counts(first), dict.fromkeys(RetentionCategory.values, 1))
        self.assertEqual(counts(second), dict.fromkeys(RetentionCategory.values, 0))
        # Only the second audit row is new.
        after_first["audit"] += 1
        self.assertEqual(self.state(), after_first)
        first_log, second_log = AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).order_by("id")
        self.assertEqual(first_log.details["counts"], dict.fromkeys(RetentionCategory.values, 1))
        self.assertEqual(second_log.details["counts"], dict.fromkeys(RetentionCategory.values, 0))
        self.assertIsNone(first_log.org)
        self.assertIsNone(first_log.actor)

    def test_a_disabled_rule_is_skipped(self):
        self.one_of_each()
        set_rule("sessions", enabled=False)
        set_rule("marketing", enabled=False)
        with travel():
            report = apply_retention()
        self.assertEqual(counts(report)["sessions"], None)
        self.assertEqual(counts(report)["marketing"], None)
        self.assertEqual(counts(report)["api_tokens"], 1)
        self.assertEqual(UserSession.objects.count(), 1)
        self.assertTrue(has_consent(User.objects.get(email="lapsed@example.org"), Purpose.NEWSLETTER))
        self.assertIn("rule disabled, skipped", report.as_table())

    def test_more_rows_than_a_batch_are_deleted_a_batch_at_a_time(self):
        UserSession.objects.bulk_create([
            UserSession(session_key=f"{n:032d}", session_data="", expire_date=NOW - MINUTE) for n in range(BATCH_SIZE + 1)
        ])
        session(self.alice, "current".ljust(32, "x"), expire_date=NOW + DAY)
        with travel(), CaptureQueriesContext(connection) as queries:
            self.assertEqual(counts(apply_retention())["sessions"], BATCH_SIZE + 1)
        deletes = [q["sql"] for q in queries.captured_queries
                   if q["sql"].startswith("DELETE") and "accounts_usersession" in q["sql"]]
        self.assertEqual(len(deletes), 2)
        self.assertEqual(UserSession.objects.count(), 1)

    def test_batches_of_people_and_accounts(self):
        for n in range(3):
            person = make_user(f"lapsed{n}@example.org", "Lapsed", last_login=None)
            grant(person, Purpose.NEWSLETTER, NOW - 800 * DAY)
            make_user(f"dormant{n}@example.org", "Dora", is_active=False, deactivated_at=NOW - 800 * DAY)
        with travel():
            dry = apply_retention(dry_run=True, batch_size=2)
            report = apply_retention(batch_size=2)
        for run in (dry, report):
            self.assertEqual(counts(run)["marketing"], 3)
            self.assertEqual(counts(run)["deactivated_accounts"], 3)
        self.assertEqual(User.objects.filter(deleted_at__isnull=False).count(), 3)

    def test_now_can_be_given(self):
        request_record(NOW - 31 * DAY)
        report = apply_retention(dry_run=True, now=NOW)
        self.assertEqual(report.now, NOW)
        self.assertEqual(counts(report)["diagnostics"], 1)
        self.assertEqual(counts(apply_retention(dry_run=True, now=NOW - 2 * DAY))["diagnostics"], 0)
