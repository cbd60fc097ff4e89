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
        r = self.client.post("/operator/login/", {"username": "Alice@Example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
