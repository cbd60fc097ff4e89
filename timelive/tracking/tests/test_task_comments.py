import datetime as dt
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from timelive.orgs.models import Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import ProjectMember, TaskAttachment, TaskComment

from .helpers import make_project, make_task


class CommentsTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.url = f"/o/alpha/tasks/{self.task.uid}/comments/"

    def comment(self, author, body="Looks good", files=()):
        comment = TaskComment.objects.create(task=self.task, author=author, body=body)
        for name, content in files:
            TaskAttachment.objects.create(comment=comment, file=ContentFile(content, name=name), name=name,
                                          size=len(content), content_type="text/html")
        return comment

    def test_anyone_who_sees_the_project_may_comment(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"body": "  When is this due?  "})
        comment = TaskComment.objects.get()
        self.assertRedirects(r, f"/o/alpha/tasks/{self.task.uid}/#comment-{comment.uid}")
        self.assertEqual((comment.author, comment.body), (self.bob, "When is this due?"))
        r = self.client.get(f"/o/alpha/tasks/{self.task.uid}/")
        self.assertContains(r, "When is this due?")

    def test_it_attaches_files(self):
        self.login(self.bob)
        files = [SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"),
                 SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")]
        self.client.post(self.url, {"body": "See attached", "files": files})
        attachments = TaskAttachment.objects.order_by("name")
        self.assertEqual([(a.name, a.size) for a in attachments], [("notes.txt", 5), ("page.html", 25)])
        self.assertTrue(attachments[0].file.name.startswith(f"attachments/{self.org.pk}/"))
        self.assertContains(self.client.get(f"/o/alpha/tasks/{self.task.uid}/"), "notes.txt")

    def test_it_refuses_too_many_or_too_large_files(self):
        self.login(self.bob)
        files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(6)]
        r = self.client.post(self.url, {"body": "Many", "files": files})
        self.assertContains(r, "Attach at most 5 files to one comment.", status_code=400)
        # What was typed is kept.
        self.assertContains(r, "Many</textarea>", status_code=400)
        with mock.patch("timelive.tracking.catalog_forms.MAX_ATTACHMENT_BYTES", 3):
            r = self.client.post(self.url, {"body": "Big", "files": [SimpleUploadedFile("big.bin", b"1234")]})
        self.assertContains(r, "big.bin is larger than 10 MB.", status_code=400)
        self.assertFalse(TaskComment.objects.exists())

    def test_it_refuses_an_empty_comment(self):
        self.login(self.bob)
        r = self.client.post(self.url, {"body": "   "})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(TaskComment.objects.exists())

    def test_it_serves_attachments_only_as_checked_downloads(self):
        comment = self.comment(self.alice, files=[("page.html", b"<script>alert(1)</script>")])
        attachment = comment.attachments.get()
        url = f"/o/alpha/attachments/{attachment.uid}/"
        self.login(self.bob)
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), b"<script>alert(1)</script>")
        self.assertEqual(r["Content-Type"], "application/octet-stream")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertTrue(r["Content-Disposition"].startswith("attachment;"))
        self.assertIn("page.html", r["Content-Disposition"])
        # Outsiders, externals and people who cannot see the project get nothing.
        self.login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/attachments/{attachment.uid}/").status_code, 404)
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        self.login(external)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.project.is_public = False
        self.project.save()
        self.login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 404)
        ProjectMember.objects.create(project=self.project, user=self.bob)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_missing_file_is_404(self):
        attachment = self.comment(self.alice, files=[("a.txt", b"a")]).attachments.get()
        default_storage.delete(attachment.file.name)
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/o/alpha/attachments/{attachment.uid}/").status_code, 404)

    def test_authors_edit_their_own_comments(self):
        comment = self.comment(self.bob)
        url = f"/o/alpha/comments/{comment.uid}/edit/"
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"body": "Hijacked"}).status_code, 403)
        self.login(self.bob)
        self.assertContains(self.client.get(url), "Looks good")
        r = self.client.post(url, {"body": ""})
        self.assertEqual(r.status_code, 400)
        r = self.client.post(url, {"body": "Looks great"})
        self.assertRedirects(r, f"/o/alpha/tasks/{self.task.uid}/#comment-{comment.uid}")
        comment.refresh_from_db()
        self.assertEqual(comment.body, "Looks great")
        self.assertIsNotNone(comment.edited_at)

    def test_authors_and_admins_delete_comments_with_their_files(self):
        comment = self.comment(self.alice, files=[("a.txt", b"a")])
        name = comment.attachments.get().file.name
        url = f"/o/alpha/comments/{comment.uid}/delete/"
        self.login(self.bob)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.alice)
        self.assertContains(self.client.get(url), "its 1 attachment will be gone")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url)
        self.assertRedirects(r, f"/o/alpha/tasks/{self.task.uid}/")
        self.assertFalse(TaskComment.objects.exists())
        self.assertFalse(default_storage.exists(name))
        # An administrator may delete anyone's comment.
        other = self.comment(self.bob)
        self.client.post(f"/o/alpha/comments/{other.uid}/delete/")
        self.assertFalse(TaskComment.objects.exists())

    def test_outsiders_and_externals_cannot_comment(self):
        comment = self.comment(self.bob)
        self.login(self.charlie)
        self.assertEqual(self.client.post(f"/o/bravo/tasks/{self.task.uid}/comments/", {"body": "x"}).status_code, 404)
        self.assertEqual(self.client.post(f"/o/bravo/comments/{comment.uid}/delete/").status_code, 404)
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        self.login(external)
        self.assertEqual(self.client.post(self.url, {"body": "x"}).status_code, 403)
        self.assertEqual(TaskComment.objects.count(), 1)

    def test_a_read_only_organisation_refuses_comments(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url, {"body": "x"}).status_code, 403)
        self.assertFalse(TaskComment.objects.exists())

    def test_the_task_page_keeps_the_query_count_flat(self):
        self.comment(self.alice, files=[("a.txt", b"a")])
        url = f"/o/alpha/tasks/{self.task.uid}/"
        self.login(self.bob)
        self.client.get(url)
        with self.assertNumQueries(11):
            self.client.get(url)
        for i in range(5):
            self.comment(self.bob, f"Comment {i}", files=[(f"{i}.txt", b"x"), (f"{i}b.txt", b"y")])
        with self.assertNumQueries(11):
            self.client.get(url)
