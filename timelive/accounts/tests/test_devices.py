from django.test import SimpleTestCase

from timelive.accounts.devices import describe_device

from .helpers import CHROME_LINUX, FIREFOX_WINDOWS


class DescribeDeviceTestCase(SimpleTestCase):
    def test_it_names_browser_and_system(self):
        self.assertEqual(describe_device(CHROME_LINUX), "Chrome on Linux")
        self.assertEqual(describe_device(FIREFOX_WINDOWS), "Firefox on Windows")
        safari = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
        self.assertEqual(describe_device(safari), "Mobile Safari on iOS")

    def test_it_copes_with_missing_or_odd_agents(self):
        self.assertEqual(describe_device(""), "Unknown device")
        self.assertEqual(describe_device("curl/8.5.0"), "curl")
        self.assertLessEqual(len(describe_device("x" * 10_000)), 200)
        self.assertTrue(describe_device("\x00\xff<script>"))
