import datetime as dt
import io
import zipfile

from django.core import mail
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.utils import timezone
from django.utils.formats import date_format

from timelive.privacy.models import DataExport, ExportStatus
from timelive.privacy.views.exports import center_context
from timelive.test import BaseTestCase, make_user
from timelive.tracking.entries import user_zone

CENTER = "/account/privacy/"
REQUEST = "/account/privacy/exports/request/"
STATUS = "/account/privacy/exports/"
HTMX = {"HX-Request": "true"}


def download_url(export):
    return f"/account/privacy/exports/{export.code}/download/"


class ExportViewsTestCase(BaseTestCase):
    def ready(self, user, *, content=b"PK zip bytes", expires_in=dt.timedelta(days=3)):
        now = timezone.now()
        export = DataExport.objects.create(user=user, status=ExportStatus.READY, finished_at=now,
                                           expires_at=now + expires_in, size=len(content))
        export.file.save("export.zip", ContentFile(content), save=True)
        return export


class PrivacyPageSectionTestCase(ExportViewsTestCase):
    def test_it_offers_a_copy_with_a_keyboard_friendly_form(self):
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertContains(r, 'id="exports"')
        self.assertContains(r, f'<form method="post" action="{REQUEST}">')
        self.assertContains(r, '<button type="submit" class="button primary">Prepare a copy of my data</button>')
        self.assertContains(r, "You have not asked for a copy yet.")
        self.assertNotContains(r, "hx-trigger")

    def test_it_lists_a_ready_copy_with_size_expiry_and_download(self):
        export = self.ready(self.alice, content=b"x" * 2048)
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertContains(r, f'id="export-{export.code}"')
        self.assertContains(r, "Ready to download")
        self.assertContains(r, "2.0\xa0KB")
        self.assertContains(r, f'href="{download_url(export)}"')
        # Shown in alice's own time zone.
        self.assertContains(r, date_format(timezone.localtime(export.expires_at, user_zone(self.alice)), "j M Y H:i"))

    def test_it_polls_while_a_copy_is_being_prepared(self):
        DataExport.objects.create(user=self.alice, status=ExportStatus.BUILDING)
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertContains(r, f'hx-get="{STATUS}" hx-trigger="every 3s"')
        self.assertContains(r, "<progress")
        self.assertContains(r, "Being prepared…")
        self.assertNotContains(r, "/download/")

    def test_it_shows_expired_and_failed_copies_without_a_link(self):
        DataExport.objects.create(user=self.alice, status=ExportStatus.EXPIRED, size=10,
                                  expires_at=timezone.now() - dt.timedelta(days=1))
        DataExport.objects.create(user=self.alice, status=ExportStatus.FAILED, error="We could not <b>do</b> it.")
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertContains(r, "Deleted after 3 days")
        self.assertContains(r, "We could not &lt;b&gt;do&lt;/b&gt; it.")
        self.assertNotContains(r, "/download/")

    def test_it_lists_only_my_own_copies(self):
        theirs = self.ready(self.bob)
        self.login(self.alice)
        r = self.client.get(CENTER)
        self.assertNotContains(r, theirs.code)

    def test_the_section_costs_one_query_however_many_copies(self):
        request = RequestFactory().get(CENTER)
        request.user = self.alice
        with self.assertNumQueries(1):
            center_context(request)
        for _ in range(5):
            self.ready(self.alice)
        DataExport.objects.create(user=self.alice, status=ExportStatus.QUEUED)
        with self.assertNumQueries(1):
            context = center_context(request)
        self.assertEqual(len(context["exports"]), 6)
        self.assertTrue(context["export_pending"])


class RequestExportViewTestCase(ExportViewsTestCase):
    def test_it_requests_builds_and_emails(self):
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(REQUEST)
        self.assertRedirects(r, CENTER + "#exports", fetch_redirect_response=False)
        export = DataExport.objects.get(user=self.alice)
        self.assertEqual(export.status, ExportStatus.READY)
        [message] = mail.outbox
        self.assertIn(download_url(export), message.body)
        r = self.client.get(CENTER)
        self.assertContains(r, "We are preparing a copy of your data.")
        self.assertContains(r, f'href="{download_url(export)}"')

    def test_asking_twice_says_it_is_already_being_prepared(self):
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=False):
            self.client.post(REQUEST)
        r = self.client.post(REQUEST, follow=True)
        self.assertContains(r, "already being prepared")
        self.assertEqual(DataExport.objects.filter(user=self.alice).count(), 1)

    def test_it_says_a_new_copy_replaces_a_ready_one(self):
        self.ready(self.alice)
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=False):
            r = self.client.post(REQUEST, follow=True)
        self.assertContains(r, "It replaces your earlier copy")
        self.assertEqual(DataExport.objects.filter(user=self.alice).count(), 2)

    def test_it_needs_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(REQUEST).status_code, 405)
        self.assertFalse(DataExport.objects.exists())

    def test_anonymous_is_sent_to_log_in(self):
        r = self.client.post(REQUEST)
        self.assertRedirects(r, f"/account/login/?next={REQUEST}", fetch_redirect_response=False)
        self.assertFalse(DataExport.objects.exists())


class ExportStatusViewTestCase(ExportViewsTestCase):
    def test_it_answers_htmx_with_the_list_alone(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.BUILDING)
        self.login(self.alice)
        r = self.client.get(STATUS, headers=HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f'id="export-{export.code}"')
        self.assertContains(r, 'hx-trigger="every 3s"')
        self.assertNotContains(r, "<html")
        self.assertNotContains(r, "Prepare a copy of my data")

    def test_polling_stops_once_ready(self):
        export = self.ready(self.alice)
        self.login(self.alice)
        r = self.client.get(STATUS, headers=HTMX)
        self.assertNotContains(r, "hx-trigger")
        self.assertContains(r, download_url(export))

    def test_without_htmx_it_sends_to_the_privacy_page(self):
        self.login(self.alice)
        r = self.client.get(STATUS)
        self.assertRedirects(r, CENTER + "#exports", fetch_redirect_response=False)

    def test_it_shows_only_my_copies(self):
        theirs = DataExport.objects.create(user=self.charlie, status=ExportStatus.BUILDING)
        self.login(self.alice)
        r = self.client.get(STATUS, headers=HTMX)
        self.assertNotContains(r, theirs.code)
        self.assertContains(r, "You have not asked for a copy yet.")

    def test_query_count_is_pinned(self):
        self.login(self.alice)
        self.client.get(STATUS, headers=HTMX)
        for _ in range(3):
            self.ready(self.alice)
        # Session, person and the list: however many copies there are.
        with self.assertNumQueries(3):
            self.client.get(STATUS, headers=HTMX)


class DownloadExportViewTestCase(ExportViewsTestCase):
    def test_the_owner_downloads_the_zip(self):
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(REQUEST)
        export = DataExport.objects.get(user=self.alice)
        r = self.client.get(download_url(export))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/zip")
        self.assertTrue(r["Content-Disposition"].startswith("attachment; filename="))
        self.assertIn("private", r["Cache-Control"])
        archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
        self.assertIn("data.json", archive.namelist())

    def test_someone_else_gets_404(self):
        export = self.ready(self.alice)
        for person in (self.bob, self.charlie):
            with self.subTest(person=person):
                self.login(person)
                self.assertEqual(self.client.get(download_url(export)).status_code, 404)

    def test_an_operator_gets_404_too(self):
        # The wrong role: operators run the service; they do not download people's copies.
        operator = make_user("op@example.com", "Olga Operator", is_staff=True)
        export = self.ready(self.alice)
        self.login(operator)
        self.assertEqual(self.client.get(download_url(export)).status_code, 404)

    def test_an_unknown_code_is_404(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/account/privacy/exports/nosuchcode/download/").status_code, 404)

    def test_anonymous_is_sent_to_log_in(self):
        export = self.ready(self.alice)
        r = self.client.get(download_url(export))
        self.assertRedirects(r, f"/account/login/?next={download_url(export)}", fetch_redirect_response=False)

    def test_an_expired_copy_says_it_was_deleted_and_offers_a_new_one(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.EXPIRED,
                                           expires_at=timezone.now() - dt.timedelta(hours=1))
        self.login(self.alice)
        r = self.client.get(download_url(export))
        self.assertEqual(r.status_code, 410)
        self.assertContains(r, "was deleted 3 days after it was ready", status_code=410)
        self.assertContains(r, f'action="{REQUEST}"', status_code=410)

    def test_a_copy_past_its_time_is_not_served_before_the_purge_runs(self):
        export = self.ready(self.alice, expires_in=-dt.timedelta(minutes=1))
        self.login(self.alice)
        r = self.client.get(download_url(export))
        self.assertContains(r, "was deleted 3 days after it was ready", status_code=410)

    def test_a_copy_whose_file_is_gone_is_not_a_server_error(self):
        export = self.ready(self.alice)
        export.file.storage.delete(export.file.name)
        self.login(self.alice)
        self.assertEqual(self.client.get(download_url(export)).status_code, 410)

    def test_a_copy_being_prepared_says_so(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.BUILDING)
        self.login(self.alice)
        r = self.client.get(download_url(export))
        self.assertContains(r, "still being prepared", status_code=409)
        self.assertNotContains(r, f'action="{REQUEST}"', status_code=409)

    def test_a_failed_copy_says_why_and_offers_a_new_one(self):
        export = DataExport.objects.create(user=self.alice, status=ExportStatus.FAILED, error="It broke.")
        self.login(self.alice)
        r = self.client.get(download_url(export))
        self.assertContains(r, "We could not prepare this copy of your data: It broke.", status_code=409)
        self.assertContains(r, f'action="{REQUEST}"', status_code=409)

    def test_it_needs_get(self):
        export = self.ready(self.alice)
        self.login(self.alice)
        self.assertEqual(self.client.post(download_url(export)).status_code, 405)

    def test_export_files_are_not_reachable_by_media_url(self):
        export = self.ready(self.alice)
        self.login(self.alice)
        for path in (f"/media/{export.file.name}", f"/{export.file.name}", export.file.url):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path if path.startswith("/") else "/" + path).status_code, 404)
