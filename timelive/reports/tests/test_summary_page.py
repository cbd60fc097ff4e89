import csv
import io
from decimal import Decimal

from django.urls import reverse

from .helpers import ReportTestCase, expected
from .xlsx import read_rows


def table(response) -> str:
    """The report's table and chart, without the filter form (which lists projects one may filter on)."""
    html = response.content.decode()
    return html[html.index("<figure>"):] if "<figure>" in html else ""


class SummaryPageTests(ReportTestCase):
    def url(self, slug="alpha", **params):
        return reverse("reports:summary", args=[slug]), {"from": "2026-03-01", "to": "2026-03-31", **params}

    def get(self, who, slug="alpha", **params):
        self.login(who)
        path, query = self.url(slug, **params)
        return self.client.get(path, query)

    def test_outsider_gets_404(self):
        self.assertEqual(self.get(self.charlie).status_code, 404)

    def test_anonymous_is_sent_to_log_in(self):
        path, query = self.url()
        self.assertEqual(self.client.get(path, query).status_code, 302)

    def test_owner_sees_the_total_of_everything(self):
        response = self.get(self.alice)
        self.assertEqual(response.status_code, 200)
        total = response.context["report"].total
        want = expected(self.entries)
        self.assertEqual(total.duration, want["duration"])
        self.assertContains(response, "87.03 EUR")
        self.assertContains(response, "1,000 JPY")
        self.assertContains(response, "4.230 KWD")
        self.assertContains(response, "<svg")
        self.assertContains(response, "<title id=\"chart-title\">")
        self.assertNotContains(response, "Secret")

    def test_member_sees_only_their_own_numbers(self):
        response = self.get(self.bob)
        want = expected([e for e in self.entries if e.user_id == self.bob.pk])
        self.assertEqual(response.context["report"].total.duration, want["duration"])
        self.assertNotIn("Portal", table(response))
        # No people filter for a member: only their own time is there.
        self.assertEqual(response.context["options"]["people"], [])

    def test_manager_sees_only_their_projects_and_reports(self):
        response = self.get(self.maria, group_by="project,user")
        want = expected([e for e in self.entries if e.project_id == self.website.pk or e.user_id == self.dave.pk])
        self.assertEqual(response.context["report"].total.duration, want["duration"])
        self.assertNotIn("Portal", table(response))
        self.assertNotIn("Alice Example", table(response))
        self.assertIn("Dave Report", table(response))

    def test_manager_cannot_ask_for_someone_elses_project_numbers(self):
        response = self.get(self.maria, project=self.portal.uid, user=self.alice.code)
        # Portal is public (offered), but the numbers stay within her scope: none of alice's time there.
        self.assertEqual(response.context["report"].total.duration, 0)
        self.assertContains(response, "No time matches")

    def test_foreign_project_is_refused_with_a_message(self):
        response = self.get(self.alice, project=self.foreign_project.uid)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["report"])
        self.assertContains(response, "that you can report on")

    def test_inverted_dates_re_render_the_form_with_input(self):
        response = self.get(self.alice, **{"from": "2026-03-31", "to": "2026-03-01"})
        self.assertContains(response, "before the first day")
        self.assertContains(response, 'value="2026-03-31"')

    def test_two_levels_show_subtotals(self):
        response = self.get(self.alice, group_by=["client", "project"])
        self.assertContains(response, "Sub-total")
        self.assertContains(response, "No client")

    def test_query_count_is_pinned(self):
        self.login(self.alice)
        path, query = self.url(group_by="project,user")
        self.client.get(path, query)  # warm the session
        # One GROUP BY (the sub-totals and total add its rows up) and the names of projects and people.
        with self.assertNumQueries(13):
            self.client.get(path, query)
        # By tag, the sub-totals and total need their own queries: an entry is in one row per tag.
        with self.assertNumQueries(15):
            self.client.get(path, {**query, "group_by": "tag,user"})

    def test_empty_state(self):
        response = self.get(self.alice, **{"from": "2025-01-01", "to": "2025-01-31"})
        self.assertContains(response, "No time matches these filters")


class SummaryExportTests(ReportTestCase):
    def export(self, who, fmt, **params):
        self.login(who)
        path = reverse("reports:summary_export", args=["alpha", fmt])
        return self.client.get(path, {"from": "2026-03-01", "to": "2026-03-31", **params})

    def page_totals(self, who, **params):
        self.login(who)
        response = self.client.get(reverse("reports:summary", args=["alpha"]),
                                   {"from": "2026-03-01", "to": "2026-03-31", **params})
        return response.context["report"].total

    def test_outsider_gets_404(self):
        self.assertEqual(self.export(self.charlie, "csv").status_code, 404)
        self.assertEqual(self.export(self.alice, "pdfx").status_code, 404)

    def test_csv_totals_match_the_page(self):
        for who, params in ((self.alice, {}), (self.bob, {}), (self.maria, {"group_by": "project,tag"})):
            response = self.export(who, "csv", **params)
            self.assertEqual(response.status_code, 200)
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
            totals = [r for r in rows if r[next(iter(r))] == "Total"]
            page = self.page_totals(who, **params)
            got = {r["Currency"]: (Decimal(r["Billable amount"]), Decimal(r["Cost"])) for r in totals}
            want = {a.currency: (a.billable_amount, a.cost) for a in page.currencies}
            self.assertEqual(got, want)
            self.assertEqual(totals[0]["Hours"], f"{page.duration // 3600}:{page.duration % 3600 // 60:02d}")

    def test_csv_cells_are_formula_safe(self):
        self.website.name = "=HYPERLINK(\"http://evil\")"
        self.website.save()
        response = self.export(self.alice, "csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn('\t=HYPERLINK', text)

    def test_xlsx_totals_match_the_page_with_hours_as_numbers(self):
        response = self.export(self.alice, "xlsx", group_by="user")
        self.assertEqual(response.status_code, 200)
        rows = read_rows(b"".join(response.streaming_content))
        header = rows[0]
        totals = [r for r in rows[1:] if r[0] == "Total"]
        page = self.page_totals(self.alice, group_by="user")
        hours = header.index("Hours")
        self.assertAlmostEqual(totals[0][hours] * 86400, page.duration, places=3)
        got = {r[header.index("Currency")]: round(Decimal(str(r[header.index("Billable amount")])), 3)
               for r in totals}
        self.assertEqual(got, {a.currency: round(a.billable_amount, 3) for a in page.currencies})
