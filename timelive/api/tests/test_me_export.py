import datetime as dt
import io
import json
import zipfile

from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.models import DataExport, ExportStatus

EXPORT = "/api/v1/me/export"
EXPORTS = "/api/v1/me/exports"


class MeExportTestCase(ApiTestCase):
    def setUp(self):
        _, self.secret = self.make_token(self.alice)

    def api_post(self, path, secret=None):
        headers = {"Authorization": f"Bearer {secret or self.secret}"}
        return self.client.post(path, b"", content_type="application/json", headers=headers)

    def ready(self, user, *, content=b"PK zip", expires_in=dt.timedelta(days=3)):
        now = timezone.now()
        export = DataExport.objects.create(user=user, status=ExportStatus.READY, finished_at=now,
                                           expires_at=now + expires_in, size=len(content))
        export.file.save("export.zip", ContentFile(content), save=True)
        return export

    # Asking

    def test_it_starts_an_export_builds_it_and_downloads_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            r = self.api_post(EXPORT)
        self.assertEqual(r.status_code, 202, r.content)
        body = r.json()
        export = DataExport.objects.get(user=self.alice)
        self.assertEqual(body["code"], export.code)
        # The answer tells the state when it was accepted; the build ran after.
        self.assertEqual(body["status"], "queued")
        self.assertEqual(body["links"]["self"], f"{EXPORTS}/{export.code}")
        self.assertIsNone(body["links"]["download"])
        self.assertIn("We are preparing a copy", body["detail"])
        self.assertEqual(AuditLog.objects.get(event=AuditEvent.DATA_EXPORT_REQUESTED).details, {"via": "api"})
        self.assertEqual(len(mail.outbox), 1)

        r = self.api_get(body["links"]["self"], self.secret)
        self.assertEqual(r.status_code, 200)
        detail = r.json()
        self.assertEqual(detail["status"], "ready")
        self.assertEqual(detail["status_label"], "Ready to download")
        self.assertGreater(detail["size"], 0)
        self.assertEqual(detail["links"]["download"], f"{EXPORTS}/{export.code}/download")

        r = self.api_get(detail["links"]["download"], self.secret)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/zip")
        self.assertTrue(r["Content-Disposition"].startswith("attachment;"))
        archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["tables"]["profile"][0]["email"], "alice@example.org")

    def test_a_second_call_while_pending_returns_the_same_export_with_200(self):
        with self.captureOnCommitCallbacks(execute=False):
            first = self.api_post(EXPORT)
            second = self.api_post(EXPORT)
        self.assertEqual(first.status_code, 202)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["code"], first.json()["code"])
        self.assertIn("already being prepared", second.json()["detail"])
        self.assertEqual(DataExport.objects.count(), 1)

    def test_a_token_limited_to_one_organisation_cannot_export(self):
        _, limited = self.make_token(self.alice, org=self.org)
        export = self.ready(self.alice)
        self.assertError(self.api_post(EXPORT, limited), 403, "permission_denied")
        self.assertError(self.api_get(f"{EXPORTS}/{export.code}/download", limited), 403, "permission_denied")
        self.assertError(self.api_get(EXPORTS, limited), 403, "permission_denied")
        self.assertEqual(DataExport.objects.count(), 1)

    def test_the_browser_session_works_too(self):
        self.login(self.alice)
        export = self.ready(self.alice)
        r = self.client.get(f"{EXPORTS}/{export.code}/download")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), b"PK zip")

    # Listing

    def test_it_lists_my_exports_newest_first(self):
        older = self.ready(self.alice)
        newer = DataExport.objects.create(user=self.alice, requested_at=timezone.now() + dt.timedelta(seconds=1))
        self.ready(self.bob)
        r = self.api_get(EXPORTS, self.secret)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([i["code"] for i in body["items"]], [newer.code, older.code])
        self.assertEqual(self.api_get(EXPORTS, self.secret, limit=1, offset=1).json()["items"][0]["code"], older.code)

    def test_the_list_query_count_is_pinned(self):
        for _ in range(3):
            self.ready(self.alice)
        self.api_get(EXPORTS, self.secret)
        # Token (and its last use), count, page: however many copies.
        with self.assertNumQueries(3):
            self.api_get(EXPORTS, self.secret)
        for _ in range(3):
            self.ready(self.alice)
        with self.assertNumQueries(3):
            self.assertEqual(self.api_get(EXPORTS, self.secret).json()["count"], 6)

    def test_the_list_rejects_a_bad_limit(self):
        self.assertError(self.api_get(EXPORTS, self.secret, limit=0), 422, "invalid")

    # Someone else's, anonymous, gone

    def test_someone_elses_export_is_404(self):
        theirs = self.ready(self.charlie)
        for path in (f"{EXPORTS}/{theirs.code}", f"{EXPORTS}/{theirs.code}/download"):
            with self.subTest(path=path):
                self.assertError(self.api_get(path, self.secret), 404, "not_found")

    def test_a_teammate_gets_404_for_my_export(self):
        # The wrong role: bob shares alice's organisation, not her data.
        mine = self.ready(self.alice)
        _, bob_secret = self.make_token(self.bob)
        self.assertError(self.api_get(f"{EXPORTS}/{mine.code}", bob_secret), 404, "not_found")
        self.assertError(self.api_get(f"{EXPORTS}/{mine.code}/download", bob_secret), 404, "not_found")
        self.assertEqual(self.api_get(EXPORTS, bob_secret).json()["count"], 0)

    def test_a_malformed_code_is_422(self):
        self.assertError(self.api_get(f"{EXPORTS}/NOT-A-CODE", self.secret), 422, "invalid")

    def test_anonymous_gets_401(self):
        export = self.ready(self.alice)
        self.assertError(self.client.post(EXPORT), 401, "not_authenticated")
        for path in (EXPORTS, f"{EXPORTS}/{export.code}", f"{EXPORTS}/{export.code}/download"):
            with self.subTest(path=path):
                self.assertError(self.api_get(path), 401, "not_authenticated")
        self.assertEqual(DataExport.objects.count(), 1)

    def test_download_before_ready_is_409(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.BUILDING)
        body = self.assertError(self.api_get(f"{EXPORTS}/{export.code}/download", self.secret), 409, "not_ready")
        self.assertIn("being prepared", body["detail"])

    def test_download_of_a_failed_export_is_409(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.FAILED, error="It broke.")
        body = self.assertError(self.api_get(f"{EXPORTS}/{export.code}/download", self.secret), 409, "failed")
        self.assertIn("It broke.", body["detail"])

    def test_download_of_an_expired_export_is_410(self):
        expired = DataExport.objects.create(user=self.alice, status=ExportStatus.EXPIRED)
        late = self.ready(self.alice, expires_in=-dt.timedelta(seconds=1))
        for export in (expired, late):
            with self.subTest(export=export.status):
                body = self.assertError(self.api_get(f"{EXPORTS}/{export.code}/download", self.secret), 410, "expired")
                self.assertIn("deleted 3 days after", body["detail"])
        self.assertIsNone(self.api_get(f"{EXPORTS}/{late.code}", self.secret).json()["links"]["download"])
