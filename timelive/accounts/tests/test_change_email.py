from unittest.mock import patch

from django.core import mail

from timelive.accounts.models import User
from timelive.test import PASSWORD, BaseTestCase

from .helpers import first_link, mails_to, path_of


class ChangeEmailTestCase(BaseTestCase):
    url = "/account/profile/"

    def setUp(self):
        super().setUp()
        self.login(self.alice)

    def change(self, email="alice@newmail.example", password=PASSWORD):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"change_email": "1", "email": email, "current_password": password})

    def test_it_changes_the_email_and_marks_it_unconfirmed(self):
        r = self.change(email="  Alice@NewMail.example ")
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.email, "alice@newmail.example")
        self.assertIsNone(self.alice.email_verified_at)
        r = self.client.get(self.url)
        self.assertContains(r, "(not confirmed yet)")
        self.assertContains(r, "Please confirm it with the link we sent.")

    def test_it_tells_the_old_address_and_sends_a_link_to_the_new_one(self):
        self.change()
        self.assertEqual(len(mail.outbox), 2)
        [told] = mails_to("alice@example.org")
        self.assertIn("was changed", told.subject)
        self.assertIn("alice@newmail.example", told.body)
        self.assertIn("/account/password/reset/", told.body)
        [confirm] = mails_to("alice@newmail.example")
        self.assertIn("Confirm your email", confirm.subject)
        self.client.post(path_of(first_link(confirm)))
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_email_verified)

    def test_it_logs_in_with_the_new_email(self):
        self.change()
        self.client.post("/account/logout/")
        r = self.client.post("/account/login/", {"email": "alice@newmail.example", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)

    def test_it_needs_the_current_password(self):
        for password in ["", "wrong password"]:
            r = self.change(password=password)
            self.assertEqual(r.status_code, 200)
            self.assertIn("current_password", r.context["email_form"].errors)
            self.assertContains(r, 'value="alice@newmail.example"')
        self.assertContains(r, "Your current password is not correct.")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.email, "alice@example.org")
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_a_taken_email_in_any_case(self):
        for email in ["bob@example.org", "BOB@Example.ORG"]:
            r = self.change(email=email)
            self.assertContains(r, "Another account already uses this email address.")
            self.assertContains(r, 'aria-invalid="true"')
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.email, "alice@example.org")
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_a_taken_email_in_a_race_without_a_500(self):
        with patch("timelive.accounts.forms.email_taken", return_value=False):
            r = self.change(email="bob@example.org")
        self.assertContains(r, "Another account already uses this email address.")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.email, "alice@example.org")

    def test_it_refuses_the_same_address(self):
        r = self.change(email="ALICE@example.org")
        self.assertContains(r, "This is already your email address.")

    def test_it_refuses_a_malformed_address(self):
        r = self.change(email="alice")
        self.assertContains(r, "Enter a valid email address.")

    def test_it_no_longer_logs_in_with_the_old_address(self):
        self.change()
        self.client.post("/account/logout/")
        r = self.client.post("/account/login/", {"email": "alice@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(User.objects.filter(email="alice@example.org").count(), 0)
