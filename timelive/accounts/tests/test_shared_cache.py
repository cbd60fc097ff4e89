"""Brute-force counters are shared by every web worker, even without Redis."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Warning as CheckWarning
from django.test import SimpleTestCase, TestCase, override_settings

from timelive.accounts import throttle
from timelive.accounts.checks import check_shared_cache

PER_PROCESS = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


class SharedCacheTestCase(TestCase):
    def test_the_default_cache_is_not_per_process(self):
        backend = settings.CACHES["default"]["BACKEND"]
        self.assertNotIn(backend, ("django.core.cache.backends.locmem.LocMemCache",
                                   "django.core.cache.backends.dummy.DummyCache"))

    def test_failures_counted_in_another_process_count_here(self):
        cache.clear()
        # Another worker: a separate Python process with the same settings.
        script = ("import django; django.setup()\n"
                  "from timelive.accounts import throttle\n"
                  "for _ in range(3): throttle.login_failed('192.0.2.9', 'alice@example.org')\n")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=settings.BASE_DIR, timeout=120)
        self.assertFalse(throttle.login_blocked("192.0.2.9", "alice@example.org"))
        throttle.login_failed("192.0.2.9", "alice@example.org")
        self.assertTrue(throttle.login_failed("192.0.2.9", "alice@example.org"))
        self.assertTrue(throttle.login_blocked("192.0.2.9", "alice@example.org"))


class SharedCacheCheckTestCase(SimpleTestCase):
    @override_settings(HTTPS=True, CACHES=PER_PROCESS)
    def test_it_warns_in_production_with_a_per_process_cache(self):
        [warning] = check_shared_cache(None)
        self.assertIsInstance(warning, CheckWarning)
        self.assertEqual(warning.id, "timelive.W001")
        self.assertIn("TIMELIVE_CACHE_URL", warning.hint)

    @override_settings(HTTPS=False, CACHES=PER_PROCESS)
    def test_it_is_quiet_in_development(self):
        self.assertEqual(check_shared_cache(None), [])

    @override_settings(HTTPS=True)
    def test_it_is_quiet_with_the_shared_default(self):
        self.assertEqual(check_shared_cache(None), [])
