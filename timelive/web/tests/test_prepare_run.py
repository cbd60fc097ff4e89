import os
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from unittest.mock import patch

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from timelive.test import make_org, make_user
from timelive.web.management.commands import prepare_run


class PrepareRunTestCase(TestCase):
    def setUp(self):
        self.var = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.var, ignore_errors=True)
        self.sources = self.var / "sources"
        self.sources.mkdir()
        (self.sources / "app.css").write_text("body {}")
        self.settings_override = override_settings(VAR_DIR=self.var, STATIC_ROOT=self.var / "static",
                                                   STATICFILES_DIRS=[self.sources],
                                                   STORAGES={**settings.STORAGES, "staticfiles": {
                                                       "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}})
        self.settings_override.enable()
        self.addCleanup(self.settings_override.disable)
        self.ran = []
        real = prepare_run.call_command

        def record(name, *args, **kwargs):
            self.ran.append(name)
            if name == "collectstatic":
                return real(name, *args, **kwargs)

        patcher = patch.object(prepare_run, "call_command", side_effect=record)
        patcher.start()
        self.addCleanup(patcher.stop)

    def prepare(self):
        out = StringIO()
        call_command("prepare_run", stdout=out)
        return out.getvalue()

    def make_demo_orgs(self):
        make_org("acme", "Acme Consulting", make_user("olivia@acme.example", "Olivia Owens"))
        make_org("globex", "Globex Corporation", make_user("grace@globex.example", "Grace Green"))

    def test_the_second_run_does_nothing_and_says_so(self):
        first = self.prepare()
        # The test database is migrated already; static files and the demo are new.
        self.assertEqual(self.ran, ["collectstatic", "demo"])
        self.assertIn("no migrations to apply", first)
        self.assertTrue((self.var / "static" / "app.css").exists())
        self.make_demo_orgs()
        self.ran.clear()
        second = self.prepare()
        self.assertEqual(self.ran, [])
        self.assertIn("no migrations to apply", second)
        self.assertIn("Static files unchanged", second)
        self.assertIn("Demo organisations already there", second)
        # Still says how to log in.
        self.assertIn("olivia@acme.example", second)

    def test_a_changed_static_file_is_collected_again(self):
        self.make_demo_orgs()
        self.prepare()
        self.assertEqual(self.ran, ["collectstatic"])
        source = self.sources / "app.css"
        source.write_text("body { color: red }")
        # An edit made later than the copy (collectstatic itself skips sources older than their copy).
        later = (self.var / "static" / "app.css").stat().st_mtime + 10
        os.utime(source, (later, later))
        self.ran.clear()
        self.prepare()
        self.assertEqual(self.ran, ["collectstatic"])
        self.assertIn("red", (self.var / "static" / "app.css").read_text())

    def test_a_removed_collected_folder_is_collected_again(self):
        self.make_demo_orgs()
        self.prepare()
        shutil.rmtree(self.var / "static")
        self.ran.clear()
        self.prepare()
        self.assertEqual(self.ran, ["collectstatic"])

    def test_it_migrates_when_a_migration_is_unapplied(self):
        self.make_demo_orgs()
        with patch.object(prepare_run, "unapplied_migrations", return_value=["expenses.0002_default_settings"]):
            out = self.prepare()
        self.assertEqual(self.ran[0], "migrate")
        self.assertIn("1 migration to apply", out)
