
from timelive.test import BaseTestCase


class PasswordRulesTestCase(BaseTestCase):
    """OWASP ASVS 5 V6.2: at least 8, at least 64 allowed, no composition rules, no common passwords."""

    url = "/account/signup/"

    def post(self, password, **changes):
        data = {"full_name": "Dora Newcomer", "email": "dora@example.com", "password": password,
                "org_name": "Dora Consulting", **changes}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data)

    def assertAccepted(self, password):
        r = self.post(password)
        if r.status_code != 302:
            self.fail(f"refused: {r.context['form'].errors.as_text()}")
        from timelive.accounts.models import User

        self.assertTrue(User.objects.get(email="dora@example.com").check_password(password))

    def assertRefused(self, password, message):
        r = self.post(password)
        self.assertEqual(r.status_code, 200)
        self.assertIn("password", r.context["form"].errors)
        self.assertContains(r, message)
        from timelive.accounts.models import User

        self.assertFalse(User.objects.filter(email="dora@example.com").exists())

    def test_it_refuses_seven_characters(self):
        self.assertRefused("kq8#zl2", "at least 8 characters")

    def test_it_accepts_eight_characters_of_one_class(self):
        self.assertAccepted("kqzmwvbt")

    def test_it_accepts_a_long_password_of_one_class(self):
        self.assertAccepted("a" * 30)

    def test_it_accepts_a_64_character_password(self):
        self.assertAccepted("correct horse battery staple " * 2 + "x" * 6)

    def test_it_accepts_a_128_character_password(self):
        self.assertAccepted("wkdq" * 32)

    def test_it_keeps_spaces_in_a_password(self):
        self.assertAccepted("  spaced out phrase  ")

    def test_it_refuses_129_characters_cleanly(self):
        self.assertRefused("wkdq" * 32 + "x", "at most 128 characters")

    def test_it_refuses_a_huge_password_cleanly(self):
        r = self.post("x" * 100_000)
        self.assertEqual(r.status_code, 200)
        self.assertIn("password", r.context["form"].errors)

    def test_it_refuses_common_passwords(self):
        for password in ["password123", "password", "12345678", "qwertyuiop"]:
            self.assertRefused(password, "This password is too common.")

    def test_it_refuses_a_password_like_the_email(self):
        self.assertRefused("dora@example.com", "too similar")

    def test_it_refuses_a_password_like_the_name(self):
        self.assertRefused("doranewcomer", "too similar")

    def test_it_shows_the_rules_beside_the_field(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'id="id_password_helptext"')
        self.assertContains(r, "At least 8 characters")
