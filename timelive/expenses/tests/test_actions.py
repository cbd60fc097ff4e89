"""The hooks the approval engine uses: one person's expenses for a period, and moving their status."""

import datetime as dt

from timelive.expenses.actions import do_set_expense_status
from timelive.expenses.models import Expense, ExpenseStatus
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase

from .helpers import DAY, make_expense


class ExpenseStatusTestCase(BaseTestCase):
    def test_it_moves_a_sheets_expenses_audited_once_each(self):
        inside = [make_expense(self.org, self.bob, day=DAY), make_expense(self.org, self.bob, day=DAY + dt.timedelta(days=2))]
        outside = make_expense(self.org, self.bob, day=DAY + dt.timedelta(days=20))
        sheet = Expense.objects.for_sheet(self.org, self.bob, DAY, DAY + dt.timedelta(days=6))
        moved = do_set_expense_status(sheet, ExpenseStatus.SUBMITTED, acting_user=self.bob, submission="s1")
        self.assertEqual(moved, 2)
        for expense in inside:
            expense.refresh_from_db()
            self.assertEqual((expense.status, expense.version, expense.is_editable), (ExpenseStatus.SUBMITTED, 2, False))
        outside.refresh_from_db()
        self.assertEqual(outside.status, ExpenseStatus.OPEN)
        logs = AuditLog.objects.filter(event=AuditEvent.EXPENSE_CHANGED)
        self.assertEqual(sorted(log.target_id for log in logs), sorted(e.uid for e in inside))
        self.assertEqual(logs[0].details, {"changes": {"status": ["open", "submitted"]}, "via": "approval",
                                           "submission": "s1"})
        # Moving again changes (and records) nothing.
        self.assertEqual(do_set_expense_status(sheet, ExpenseStatus.SUBMITTED, acting_user=self.bob), 0)
        self.assertEqual(logs.count(), 2)


class StaleChangeTestCase(BaseTestCase):
    def test_a_change_from_an_older_read_keeps_the_engines_status(self):
        from timelive.expenses.actions import do_update_expense, expense_snapshot

        expense = make_expense(self.org, self.bob)
        before = expense_snapshot(expense)
        # The approval engine rejects it meanwhile (both open and rejected may be changed).
        Expense.objects.filter(pk=expense.pk).update(status=ExpenseStatus.REJECTED, version=2)
        expense.description = "Fixed"
        do_update_expense(expense, before, expected_version=None, acting_user=self.bob)
        expense.refresh_from_db()
        self.assertEqual((expense.status, expense.description, expense.version), (ExpenseStatus.REJECTED, "Fixed", 3))
        log = AuditLog.objects.get(event=AuditEvent.EXPENSE_CHANGED)
        self.assertEqual(log.details["changes"], {"description": ["", "Fixed"]})
