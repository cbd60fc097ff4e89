from django.contrib.auth import authenticate

from timelive.test import PASSWORD, BaseTestCase


class EmailBackendTestCase(BaseTestCase):
    def test_it_authenticates_by_email_in_any_case(self):
        self.assertEqual(authenticate(None, email="ALICE@example.org", password=PASSWORD), self.alice)
        # Django's own forms (the operator console) pass it as "username".
        self.assertEqual(authenticate(None, username=" alice@EXAMPLE.org", password=PASSWORD), self.alice)

    def test_it_refuses_wrong_unknown_and_inactive(self):
        self.assertIsNone(authenticate(None, email="alice@example.org", password="nope nope"))
        self.assertIsNone(authenticate(None, email="nobody@example.org", password=PASSWORD))
        self.assertIsNone(authenticate(None, email="", password=PASSWORD))
        self.assertIsNone(authenticate(None, email="alice@example.org", password=None))
        self.bob.is_active = False
        self.bob.save()
        self.assertIsNone(authenticate(None, email="bob@example.org", password=PASSWORD))

    def test_it_logs_into_the_operator_console_by_email(self):
        self.alice.is_staff = True
        self.alice.save()
        r = self.client.get("/operator/login/?next=/operator/")
        self.assertRedirects(r, "/account/login/?next=%2Foperator%2F", fetch_redirect_response=False)
        r = self.client.post("/account/login/?next=/operator/", {"email": "Alice@Example.org", "password": PASSWORD})
        self.assertRedirects(r, "/operator/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/operator/").status_code, 200)

    def test_the_operator_login_is_throttled_like_every_login(self):
        for _ in range(5):
            self.client.post("/account/login/?next=/operator/", {"email": "alice@example.org", "password": "wrong"})
        r = self.client.post("/account/login/?next=/operator/", {"email": "alice@example.org", "password": PASSWORD})
        self.assertContains(r, "Too many attempts")

    def test_a_logged_in_non_operator_is_refused_not_looped(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/operator/login/?next=/operator/").status_code, 403)
