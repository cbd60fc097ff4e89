import csv
import datetime as dt
import io
import json
import zipfile
from unittest import mock

import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from timelive.accounts.models import UserSession
from timelive.privacy import exports
from timelive.privacy.core import registry
from timelive.privacy.core.registry import PersonalData
from timelive.privacy.exports import build_export, do_request_export, write_archive
from timelive.privacy.models import DataExport, ExportStatus
from timelive.test import BaseTestCase

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def extra_table(table, export):
    """Registers one more table for the duration of a test (keyed by a stand-in, as no model is needed)."""
    return mock.patch.dict(registry._registry, {object(): PersonalData(
        model=DataExport, table=table, export=export, erase=None, note="A test table.")})


class BuildExportTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def build(self, user=None):
        user = user or self.alice
        with self.captureOnCommitCallbacks(execute=True):
            export, _ = do_request_export(user, via="web")
        export.refresh_from_db()
        return export

    def open_zip(self, export):
        with export.file.open("rb") as handle:
            return zipfile.ZipFile(io.BytesIO(handle.read()))

    def test_it_builds_a_ready_zip(self):
        export = self.build()
        self.assertEqual(export.status, ExportStatus.READY)
        self.assertEqual(export.finished_at, NOW)
        self.assertEqual(export.expires_at, NOW + dt.timedelta(days=3))
        self.assertTrue(export.file.name.startswith(f"exports/{export.code}/"))
        self.assertEqual(export.size, default_storage.size(export.file.name))
        self.assertEqual(export.error, "")

    def test_data_json_has_the_schema_the_person_and_the_profile(self):
        archive = self.open_zip(self.build())
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["schema"], "timelive.personal-data")
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["exported_at"], NOW.isoformat())
        self.assertEqual(data["person"], {"code": self.alice.code, "name": "Alice Example", "email": "alice@example.org"})
        # Every table of the registry is there, empty or not.
        self.assertEqual(set(data["tables"]), {entry.table for entry in registry.entries() if entry.export})
        [profile] = data["tables"]["profile"]
        self.assertEqual(profile["email"], "alice@example.org")
        self.assertEqual(profile["full_name"], "Alice Example")
        self.assertEqual(profile["code"], self.alice.code)
        self.assertEqual(data["files"], [])

    def test_it_holds_nothing_of_another_person(self):
        UserSession.objects.create(user=self.bob, session_key="bob-session-key", device="Bob's phone",
                                   expire_date=NOW + dt.timedelta(days=1))
        archive = self.open_zip(self.build())
        for name in archive.namelist():
            text = archive.read(name).decode()
            self.assertNotIn("bob@example.org", text, name)
            self.assertNotIn("Bob's phone", text, name)

    def test_it_writes_one_csv_per_table(self):
        archive = self.open_zip(self.build())
        tables = {entry.table for entry in registry.entries() if entry.export}
        self.assertEqual({n for n in archive.namelist() if n.startswith("tables/")}, {f"tables/{t}.csv" for t in tables})
        rows = list(csv.DictReader(io.StringIO(archive.read("tables/profile.csv").decode("utf-8"))))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["email"], "alice@example.org")
        self.assertEqual(rows[0]["is_active"], "true")

    def test_csv_header_is_the_union_of_keys_and_nested_values_are_json(self):
        def rows(user):
            yield {"a": 1, "nested": {"k": ["v", 2]}}
            yield {"a": 2, "b": None, "text": 'quote " and, comma\nnewline'}

        with extra_table("zz_test", rows):
            archive = self.open_zip(self.build())
            parsed = list(csv.reader(io.StringIO(archive.read("tables/zz_test.csv").decode("utf-8"))))
        self.assertEqual(parsed[0], ["a", "nested", "b", "text"])
        self.assertEqual(parsed[1], ["1", '{"k": ["v", 2]}', "", ""])
        self.assertEqual(parsed[2], ["2", "", "", 'quote " and, comma\nnewline'])
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["tables"]["zz_test"][0]["nested"], {"k": ["v", 2]})

    def test_an_empty_table_has_an_empty_csv(self):
        with extra_table("zz_empty", lambda user: []):
            archive = self.open_zip(self.build())
        self.assertEqual(archive.read("tables/zz_empty.csv"), b"")
        self.assertEqual(json.loads(archive.read("data.json"))["tables"]["zz_empty"], [])
        self.assertIn("Nothing about you in this table.", archive.read("index.html").decode())

    def test_index_html_is_readable_escaped_and_self_contained(self):
        self.alice.full_name = 'Alice <script>alert("x")</script> & Co'
        self.alice.save()
        archive = self.open_zip(self.build())
        page = archive.read("index.html").decode()
        self.assertIn("Alice &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co", page)
        self.assertNotIn("<script", page)
        self.assertIn('id="table-profile"', page)
        self.assertIn("alice@example.org", page)
        # Nothing is fetched from anywhere: no external link, stylesheet, script or image.
        self.assertNotIn("http://", page)
        self.assertNotIn("https://", page)
        self.assertNotIn("<link", page)
        self.assertNotIn("<img", page)

    def test_it_copies_the_persons_picture_under_files(self):
        self.alice.picture.save("me.png", ContentFile(b"PNG bytes of alice"), save=True)
        archive = self.open_zip(self.build())
        path = f"files/{self.alice.picture.name}"
        self.assertEqual(archive.read(path), b"PNG bytes of alice")
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["files"], [path])
        self.assertEqual(data["tables"]["profile"][0]["picture"], self.alice.picture.name)
        self.assertIn(f'href="{path}"', archive.read("index.html").decode())

    def test_it_copies_any_file_a_row_names_and_skips_missing_ones(self):
        stored = default_storage.save("receipts/r1.pdf", ContentFile(b"%PDF receipt"))

        def rows(user):
            yield {"file": stored, "note": "a receipt"}
            yield {"file": "receipts/gone.pdf"}
            yield {"file": "../../etc/passwd"}
            yield {"file": stored}

        with extra_table("zz_receipts", rows):
            archive = self.open_zip(self.build())
        self.assertEqual(archive.read(f"files/{stored}"), b"%PDF receipt")
        self.assertEqual([n for n in archive.namelist() if n.startswith("files/")], [f"files/{stored}"])
        self.assertFalse(any(".." in n for n in archive.namelist()))

    def test_it_emails_the_person_a_link_that_needs_their_session(self):
        export = self.build()
        [message] = mail.outbox
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertIn("ready", message.subject)
        self.assertIn(f"/account/privacy/exports/{export.code}/download/", message.body)
        self.assertIn("/account/privacy/", message.body)
        self.assertIn("log in", message.body)
        self.assertIn("5 March 2026, 10:00 UTC", message.body)

    def test_a_failed_build_is_recorded_and_the_person_told(self):
        def broken(user):
            raise RuntimeError("database went away")

        with extra_table("zz_broken", broken), self.assertLogs("timelive.privacy.exports", "ERROR"):
            export = self.build()
        self.assertEqual(export.status, ExportStatus.FAILED)
        self.assertEqual(export.finished_at, NOW)
        self.assertIn("Something went wrong", export.error)
        # The internal error is logged, not shown.
        self.assertNotIn("database went away", export.error)
        self.assertFalse(export.file)
        self.assertIsNone(export.expires_at)
        [message] = mail.outbox
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertIn("could not prepare", message.subject)
        self.assertIn("/account/privacy/", message.body)

    def test_it_builds_a_queued_export_only_once(self):
        export = self.build()
        first_file = export.file.name
        # The task delivered twice: the second run finds it no longer queued.
        build_export(export)
        export.refresh_from_db()
        self.assertEqual(export.file.name, first_file)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_builds_when_the_task_runs_later(self):
        with self.captureOnCommitCallbacks(execute=False):
            export, _ = do_request_export(self.alice, via="web")
        self.assertEqual(export.status, ExportStatus.QUEUED)
        from timelive.privacy.tasks import build_data_export

        self.assertEqual(build_data_export.call(export.pk), ExportStatus.READY)
        export.refresh_from_db()
        self.assertEqual(export.status, ExportStatus.READY)

    def test_it_moves_through_building(self):
        seen = []

        def spy(user):
            seen.append(DataExport.objects.get(user=user).status)
            return []

        with extra_table("zz_spy", spy):
            self.build()
        self.assertEqual(seen, [ExportStatus.BUILDING])


class WriteArchiveTestCase(BaseTestCase):
    def test_it_holds_one_table_in_memory_at_a_time(self):
        # Each table's rows are gathered only when that table is written: the
        # first table is done (its CSV in the ZIP) before the second is read.
        events = []

        def first(user):
            events.append("read first")
            yield {"n": 1}

        def second(user):
            events.append("read second")
            yield {"n": 2}

        original = exports.write_csv

        def tracking(archive, table, *args):
            events.append(f"wrote {table}")
            return original(archive, table, *args)

        with extra_table("zz_a_first", first), extra_table("zz_b_second", second), \
                mock.patch.object(exports, "write_csv", tracking):
            write_archive(io.BytesIO(), self.alice, exported_at=NOW)
        self.assertLess(events.index("wrote zz_a_first"), events.index("read second"))


class ExportDaysRuleTestCase(BaseTestCase):
    def test_the_operators_retention_rule_sets_the_deletion_time(self):
        from timelive.privacy.models import RetentionCategory, RetentionRule

        RetentionRule.objects.filter(category=RetentionCategory.EXPORTS).update(days=7)
        with self.captureOnCommitCallbacks(execute=True):
            export, _ = do_request_export(self.bob, via="web")
        export.refresh_from_db()
        self.assertEqual(export.status, ExportStatus.READY)
        self.assertEqual(export.expires_at - export.finished_at, dt.timedelta(days=7))
