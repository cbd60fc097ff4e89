import datetime as dt
import re

import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from timelive.accounts import throttle
from timelive.accounts.actions import do_change_email
from timelive.test import PASSWORD, BaseTestCase, make_user

FAILURE = "That email and password do not match an active account."
LOCKED = "Too many attempts: wait 15 minutes and try again, or reset your password."

# A cache of these tests' own, so counters neither come from nor go to other tests.
THROTTLE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-throttle"}}


def later(**delta):
    # A timestamp, not an aware time: time-machine would otherwise also move the process time zone.
    return time_machine.travel((timezone.now() + dt.timedelta(**delta)).timestamp())


@override_settings(CACHES=THROTTLE_CACHE)
class ThrottleTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()

    def cache_keys(self):
        # LocMemCache's own store: the keys as written, with their values.
        return list(cache._cache)


class LoginThrottleTestCase(ThrottleTestCase):
    url = "/account/login/"

    def post(self, email="alice@example.org", password="wrong password", ip="192.0.2.10"):
        return self.client.post(self.url, {"email": email, "password": password}, REMOTE_ADDR=ip)

    def fail(self, times, **kwargs):
        return [self.post(**kwargs) for _ in range(times)]

    def test_it_refuses_the_right_password_after_five_failures(self):
        responses = self.fail(5)
        for r in responses[:4]:
            self.assertContains(r, FAILURE)
            self.assertNotContains(r, LOCKED)
        # The fifth failure already says what happens next.
        self.assertContains(responses[4], f"{FAILURE} {LOCKED}")
        r = self.post(password=PASSWORD)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f"{FAILURE} {LOCKED}")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_counts_an_email_in_any_case_as_one(self):
        for email in ["alice@example.org", "ALICE@example.org", " Alice@Example.Org", "alice@EXAMPLE.org", "aLiCe@example.org"]:
            self.post(email=email)
        self.assertContains(self.post(password=PASSWORD), LOCKED)

    def test_it_answers_alike_for_an_email_with_and_without_an_account(self):
        def page(r, email):
            text = r.content.decode()
            text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
            return text.replace(email, "EMAIL")

        for attempt in range(7):
            known = self.post(email="alice@example.org")
            unknown = self.post(email="nobody@example.org")
            self.assertEqual(known.status_code, unknown.status_code)
            self.assertEqual(page(known, "alice@example.org"), page(unknown, "nobody@example.org"), f"attempt {attempt + 1}")
        self.assertContains(unknown, LOCKED)

    def test_it_ends_the_lockout_with_the_window(self):
        with later(minutes=0):
            self.fail(5)
        with later(minutes=14, seconds=50):
            self.assertContains(self.post(password=PASSWORD), LOCKED)
        with later(minutes=15, seconds=1):
            r = self.post(password=PASSWORD)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))

    def test_it_forgets_failures_after_a_success(self):
        self.fail(4)
        self.assertEqual(self.post(password=PASSWORD).status_code, 302)
        self.client.logout()
        # Four more failures are allowed again, the right password still works.
        for r in self.fail(4):
            self.assertNotContains(r, LOCKED)
        self.assertEqual(self.post(password=PASSWORD).status_code, 302)

    def test_it_keeps_counting_per_address(self):
        self.fail(5)
        # The same email from another address is not locked out by someone else's guesses...
        r = self.post(password=PASSWORD, ip="198.51.100.7")
        self.assertEqual(r.status_code, 302)
        self.client.logout()
        # ...and a success elsewhere does not lift the lockout here.
        self.assertContains(self.post(password=PASSWORD), LOCKED)

    def test_it_limits_one_address_across_emails(self):
        for i in range(50):
            r = self.post(email=f"guess{i}@example.org")
        self.assertContains(r, LOCKED)
        # Even an email never tried from here, with its right password.
        r = self.post(email="bob@example.org", password=PASSWORD)
        self.assertContains(r, f"{FAILURE} {LOCKED}")
        self.assertNotIn(SESSION_KEY, self.client.session)
        # Other addresses are not affected.
        self.assertEqual(self.post(email="bob@example.org", password=PASSWORD, ip="198.51.100.7").status_code, 302)
        with later(minutes=15, seconds=1):
            self.client.logout()
            self.assertEqual(self.post(email="bob@example.org", password=PASSWORD).status_code, 302)

    def test_it_allows_an_office_many_successful_logins(self):
        users = [make_user(f"person{i}@example.org", f"Person {i}") for i in range(60)]
        for user in users:
            self.assertEqual(self.post(email=user.email, password=PASSWORD).status_code, 302)
            self.client.logout()

    def test_it_does_not_count_an_incomplete_form(self):
        for _ in range(6):
            self.client.post(self.url, {"email": "alice@example.org", "password": ""}, REMOTE_ADDR="192.0.2.10")
        self.assertEqual(self.post(password=PASSWORD).status_code, 302)

    @override_settings(TIMELIVE_BEHIND_PROXY=True)
    def test_it_counts_the_address_the_proxy_saw(self):
        # An attacker cannot escape the count by writing a new X-Forwarded-For each time.
        for i in range(5):
            self.client.post(self.url, {"email": "alice@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.1",
                             headers={"x-forwarded-for": f"198.51.100.{i}, 203.0.113.5"})
        r = self.client.post(self.url, {"email": "alice@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
                             headers={"x-forwarded-for": "198.51.100.99, 203.0.113.5"})
        self.assertContains(r, LOCKED)

    def test_it_keeps_no_address_or_email_in_the_cache(self):
        self.fail(5)
        self.fail(2, email="Nobody@Example.org", ip="2001:db8::42")
        keys = self.cache_keys()
        self.assertEqual(len(keys), 4)
        stored = " ".join(keys + [str(cache.get(key.split(":", 2)[2])) for key in keys]).lower()
        for raw in ["192.0.2.10", "2001:db8::42", "alice", "nobody", "example.org"]:
            self.assertNotIn(raw, stored)
        for key in keys:
            self.assertRegex(key, r"^:1:throttle:login(-ip)?:[0-9a-f]{32}$")

    def test_it_keys_counters_by_the_secret_key(self):
        with self.settings(SECRET_KEY="one install"):
            first = throttle._key(throttle.LOGIN_PAIR, "192.0.2.10", "alice@example.org")
        with self.settings(SECRET_KEY="another install"):
            second = throttle._key(throttle.LOGIN_PAIR, "192.0.2.10", "alice@example.org")
        self.assertNotEqual(first, second)


class PasswordResetThrottleTestCase(ThrottleTestCase):
    url = "/account/password/reset/"

    def ask(self, email="alice@example.org", ip="192.0.2.10"):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"email": email}, REMOTE_ADDR=ip)

    def test_it_sends_five_mails_an_hour_to_one_address(self):
        responses = [self.ask() for _ in range(7)]
        for r in responses:
            # Refused requests see the same "check your email" page.
            self.assertRedirects(r, "/account/password/reset/sent/", fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 5)
        # Also from other addresses: the limit protects the mailbox.
        self.ask(ip="198.51.100.7")
        self.assertEqual(len(mail.outbox), 5)
        with later(hours=1, seconds=1):
            self.ask()
        self.assertEqual(len(mail.outbox), 6)

    def test_it_limits_one_address_across_emails(self):
        emails = [make_user(f"person{i}@example.org", f"Person {i}").email for i in range(25)]
        for email in emails:
            self.assertRedirects(self.ask(email=email), "/account/password/reset/sent/", fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 20)
        self.ask(email="bob@example.org")
        self.assertEqual(len(mail.outbox), 20)
        self.ask(email="bob@example.org", ip="198.51.100.7")
        self.assertEqual(len(mail.outbox), 21)

    def test_it_answers_alike_for_an_email_with_and_without_an_account(self):
        for _ in range(7):
            known, unknown = self.ask("alice@example.org"), self.ask("nobody@example.org")
            self.assertEqual((known.status_code, known.url), (unknown.status_code, unknown.url))
        self.assertEqual({m.to[0] for m in mail.outbox}, {"alice@example.org"})

    def test_it_keeps_no_address_or_email_in_the_cache(self):
        self.ask()
        self.ask("nobody@example.org", ip="2001:db8::42")
        keys = " ".join(self.cache_keys()).lower()
        for raw in ["192.0.2.10", "2001:db8::42", "alice", "nobody", "example.org"]:
            self.assertNotIn(raw, keys)


class ResendVerificationThrottleTestCase(ThrottleTestCase):
    url = "/account/verify/resend/"

    def test_it_sends_five_links_an_hour(self):
        dora = make_user("dora@example.com", "Dora Newcomer", email_verified_at=None)
        self.login(dora)
        for _ in range(7):
            with self.captureOnCommitCallbacks(execute=True):
                r = self.client.post(self.url, follow=True)
            self.assertContains(r, "We sent a new confirmation link to dora@example.com.")
        self.assertEqual(len(mail.outbox), 5)
        with later(hours=1, seconds=1):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.url)
        self.assertEqual(len(mail.outbox), 6)

    def test_it_counts_per_address_not_per_account(self):
        dora = make_user("dora@example.com", "Dora Newcomer", email_verified_at=None)
        self.login(dora)
        for _ in range(5):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.url)
        do_change_email(dora, "dora@newmail.example")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url)
        self.assertEqual(mail.outbox[-1].to, ["dora@newmail.example"])
