import csv
import io
from decimal import Decimal
from unittest import mock

from django.urls import reverse

from ..queries import detailed
from .helpers import ReportTestCase, expected
from .xlsx import read_rows

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


class DetailedPageTests(ReportTestCase):
    def get(self, who, name="reports:detailed", args=(), **params):
        self.login(who)
        return self.client.get(reverse(name, args=["alpha", *args]), {**MARCH, **params})

    def test_outsider_gets_404(self):
        self.assertEqual(self.get(self.charlie).status_code, 404)
        self.assertEqual(self.get(self.charlie, "reports:detailed_export", ["csv"]).status_code, 404)

    def test_member_sees_only_their_entries(self):
        response = self.get(self.bob)
        self.assertEqual({e.user_id for e in response.context["page"].entries}, {self.bob.pk})

    def test_manager_sees_only_their_projects_and_reports(self):
        response = self.get(self.maria)
        seen = {e.pk for e in response.context["page"].entries}
        want = {e.pk for e in self.entries if e.project_id == self.website.pk or e.user_id == self.dave.pk}
        self.assertEqual(seen, want)

    def test_sorting_and_keyset_pages(self):
        response = self.get(self.alice, sort="-duration")
        durations = [e.duration for e in response.context["page"].entries]
        self.assertEqual(durations, sorted(durations, reverse=True))
        self.assertContains(response, "Hours ↓")

    def test_next_page_link_walks_every_entry(self):
        self.login(self.alice)
        def four_a_page(scope, filters, **kwargs):
            return detailed(scope, filters, limit=4, **kwargs)

        with mock.patch("timelive.reports.views.detailed", four_a_page):
            first = self.client.get(reverse("reports:detailed", args=["alpha"]), MARCH)
            self.assertContains(first, "Next page")
            second = self.client.get(reverse("reports:detailed", args=["alpha"]) + "?" + first.context["next_query"])
        ids = [e.pk for e in first.context["page"].entries] + [e.pk for e in second.context["page"].entries]
        self.assertEqual(sorted(ids), sorted(e.pk for e in self.entries))
        self.assertIsNone(second.context["page"].next_cursor)

    def test_a_forged_cursor_says_so(self):
        response = self.get(self.alice, cursor="!!!")
        self.assertContains(response, "This page link is not valid")

    def test_query_count_is_pinned(self):
        self.login(self.alice)
        self.client.get(reverse("reports:detailed", args=["alpha"]), MARCH)
        with self.assertNumQueries(13):
            self.client.get(reverse("reports:detailed", args=["alpha"]), MARCH)

    def test_csv_has_every_entry_and_the_totals_of_the_page(self):
        for who in (self.alice, self.bob, self.maria):
            with self.subTest(who=who.full_name):
                page_total = self.get(who).context["total"]
                rows = csv_rows(self.get(who, "reports:detailed_export", ["csv"]))
                entries = [r for r in rows if r["Person"] != "Total"]
                totals = {r["Currency"]: (Decimal(r["Billable amount"]), Decimal(r["Cost"]))
                          for r in rows if r["Person"] == "Total"}
                self.assertEqual(totals, {a.currency: (a.billable_amount, a.cost) for a in page_total.currencies})
                # The lines add up to the totals too.
                line_sum = {}
                for r in entries:
                    if r["Billable amount"]:
                        line_sum[r["Currency"]] = line_sum.get(r["Currency"], 0) + Decimal(r["Billable amount"])
                self.assertEqual(line_sum, {c: a.billable_amount for c, a in page_total.amounts.items()
                                            if a.billable_amount})

    def test_xlsx_totals_match_and_hours_use_h_mm(self):
        response = self.get(self.alice, "reports:detailed_export", ["xlsx"])
        content = b"".join(response.streaming_content)
        self.assertIn(b"[h]:mm", __import__("zipfile").ZipFile(io.BytesIO(content)).read("xl/styles.xml"))
        rows = read_rows(content)
        header = rows[0]
        totals = [r for r in rows[1:] if r[header.index("Person")] == "Total"]
        want = expected(self.entries)
        self.assertAlmostEqual(totals[0][header.index("Hours")] * 86400, want["duration"], places=3)
        got = {r[header.index("Currency")]: round(Decimal(str(r[header.index("Billable amount")])), 3)
               for r in totals if r[header.index("Billable amount")]}
        self.assertEqual(got, {c: round(v, 3) for c, v in want["bill"].items()})

    def test_xlsx_over_the_row_limit_offers_csv(self):
        with mock.patch("timelive.reports.exports.XLSX_MAX_ROWS", 3):
            response = self.get(self.alice, "reports:detailed_export", ["xlsx"])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "more than a spreadsheet holds")
        self.assertContains(response, "Download it as CSV")


class WeeklyPageTests(ReportTestCase):
    def get(self, who, name="reports:weekly", args=(), **params):
        self.login(who)
        return self.client.get(reverse(name, args=["alpha", *args]), {"week": "2026-03-04", **params})

    def test_outsider_gets_404(self):
        self.assertEqual(self.get(self.charlie).status_code, 404)

    def test_people_by_days_with_totals(self):
        report = self.get(self.alice).context["report"]
        self.assertEqual(report.days[0].isoformat(), "2026-03-02")
        week = [e for e in self.entries if e.date.isoformat() <= "2026-03-08"]
        self.assertEqual(report.total.duration, sum(e.duration for e in week))
        self.assertEqual(sum(d.duration for d in report.day_totals), report.total.duration)
        for line in report.lines:
            self.assertEqual(sum(c.duration for c in line.cells), line.row.duration)

    def test_member_sees_only_their_line(self):
        report = self.get(self.bob).context["report"]
        self.assertEqual([line.row.keys["user"] for line in report.lines], [self.bob.pk])

    def test_manager_sees_only_their_people(self):
        report = self.get(self.maria).context["report"]
        self.assertEqual({line.row.keys["user"] for line in report.lines}, {self.bob.pk, self.dave.pk})
        bob = next(line for line in report.lines if line.row.keys["user"] == self.bob.pk)
        # bob's Intranet time is not on maria's project: only his Website time shows.
        self.assertEqual(bob.row.duration, 5400)

    def test_a_bad_week_says_so(self):
        self.assertContains(self.get(self.alice, week="soon"), "That is not a day")

    def test_query_count_is_pinned(self):
        self.get(self.alice)
        with self.assertNumQueries(15):
            self.client.get(reverse("reports:weekly", args=["alpha"]), {"week": "2026-03-04"})

    def test_csv_total_matches_the_page(self):
        report = self.get(self.alice).context["report"]
        rows = list(csv.reader(io.StringIO(b"".join(
            self.get(self.alice, "reports:weekly_export", ["csv"]).streaming_content).decode("utf-8-sig"))))
        total = next(r for r in rows if r[0] == "Total")
        seconds = report.total.duration
        self.assertEqual(total[-2], f"{seconds // 3600}:{seconds % 3600 // 60:02d}")
        xlsx = read_rows(b"".join(self.get(self.alice, "reports:weekly_export", ["xlsx"]).streaming_content))
        self.assertAlmostEqual(next(r for r in xlsx if r[0] == "Total")[-2] * 86400, seconds, places=3)
