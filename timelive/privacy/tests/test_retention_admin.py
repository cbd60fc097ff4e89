from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.models import RetentionRule
from timelive.test import BaseTestCase, make_user

RULES = "/operator/privacy/retentionrule/"


class RetentionRuleAdminTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(self.operator)

    def rule(self, category):
        return RetentionRule.objects.get(category=category)

    def test_the_operator_sees_every_rule(self):
        r = self.client.get(RULES)
        self.assertEqual(r.status_code, 200)
        for label in ["Diagnostics request log", "Deactivated accounts (then pseudonymised)", "Ended and expired sessions"]:
            self.assertContains(r, label)
        r = self.client.get(f"{RULES}{self.rule('marketing').pk}/change/")
        self.assertContains(r, "when the person has neither logged in nor granted a marketing consent")
        self.assertContains(r, "Between 30 and 3650.")

    def test_a_change_is_saved_and_audited(self):
        rule = self.rule("api_tokens")
        r = self.client.post(f"{RULES}{rule.pk}/change/", {"days": "30", "enabled": "on"})
        self.assertEqual(r.status_code, 302)
        changed = self.rule("api_tokens")
        self.assertEqual(changed.days, 30)
        self.assertGreater(changed.updated_at, rule.updated_at)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual((log.actor, log.org, log.details["action"], log.details["model"]),
                         (self.operator, None, "change", "privacy.RetentionRule"))
        self.assertEqual(log.details["changes"], {"days": {"old": 90, "new": 30}})

    def test_turning_a_rule_off_is_audited(self):
        rule = self.rule("marketing")
        self.client.post(f"{RULES}{rule.pk}/change/", {"days": "730"})
        self.assertFalse(self.rule("marketing").enabled)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual(log.details["changes"], {"enabled": {"old": True, "new": False}})

    def test_days_out_of_range_are_refused_with_the_range(self):
        for category, days, message in [
            ("exports", "0", "Choose between 1 and 30 days for copies of personal data (export files)."),
            ("deactivated_accounts", "7", "Choose between 30 and 3650 days"),
            ("diagnostics", "4000", "Choose between 1 and 3650 days"),
        ]:
            rule = self.rule(category)
            r = self.client.post(f"{RULES}{rule.pk}/change/", {"days": days, "enabled": "on"})
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, message)
            self.assertEqual(self.rule(category).days, rule.days)
        r = self.client.post(f"{RULES}{self.rule('sessions').pk}/change/", {"days": "-1", "enabled": "on"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.rule("sessions").days, 0)
        self.assertFalse(AuditLog.objects.exists())

    def test_zero_days_is_allowed_where_it_makes_sense(self):
        self.client.post(f"{RULES}{self.rule('api_tokens').pk}/change/", {"days": "0", "enabled": "on"})
        self.assertEqual(self.rule("api_tokens").days, 0)

    def test_rules_are_neither_added_nor_deleted(self):
        self.assertEqual(self.client.get(f"{RULES}add/").status_code, 403)
        rule = self.rule("sessions")
        self.assertEqual(self.client.post(f"{RULES}{rule.pk}/delete/", {"post": "yes"}).status_code, 403)
        self.assertEqual(RetentionRule.objects.count(), 6)

    def test_the_category_cannot_be_changed(self):
        rule = self.rule("sessions")
        self.client.post(f"{RULES}{rule.pk}/change/", {"category": "marketing", "days": "1", "enabled": "on"})
        self.assertEqual(RetentionRule.objects.get(pk=rule.pk).category, "sessions")

    def test_people_who_are_not_operators_are_sent_to_the_operator_login(self):
        self.login(self.alice)
        r = self.client.get(RULES)
        self.assertRedirects(r, f"/operator/login/?next={RULES}", fetch_redirect_response=False)
