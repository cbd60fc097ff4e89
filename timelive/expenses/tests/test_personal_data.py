import datetime as dt
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from timelive.accounts.personal_data import pseudonym_name
from timelive.expenses.models import Expense, Receipt
from timelive.privacy.core.registry import erase_person, export_person, registered
from timelive.privacy.exports import write_archive
from timelive.test import BaseTestCase

from .helpers import make_expense, png_bytes


class ExpensePersonalDataTestCase(BaseTestCase):
    def setUp(self):
        self.expense = make_expense(self.org, self.bob, description="Taxi to the airport")
        self.receipt = Receipt.objects.create(expense=self.expense, file=ContentFile(png_bytes(), name="r.png"),
                                              name="taxi.png", size=10, content_type="image/png")
        make_expense(self.org, self.alice, description="Alice's own")

    def test_it_exports_the_persons_expenses_and_receipts(self):
        tables = export_person(self.bob)
        self.assertEqual([row["description"] for row in tables["expenses"]], ["Taxi to the airport"])
        row = tables["expenses"][0]
        self.assertEqual((row["uid"], row["total"], row["currency"], row["receipts"], row["expense_code_title"]),
                         (self.expense.uid, "10.00", "USD", 1, "Meals"))
        self.assertEqual(tables["expense_receipts"], [{
            "uid": self.receipt.uid, "expense_uid": self.expense.uid, "name": "taxi.png", "size": 10,
            "content_type": "image/png", "file": self.receipt.file.name,
            "created_at": self.receipt.created_at.isoformat()}])

    def test_the_export_zip_holds_the_receipt_files(self):
        out = io.BytesIO()
        write_archive(out, self.bob, exported_at=timezone.now())
        with zipfile.ZipFile(out) as archive:
            self.assertEqual(archive.read(f"files/{self.receipt.file.name}"), png_bytes())

    def test_erasure_keeps_the_records_under_the_pseudonymised_person(self):
        self.assertIn("accounting records", registered(Expense).note)
        self.assertIn("accounting records", registered(Receipt).note)
        erase_person(self.bob)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.full_name, pseudonym_name(self.bob))
        self.expense.refresh_from_db()
        self.assertEqual((self.expense.user_id, self.expense.description), (self.bob.pk, "Taxi to the airport"))
        self.assertTrue(Receipt.objects.filter(pk=self.receipt.pk).exists())
        self.assertEqual(self.expense.date, dt.date(2026, 3, 10))
