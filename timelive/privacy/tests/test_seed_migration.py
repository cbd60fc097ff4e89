import datetime as dt
import importlib
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from timelive.privacy.models import PolicyDocument, PolicyVersion

seed = importlib.import_module("timelive.privacy.migrations.0002_seed_policies")
SOURCE = Path(settings.BASE_DIR) / "templates" / "privacy" / "initial_privacy.md"


class SeedMigrationTestCase(TestCase):
    def test_a_fresh_install_has_the_three_documents_and_the_first_privacy_policy(self):
        self.assertEqual(sorted(PolicyDocument.objects.values_list("kind", flat=True)), ["privacy", "security", "terms"])
        version = PolicyVersion.objects.get()
        self.assertEqual(version.document.kind, "privacy")
        self.assertEqual(version.label, "2018-05-24")
        self.assertEqual(version.effective_at, dt.datetime(2018, 5, 24, tzinfo=dt.UTC))
        self.assertTrue(version.is_published)
        self.assertFalse(version.significant)
        self.assertEqual(version.text, SOURCE.read_text(encoding="utf-8"))
        self.assertIn("More control over your information", version.summary)

    def test_the_first_policy_names_no_company_contact_details(self):
        text = SOURCE.read_text(encoding="utf-8")
        for word in ["Livetecs", "LiveTecs", "livetecs", "Miami", "Florida", "NE 1st Street", "@", "+1-888"]:
            self.assertNotIn(word, text)
        self.assertIn("the operator of this TimeLive service", text)
        # Every link in it stays on this site.
        self.assertEqual(re.findall(r"\]\((?!/)", text), [])

    def test_the_first_policy_keeps_each_promise_of_the_original(self):
        text = SOURCE.read_text(encoding="utf-8")
        for promise in ["remember your login email", "IP addresses", "copy of your information", "deletion",
                        "Deactivating your account does not delete your information", "Administrators are able to",
                        "assert administrative control", "change your mind at any time", "opt-in",
                        "archive", "login screen", "testimonial", "never sell"]:
            self.assertIn(promise, text)

    def test_seeding_again_changes_nothing(self):
        from django.apps import apps

        seed.seed(apps, None)
        self.assertEqual(PolicyVersion.objects.count(), 1)
        self.assertEqual(PolicyDocument.objects.count(), 3)
