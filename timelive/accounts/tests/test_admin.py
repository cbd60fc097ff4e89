from django.core import mail

from timelive.accounts.models import User
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import PASSWORD, BaseTestCase, make_user


class OperatorUserAdminTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.alice.is_staff = self.alice.is_superuser = True
        self.alice.save()
        self.login(self.alice)

    def test_it_refuses_a_taken_email_in_another_case_with_a_clear_message(self):
        r = self.client.post("/operator/accounts/user/add/", {
            "email": "BOB@Example.org", "full_name": "Bob Twin", "usable_password": "true",
            "password1": "a fine long phrase", "password2": "a fine long phrase",
        })
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Another account already uses this email address.")
        self.assertEqual(User.objects.filter(email="bob@example.org").count(), 1)

    def test_it_stores_a_new_email_in_lower_case(self):
        r = self.client.post("/operator/accounts/user/add/", {
            "email": "Dora@Example.COM", "full_name": "Dora", "usable_password": "true",
            "password1": "a fine long phrase", "password2": "a fine long phrase",
        })
        self.assertEqual(r.status_code, 302)
        self.assertTrue(User.objects.filter(email="dora@example.com").exists())

    def test_it_is_for_operators_only(self):
        self.client.force_login(self.bob)
        r = self.client.get("/operator/accounts/user/")
        self.assertEqual(r.status_code, 302)


class OperatorPasswordTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("olga@example.com", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(self.operator)

    def test_it_never_lets_an_operator_set_a_password(self):
        r = self.client.get(f"/operator/accounts/user/{self.bob.pk}/password/")
        self.assertEqual(r.status_code, 403)
        r = self.client.post(f"/operator/accounts/user/{self.bob.pk}/password/", {"password1": "x" * 20, "password2": "x" * 20})
        self.assertEqual(r.status_code, 403)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(PASSWORD))

    def test_it_sends_a_reset_email_and_audits_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post("/operator/accounts/user/", {"action": "send_password_reset", "_selected_action": [self.bob.pk]})
        self.assertEqual(r.status_code, 302)
        self.assertEqual([m.to for m in mail.outbox], [[self.bob.email]])
        self.assertIn("/account/password/reset/", mail.outbox[0].body)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE, target_id=self.bob.code)
        self.assertEqual((log.actor, log.details["action"]), (self.operator, "password_reset_sent"))


class OperatorDeletionTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("olga@example.com", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(self.operator)

    def test_it_asks_before_deleting_then_pseudonymises(self):
        r = self.client.post("/operator/accounts/user/", {"action": "delete_accounts", "_selected_action": [self.bob.pk]})
        self.assertContains(r, "Yes, delete and pseudonymise")
        self.assertContains(r, "bob@example.org")
        self.assertIsNone(User.objects.get(pk=self.bob.pk).deleted_at)

        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post("/operator/accounts/user/", {
                "action": "delete_accounts", "_selected_action": [self.bob.pk], "confirmed": "yes",
            }, follow=True)
        self.assertContains(r, "1 account(s) deleted and pseudonymised.")
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual(bob.full_name, f"Deleted user {bob.pk}")
        self.assertEqual(AuditLog.objects.get(event=AuditEvent.ACCOUNT_DELETED).actor, self.operator)
        self.assertEqual([m.to for m in mail.outbox], [["bob@example.org"]])

    def test_it_reports_a_refusal_and_keeps_the_person(self):
        r = self.client.post("/operator/accounts/user/", {
            "action": "delete_accounts", "_selected_action": [self.alice.pk], "confirmed": "yes",
        }, follow=True)
        self.assertContains(r, "last owner of Alpha Ltd")
        self.assertContains(r, "0 account(s) deleted")
        self.assertEqual(User.objects.get(pk=self.alice.pk).full_name, "Alice Example")

    def test_rows_are_never_deleted_from_the_console(self):
        self.assertEqual(self.client.get(f"/operator/accounts/user/{self.bob.pk}/delete/").status_code, 403)
        r = self.client.get("/operator/accounts/user/")
        self.assertNotContains(r, "delete_selected")
