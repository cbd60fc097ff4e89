from django.db import transaction
from django.test import TestCase

from timelive.orgs.actions import audit
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import make_org, make_user


class AuditLogModelTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("alice@example.org", "Alice Example")
        cls.org = make_org("alpha", "Alpha Ltd", cls.alice)

    def setUp(self):
        self.log = audit(self.org, self.alice, AuditEvent.MEMBER_JOINED, self.org, role="owner")

    def test_it_writes_a_row_with_the_target(self):
        self.assertEqual(self.log.target_type, "organization")
        self.assertEqual(self.log.target_label, "Alpha Ltd")
        self.assertEqual(self.log.details, {"role": "owner"})
        self.assertEqual(self.log.created_at.utcoffset().total_seconds(), 0)

    def test_it_refuses_to_save_an_existing_row(self):
        self.log.event = AuditEvent.MEMBER_REMOVED
        with self.assertRaises(TypeError):
            self.log.save()
        self.assertEqual(AuditLog.objects.get().event, AuditEvent.MEMBER_JOINED)

    def test_it_refuses_to_delete_a_row(self):
        with self.assertRaises(TypeError):
            self.log.delete()
        self.assertEqual(AuditLog.objects.count(), 1)

    def test_it_refuses_queryset_update_and_delete(self):
        with self.assertRaises(TypeError):
            AuditLog.objects.update(event=AuditEvent.MEMBER_REMOVED)
        with self.assertRaises(TypeError):
            AuditLog.objects.filter(org=self.org).update(target_label="x")
        with self.assertRaises(TypeError):
            AuditLog.objects.all().delete()
        with self.assertRaises(TypeError):
            AuditLog.objects.filter(pk=self.log.pk).delete()
        # bulk_update runs in an atomic block of its own making; contain its rollback.
        with self.assertRaises(TypeError), transaction.atomic():
            AuditLog.objects.bulk_update([self.log], ["event"])
        self.assertEqual(AuditLog.objects.get().event, AuditEvent.MEMBER_JOINED)

    def test_its_organisation_cannot_be_deleted_under_it(self):
        from django.db.models import ProtectedError

        with self.assertRaises(ProtectedError):
            self.org.delete()
