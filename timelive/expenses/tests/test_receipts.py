from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from timelive.expenses.models import ExpenseStatus, Receipt
from timelive.expenses.receipts import MAX_RECEIPT_BYTES, receipt_content_type
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Project

from .helpers import make_code, make_expense, pdf_bytes, pdf_upload, png_bytes, png_upload


class ReceiptCheckTestCase(BaseTestCase):
    def test_it_accepts_a_real_png_and_a_real_pdf(self):
        self.assertEqual(receipt_content_type(png_upload()), "image/png")
        self.assertEqual(receipt_content_type(pdf_upload()), "application/pdf")
        # The name does not matter, the content does.
        self.assertEqual(receipt_content_type(SimpleUploadedFile("scan.txt", pdf_bytes())), "application/pdf")

    def test_it_refuses_text_dressed_as_a_png(self):
        fake = SimpleUploadedFile("receipt.png", b"just some text, not a picture", content_type="image/png")
        with self.assertRaises(ValidationError) as caught:
            receipt_content_type(fake)
        self.assertIn("“receipt.png” is not a picture (JPEG, PNG, GIF or WebP) or a PDF", caught.exception.messages[0])

    def test_it_refuses_a_pdf_that_is_not_whole_and_html(self):
        for name, content in (("cut.pdf", pdf_bytes()[:200]), ("page.pdf", b"<html><script>alert(1)</script></html>"),
                              ("pic.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')):
            with self.subTest(name), self.assertRaises(ValidationError):
                receipt_content_type(SimpleUploadedFile(name, content))

    def test_it_refuses_a_file_too_large(self):
        big = SimpleUploadedFile("huge.png", png_bytes() + b"\0" * MAX_RECEIPT_BYTES)
        with self.assertRaises(ValidationError) as caught:
            receipt_content_type(big)
        self.assertIn("“huge.png” is larger than 10 MB", caught.exception.messages[0])


class ReceiptPagesTestCase(BaseTestCase):
    def setUp(self):
        self.carol, _ = self.add_member("carol@example.org", "Carol Manager", Role.MANAGER)
        self.dave, _ = self.add_member("dave@example.org", "Dave Member")
        self.website = Project.objects.create(org=self.org, name="Website", project_manager=self.carol)
        self.code = make_code(self.org)
        self.expense = make_expense(self.org, self.bob, self.website, self.code)
        self.edit_url = reverse("expenses:edit", args=["alpha", self.expense.uid])

    def form(self, **extra):
        return {"date": "2026-03-10", "project": self.website.uid, "expense_code": self.code.uid, "amount": "10.00",
                "currency": "USD", "version": str(self.expense.version), **extra}

    def add(self, *uploads):
        self.login(self.bob)
        return self.client.post(self.edit_url, {**self.form(), "receipts": list(uploads)})

    def test_it_keeps_a_png_and_a_pdf_and_shows_them(self):
        r = self.add(png_upload("lunch.png"), pdf_upload("hotel.pdf"))
        self.assertRedirects(r, reverse("expenses:detail", args=["alpha", self.expense.uid]))
        png, pdf = self.expense.receipts.order_by("id")
        self.assertEqual((png.content_type, pdf.content_type), ("image/png", "application/pdf"))
        # Stored under a random folder, with our own name, not the uploader's.
        self.assertRegex(png.file.name, rf"^receipts/{self.org.pk}/[0-9a-z]{{24}}/receipt\.png$")
        r = self.client.get(reverse("expenses:detail", args=["alpha", self.expense.uid]))
        self.assertContains(r, f'<img src="{reverse("expenses:receipt", args=["alpha", png.uid])}"')
        self.assertContains(r, f'href="{reverse("expenses:receipt", args=["alpha", pdf.uid])}" target="_blank"')
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual(log.details["changes"]["receipts"], [[], ["lunch.png", "hotel.pdf"]])
        self.assertEqual(log.event, AuditEvent.EXPENSE_CHANGED)

    def test_it_refuses_a_fake_picture_and_saves_nothing(self):
        fake = SimpleUploadedFile("receipt.png", b"not a picture", content_type="image/png")
        r = self.add(fake)
        self.assertContains(r, "“receipt.png” is not a picture", status_code=400)
        self.assertFalse(Receipt.objects.exists())

    def test_it_refuses_a_file_too_large_on_the_page(self):
        big = SimpleUploadedFile("huge.pdf", pdf_bytes() + b"\0" * MAX_RECEIPT_BYTES)
        r = self.add(big)
        self.assertContains(r, "“huge.pdf” is larger than 10 MB", status_code=400)
        self.assertFalse(Receipt.objects.exists())

    def receipt(self, content=None, content_type="image/png"):
        upload = SimpleUploadedFile("r", content or png_bytes())
        return Receipt.objects.create(expense=self.expense, file=upload, name="lunch.png", size=upload.size,
                                      content_type=content_type)

    def test_it_serves_a_receipt_to_those_who_may_see_the_expense(self):
        receipt = self.receipt()
        url = reverse("expenses:receipt", args=["alpha", receipt.uid])
        for person in (self.bob, self.alice, self.carol):
            self.login(person)
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, person)
            self.assertEqual(b"".join(r.streaming_content), png_bytes())
            self.assertEqual(r["Content-Type"], "image/png")
            self.assertEqual(r["X-Content-Type-Options"], "nosniff")
            self.assertIn("sandbox", r["Content-Security-Policy"])
            self.assertTrue(r["Content-Disposition"].startswith("inline"))
        r = self.client.get(url, {"download": "1"})
        self.assertTrue(r["Content-Disposition"].startswith("attachment"))

    def test_it_serves_a_pdf_as_a_pdf(self):
        receipt = self.receipt(pdf_bytes(), "application/pdf")
        self.login(self.bob)
        r = self.client.get(reverse("expenses:receipt", args=["alpha", receipt.uid]))
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn("default-src 'none'", r["Content-Security-Policy"])

    def test_nobody_else_gets_a_receipt(self):
        receipt = self.receipt()
        for person in (self.dave, self.charlie):
            self.login(person)
            for name in ("receipt", "receipt_delete"):
                url = reverse(f"expenses:{name}", args=["alpha", receipt.uid])
                self.assertEqual(self.client.get(url).status_code, 404, (person, name))
            self.assertEqual(self.client.post(reverse("expenses:receipt_delete", args=["alpha", receipt.uid])).status_code, 404)
        self.assertTrue(Receipt.objects.filter(pk=receipt.pk).exists())

    def test_the_owner_removes_a_receipt_while_the_expense_is_open(self):
        receipt = self.receipt()
        url = reverse("expenses:receipt_delete", args=["alpha", receipt.uid])
        self.login(self.alice)  # an administrator sees it, but does not change it
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.bob)
        self.assertContains(self.client.get(url), "Remove the receipt lunch.png?")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url)
        self.assertRedirects(r, self.edit_url)
        self.assertFalse(Receipt.objects.exists())
        self.assertFalse(default_storage.exists(receipt.file.name))
        self.expense.refresh_from_db()
        self.assertEqual(self.expense.version, 2)
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual((log.event, log.details["changes"]), (AuditEvent.EXPENSE_RECEIPT_REMOVED,
                                                               {"receipts": [["lunch.png"], []]}))

    def test_receipts_of_a_submitted_expense_stay(self):
        receipt = self.receipt()
        self.expense.status = ExpenseStatus.SUBMITTED
        self.expense.save()
        self.login(self.bob)
        r = self.client.post(reverse("expenses:receipt_delete", args=["alpha", receipt.uid]), follow=True)
        self.assertContains(r, "cannot be changed or deleted any more")
        self.assertTrue(Receipt.objects.filter(pk=receipt.pk).exists())
