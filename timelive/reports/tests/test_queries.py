import datetime as dt

from django.http import Http404
from django.http.request import QueryDict
from django.test import RequestFactory

from timelive.orgs.models import Weekday
from timelive.tracking.models import TimeEntry

from ..access import report_scope
from ..filters import ReportFilterForm, preset_range
from ..queries import filtered_entries, summary
from .helpers import DAY, ReportTestCase, entry, expected


def scope_for(user, slug="alpha"):
    request = RequestFactory().get("/")
    request.user = user
    return report_scope(request, slug)


def filters_for(scope, **params):
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    form = ReportFilterForm(data, scope)
    assert form.is_valid(), form.errors
    return form.filters()


class QueryLayerTests(ReportTestCase):
    def check_totals(self, who, expected_entries, **params):
        scope = scope_for(who)
        report = summary(scope, filters_for(scope, **{"from": "2026-03-01", "to": "2026-03-31", **params}))
        want = expected(expected_entries)
        self.assertEqual(report.total.duration, want["duration"])
        self.assertEqual(report.total.billable_duration, want["billable_duration"])
        got_bill = {c: a.billable_amount for c, a in report.total.amounts.items() if a.billable_amount}
        got_cost = {c: a.cost for c, a in report.total.amounts.items() if a.cost}
        self.assertEqual(got_bill, {c: v for c, v in want["bill"].items() if v})
        self.assertEqual(got_cost, {c: v for c, v in want["cost"].items() if v})
        return report

    def test_it_gives_the_owner_everything_of_the_organisation_only(self):
        report = self.check_totals(self.alice, self.entries)
        self.assertEqual(report.total.entries, 6)

    def test_it_gives_a_member_only_their_own_time(self):
        self.check_totals(self.bob, [e for e in self.entries if e.user_id == self.bob.pk])

    def test_it_gives_a_manager_their_projects_and_direct_reports(self):
        seen = [e for e in self.entries if e.project_id == self.website.pk or e.user_id == self.dave.pk]
        self.check_totals(self.maria, seen)

    def test_it_gives_an_external_only_the_projects_they_approve(self):
        self.check_totals(self.erin, [e for e in self.entries if e.project_id == self.portal.pk])

    def test_it_gives_an_outsider_404(self):
        with self.assertRaises(Http404):
            scope_for(self.charlie)

    def test_it_rounds_each_entry_to_its_currency(self):
        report = self.check_totals(self.alice, self.entries)
        # 3601 s at 1000 JPY = 1000.2777… → 1000 yen; 1234 s at 12.34 KWD = 4.229… → 4.230 dinars.
        self.assertEqual(str(report.total.amounts["JPY"].billable_amount), "1000")
        self.assertEqual(str(report.total.amounts["KWD"].billable_amount), "4.230")
        # 5400 s at 33.33 = 49.995 → 50.00 (half up); 4000 s at 33.33 = 37.0333… → 37.03.
        self.assertEqual(str(report.total.amounts["EUR"].billable_amount), "87.03")

    def test_tags_do_not_double_count_the_totals(self):
        report = self.check_totals(self.alice, [e for e in self.entries if e.pk in (self.entries[0].pk,
                                                                                      self.entries[2].pk)],
                                   tag=["urgent", "meeting"], group_by="tag")
        by_tag = {g.row.keys["tag"]: g.row.duration for g in report.groups}
        self.assertEqual(by_tag, {self.urgent.pk: 9400, self.meeting.pk: 5400})

    def test_group_by_tag_lists_untagged_time_apart(self):
        report = self.check_totals(self.alice, self.entries, group_by="tag")
        self.assertEqual(report.groups[-1].row.labels["tag"], "No tag")

    def test_two_levels_have_subtotals_from_the_database(self):
        report = self.check_totals(self.alice, self.entries, group_by=["project", "tag"])
        website = next(g for g in report.groups if g.row.keys["project"] == self.website.pk)
        # One entry with two tags: two child rows of 5400 s, a sub-total of 5400 s.
        self.assertEqual([c.duration for c in website.children], [5400, 5400])
        self.assertEqual(website.row.duration, 5400)

    def test_filters_narrow_the_numbers(self):
        self.check_totals(self.alice, [e for e in self.entries if not e.billable], billable="no")
        self.check_totals(self.alice, [e for e in self.entries if e.status == "approved"], status="approved")
        self.check_totals(self.alice, [e for e in self.entries if e.project_id == self.portal.pk],
                          client=self.acme.uid, project=self.portal.uid)
        self.check_totals(self.alice, [e for e in self.entries if e.user_id == self.bob.pk], user=self.bob.code)
        self.check_totals(self.alice, [self.entries[0]], task=self.design.uid)

    def test_weeks_follow_the_organisations_week_start(self):
        self.org.week_start = Weekday.SUNDAY
        self.org.save()
        scope = scope_for(self.alice)
        report = summary(scope, filters_for(scope, **{"from": "2026-03-01", "to": "2026-03-31", "group_by": "week"}))
        # Wednesday 4 March and Tuesday 10 March: weeks starting Sunday 1 and Sunday 8 March.
        self.assertEqual([g.row.keys["week"] for g in report.groups], [dt.date(2026, 3, 1), dt.date(2026, 3, 8)])
        self.assertEqual(sum(g.row.duration for g in report.groups), sum(e.duration for e in self.entries))

    def test_weeks_on_monday_and_months(self):
        scope = scope_for(self.alice)
        report = summary(scope, filters_for(scope, **{"from": "2026-03-01", "to": "2026-03-31",
                                                      "group_by": ["month", "week"]}))
        self.assertEqual([g.row.keys["month"] for g in report.groups], [dt.date(2026, 3, 1)])
        self.assertEqual([c.keys["week"] for c in report.groups[0].children],
                         [dt.date(2026, 3, 2), dt.date(2026, 3, 9)])

    def test_cost_in_another_currency_gets_its_own_row(self):
        TimeEntry.objects.filter(org=self.org).delete()
        entry(self.org, self.bob, self.website, bill="100", cost="50", currency="EUR", cost_currency="USD")
        scope = scope_for(self.alice)
        report = summary(scope, filters_for(scope, **self.march()))
        amounts = {c: (str(a.billable_amount), str(a.cost)) for c, a in report.total.amounts.items()}
        self.assertEqual(amounts, {"EUR": ("100.00", "0.00"), "USD": ("0.00", "50.00")})
        self.assertEqual(report.total.duration, 3600)


class FilterFormTests(ReportTestCase):
    def form(self, who=None, **params):
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        return ReportFilterForm(data, scope_for(who or self.alice))

    def test_it_refuses_inverted_dates(self):
        form = self.form(**{"from": "2026-03-31", "to": "2026-03-01"})
        self.assertFalse(form.is_valid())
        self.assertIn("before the first day", form.error_text())

    def test_it_refuses_more_than_ten_years(self):
        form = self.form(**{"from": "2010-01-01", "to": "2026-03-01"})
        self.assertFalse(form.is_valid())
        self.assertIn("at most 10 years", form.error_text())

    def test_it_refuses_a_foreign_or_unknown_project(self):
        for uid in (self.foreign_project.uid, "nope"):
            form = self.form(project=uid)
            self.assertFalse(form.is_valid())
            self.assertIn("No project", form.error_text())

    def test_a_member_cannot_filter_on_someone_else(self):
        form = self.form(self.bob, user=self.alice.code)
        self.assertFalse(form.is_valid())

    def test_an_external_cannot_name_a_project_they_do_not_approve(self):
        self.assertFalse(self.form(self.erin, project=self.website.uid).is_valid())
        self.assertTrue(self.form(self.erin, project=self.portal.uid).is_valid())

    def test_presets_follow_the_week_start(self):
        wednesday = DAY
        self.assertEqual(preset_range("this_week", wednesday, 0), (dt.date(2026, 3, 2), dt.date(2026, 3, 8)))
        self.assertEqual(preset_range("last_week", wednesday, 6), (dt.date(2026, 2, 22), dt.date(2026, 2, 28)))
        self.assertEqual(preset_range("last_month", wednesday, 0), (dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
        self.assertEqual(preset_range("this_month", wednesday, 0), (dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
        self.assertEqual(preset_range("this_year", wednesday, 0), (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))

    def test_unknown_group_and_status_are_refused(self):
        self.assertFalse(self.form(group_by="colour").is_valid())
        self.assertFalse(self.form(status="lost").is_valid())
        self.assertFalse(self.form(group_by="project,user,task").is_valid())

    def test_filtered_entries_never_cross_organisations(self):
        scope = scope_for(self.alice)
        f = filters_for(scope, **self.march())
        self.assertNotIn(self.foreign.pk, set(filtered_entries(scope, f).values_list("pk", flat=True)))
