from timelive.accounts.models import User
from timelive.test import BaseTestCase


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
