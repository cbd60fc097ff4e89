from django.db import IntegrityError

from timelive.accounts.models import User
from timelive.test import BaseTestCase


class UserModelTestCase(BaseTestCase):
    def test_it_keeps_the_email_in_lower_case(self):
        user = User.objects.create_user("  Dora@Example.COM ", "a fine passphrase", full_name="Dora")
        self.assertEqual(user.email, "dora@example.com")
        user.email = "DORA@EXAMPLE.COM"
        user.save()
        user.refresh_from_db()
        self.assertEqual(user.email, "dora@example.com")

    def test_it_finds_people_by_email_in_any_case(self):
        self.assertEqual(User.objects.get_by_natural_key("ALICE@example.org"), self.alice)

    def test_it_keeps_the_email_unique_in_any_case(self):
        with self.assertRaises(IntegrityError):
            User.objects.create_user("Bob@Example.org", "a fine passphrase", full_name="Bob Twin")

    def test_it_needs_an_email(self):
        with self.assertRaises(ValueError):
            User.objects.create_user("", "a fine passphrase")

    def test_it_makes_superusers_staff_and_verified(self):
        admin = User.objects.create_superuser("op@example.org", "a fine passphrase", full_name="Op")
        self.assertTrue(admin.is_staff and admin.is_superuser and admin.is_email_verified)

    def test_it_hashes_with_argon2_in_production(self):
        from django.conf import settings as django_settings

        from config import settings as production

        self.assertEqual(production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher")
        self.assertNotIn("correct horse", self.alice.password)
        self.assertTrue(django_settings.AUTH_USER_MODEL == "accounts.User")

    def test_it_gives_names_and_initials(self):
        self.assertEqual(self.alice.get_short_name(), "Alice")
        self.assertEqual(self.alice.initials, "AE")
        self.assertEqual(str(self.alice), "Alice Example")
        nameless = User(email="x@example.org", full_name="")
        self.assertEqual(nameless.initials, "X")
        self.assertEqual(nameless.get_short_name(), "x@example.org")
        self.assertEqual(str(nameless), "x@example.org")

    def test_it_gives_each_person_an_opaque_code(self):
        self.assertNotEqual(self.alice.code, self.bob.code)
        self.assertNotEqual(self.alice.code, str(self.alice.pk))
        self.assertEqual(len(self.alice.code), 12)
