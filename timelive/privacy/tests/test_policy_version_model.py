import datetime as dt

import time_machine
from django.db import transaction

from timelive.privacy.models import Immutable, PolicyDocument, PolicyKind, PolicyVersion
from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version


class PolicyVersionModelTestCase(BaseTestCase):
    def setUp(self):
        self.v2 = make_version(label="2.0", effective_at=NOW - DAY, summary="New partner.")

    def test_it_refuses_to_save_a_published_version(self):
        self.v2.text = "Something else"
        with self.assertRaises(Immutable):
            self.v2.save()
        with self.assertRaises(TypeError):  # Immutable is a TypeError, like the audit log's refusal
            self.v2.save(update_fields=["text"])
        self.assertEqual(PolicyVersion.objects.get(pk=self.v2.pk).text, "The text.")

    def test_it_refuses_to_delete_a_published_version(self):
        with self.assertRaises(Immutable):
            self.v2.delete()
        self.assertTrue(PolicyVersion.objects.filter(pk=self.v2.pk).exists())

    def test_its_queryset_refuses_to_update_or_delete_published_versions(self):
        with self.assertRaises(Immutable), transaction.atomic():
            PolicyVersion.objects.filter(pk=self.v2.pk).update(text="x")
        with self.assertRaises(Immutable), transaction.atomic():
            PolicyVersion.objects.all().update(summary="x")
        with self.assertRaises(Immutable), transaction.atomic():
            PolicyVersion.objects.filter(document__kind=PolicyKind.PRIVACY).delete()
        self.assertEqual(PolicyVersion.objects.get(pk=self.v2.pk).text, "The text.")

    def test_a_draft_can_be_edited_and_deleted(self):
        draft = make_version(label="3.0-draft", published=False)
        draft.text = "Better"
        draft.save()
        PolicyVersion.objects.filter(pk=draft.pk).update(summary="Changed")
        draft.refresh_from_db()
        self.assertEqual((draft.text, draft.summary), ("Better", "Changed"))
        draft.delete()
        self.assertFalse(PolicyVersion.objects.filter(pk=draft.pk).exists())

    def test_a_draft_can_be_published_once(self):
        draft = make_version(label="3.0", effective_at=NOW + DAY, published=False)
        draft.published_at = NOW
        draft.save()
        draft.summary = "later"
        with self.assertRaises(Immutable):
            draft.save()

    def test_it_computes_when_the_notice_ends(self):
        version = make_version(label="4.0", effective_at=NOW, notice_days=14, published=False)
        self.assertEqual(version.notice_ends_at, NOW + dt.timedelta(days=14))
        version.notice_days = 7
        version.save()
        self.assertEqual(version.notice_ends_at, NOW + dt.timedelta(days=7))

    def test_the_current_version_is_the_newest_in_force(self):
        make_version(label="3.0", effective_at=NOW + DAY)
        make_version(label="draft", effective_at=NOW - dt.timedelta(hours=1), published=False)
        with time_machine.travel(NOW.timestamp(), tick=False):
            self.assertEqual(PolicyVersion.objects.current(PolicyKind.PRIVACY), self.v2)
            self.assertEqual(self.v2.status, "published")
        with time_machine.travel((NOW + 2 * DAY).timestamp(), tick=False):
            self.assertEqual(PolicyVersion.objects.current(PolicyKind.PRIVACY).label, "3.0")
        # Documents with no version have none in force.
        self.assertIsNone(PolicyVersion.objects.current(PolicyKind.TERMS))

    def test_it_renders_its_text_safely(self):
        version = make_version(label="5.0", published=False, text="# Hi\n<b>x</b>")
        self.assertEqual(version.html, "<h2>Hi</h2>\n<p>&lt;b&gt;x&lt;/b&gt;</p>")

    def test_it_names_itself_and_links_to_its_page(self):
        self.assertEqual(str(self.v2), "Privacy policy 2.0")
        self.assertEqual(self.v2.get_absolute_url(), f"/privacy/versions/{self.v2.code}/")
        self.assertEqual(PolicyDocument.objects.get(kind="terms").get_absolute_url(), "/terms/")
