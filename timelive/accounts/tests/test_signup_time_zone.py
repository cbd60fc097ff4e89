"""Sign-up takes the owner's time zone from the browser for the new person and organisation."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings

from timelive.accounts.models import User
from timelive.orgs.models import Organization
from timelive.test import BaseTestCase

URL = "/account/signup/"


class SignUpTimeZoneTestCase(BaseTestCase):
    def post(self, **changes):
        data = {"full_name": "Dora Newcomer", "email": "dora@example.com", "password": "a sunny day on the river",
                "org_name": "Dora Consulting", **changes}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, data)

    def test_the_form_has_a_hidden_field_filled_by_a_static_script(self):
        r = self.client.get(URL)
        self.assertContains(r, '<input type="hidden" name="time_zone"', html=False)
        self.assertContains(r, "data-detect-time-zone")
        self.assertContains(r, "timelive/time-zone.js")
        script = open(finders.find("timelive/time-zone.js")).read()
        self.assertIn("Intl.DateTimeFormat().resolvedOptions().timeZone", script)

    def test_the_detected_zone_is_the_persons_and_the_organisations(self):
        self.post(time_zone="Pacific/Chatham")
        self.assertEqual(User.objects.get(email="dora@example.com").time_zone, "Pacific/Chatham")
        self.assertEqual(Organization.objects.get(name="Dora Consulting").time_zone, "Pacific/Chatham")

    @override_settings(TIME_ZONE="Europe/Paris")
    def test_an_unknown_or_missing_zone_falls_back_to_the_servers(self):
        for value in ("Mars/Olympus_Mons", "", "../../etc/passwd", "x" * 300):
            with self.subTest(value=value):
                User.objects.filter(email="dora@example.com").delete()
                r = self.post(time_zone=value)
                self.assertEqual(r.status_code, 302)
                self.assertEqual(User.objects.get(email="dora@example.com").time_zone, "Europe/Paris")
        self.assertEqual(Organization.objects.filter(name="Dora Consulting").first().time_zone, "Europe/Paris")

    def test_the_server_default_is_used_without_the_field(self):
        self.post()
        self.assertEqual(User.objects.get(email="dora@example.com").time_zone, settings.TIME_ZONE)
