from decimal import Decimal

from timelive.api.test import ApiTestCase

from .helpers import ReportTestCase, expected

SUMMARY = "/api/v1/orgs/alpha/reports/summary"
DETAILED = "/api/v1/orgs/alpha/reports/detailed"
ENTRIES = "/api/v1/orgs/alpha/time-entries"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


class ReportApiTests(ReportTestCase, ApiTestCase):
    def get(self, who, path=SUMMARY, **params):
        _, secret = self.make_token(who)
        return self.api_get(path, secret, **{**MARCH, **params})

    def test_outsider_gets_404(self):
        self.assertError(self.get(self.charlie), 404, "not_found")
        self.assertError(self.get(self.charlie, DETAILED), 404, "not_found")

    def test_anonymous_gets_401(self):
        self.assertError(self.api_get(SUMMARY), 401, "not_authenticated")

    def test_summary_groups_by_public_ids_with_decimal_strings(self):
        body = self.get(self.alice, group_by="project,user").json()
        self.assertEqual(body["group_by"], ["project", "user"])
        website = [g for g in body["groups"] if g["project"] == self.website.uid]
        self.assertEqual(website, [{
            "project": self.website.uid, "user": self.bob.code,
            "labels": {"project": "Website", "user": "Bob Example"}, "duration": 5400, "billable_duration": 5400,
            "billable_amount": "50.00", "cost": "30.00", "profit": "20.00", "currency": "EUR"}])
        totals = {c["currency"]: c["billable_amount"] for c in body["totals"]["currencies"]}
        # Time without any rate counts in the organisation's currency, at no amount.
        self.assertEqual(totals, {"EUR": "87.03", "JPY": "1000", "KWD": "4.230", "USD": "0.00"})

    def test_totals_match_sums_from_the_raw_time_entries_api(self):
        """For each role: the summary's totals equal sums computed here from the time-entries API's rows."""
        for who in (self.alice, self.bob, self.maria):
            with self.subTest(who=who.full_name):
                _, secret = self.make_token(who)
                raw = self.api_get(ENTRIES, secret, limit=500, **MARCH).json()["items"]
                if who == self.maria:
                    # The time-entries API shows a manager their projects' entries, not their reports';
                    # reports add the direct reports' time: compare on her projects only.
                    raw = [r for r in raw if r["project"] == self.website.uid]
                    params = {"project": self.website.uid}
                else:
                    params = {}
                rows = [_Raw(r) for r in raw]
                want = expected(rows)
                body = self.api_get(SUMMARY, secret, **MARCH, **params).json()
                self.assertEqual(body["totals"]["duration"], want["duration"])
                self.assertEqual(body["totals"]["billable_duration"], want["billable_duration"])
                got = {c["currency"]: Decimal(c["billable_amount"]) for c in body["totals"]["currencies"]
                       if Decimal(c["billable_amount"])}
                self.assertEqual(got, {k: v for k, v in want["bill"].items() if v})
                self.assertEqual(sum(g["duration"] for g in body["groups"]), want["duration"])

    def test_member_sees_only_their_own_numbers(self):
        body = self.get(self.bob, group_by="user").json()
        self.assertEqual({g["user"] for g in body["groups"]}, {self.bob.code})

    def test_manager_sees_only_their_projects_and_direct_reports(self):
        body = self.get(self.maria, group_by="project,user").json()
        pairs = {(g["project"], g["user"]) for g in body["groups"]}
        self.assertEqual(pairs, {(self.website.uid, self.bob.code), (self.intranet.uid, self.dave.code)})

    def test_external_sees_only_the_projects_they_approve(self):
        body = self.get(self.erin, group_by="project").json()
        self.assertEqual({g["project"] for g in body["groups"]}, {self.portal.uid})

    def test_bad_input_is_a_422_with_detail_and_code(self):
        cases = [
            {"from": "2026-03-31", "to": "2026-03-01"},
            {"from": "2000-01-01", "to": "2026-03-01"},
            {"project": self.foreign_project.uid},
            {"project": "nope"},
            {"group_by": "colour"},
            {"group_by": "project,user,task"},
            {"range": "someday"},
            {"status": "lost"},
        ]
        for params in cases:
            with self.subTest(params):
                self.assertError(self.get(self.alice, **params), 422, "invalid")
        self.assertError(self.get(self.bob, user=self.alice.code), 422, "invalid")

    def test_billable_filter(self):
        body = self.get(self.alice, billable="false").json()
        self.assertEqual(body["totals"]["duration"], 1800)

    def test_summary_query_count_is_pinned(self):
        _, secret = self.make_token(self.alice)
        with self.assertNumQueries(6):
            self.api_get(SUMMARY, secret, group_by="project,user", **MARCH)
        # By tag, the sub-totals and total need their own queries (an entry is in one row per tag).
        with self.assertNumQueries(7):
            self.api_get(SUMMARY, secret, group_by="project,tag", **MARCH)

    def test_detailed_pages_by_cursor_through_every_entry(self):
        _, secret = self.make_token(self.alice)
        seen, cursor, pages = [], None, 0
        while True:
            params = {**MARCH, "limit": 2, "sort": "-duration"}
            if cursor:
                params["cursor"] = cursor
            body = self.api_get(DETAILED, secret, **params).json()
            seen += body["items"]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(pages, 3)
        self.assertEqual([i["duration"] for i in seen], sorted((e.duration for e in self.entries), reverse=True))
        kwd = next(i for i in seen if i["currency"] == "KWD")
        self.assertEqual((kwd["billable_amount"], kwd["cost"]), ("4.230", "1.141"))

    def test_detailed_member_sees_only_their_entries(self):
        body = self.get(self.bob, DETAILED).json()
        self.assertEqual({i["user"] for i in body["items"]}, {self.bob.code})

    def test_detailed_refuses_a_forged_cursor_and_sort(self):
        self.assertError(self.get(self.alice, DETAILED, cursor="garbage"), 422, "invalid")
        self.assertError(self.get(self.alice, DETAILED, sort="colour"), 422, "invalid")
        first = self.get(self.alice, DETAILED, limit=1).json()
        self.assertError(self.get(self.alice, DETAILED, sort="-date", cursor=first["next_cursor"]), 422, "invalid")

    def test_detailed_query_count_is_pinned(self):
        _, secret = self.make_token(self.alice)
        with self.assertNumQueries(5):
            self.api_get(DETAILED, secret, **MARCH)


class _Raw:
    """A row of the time-entries API, read like a TimeEntry by tests.helpers.expected()."""

    def __init__(self, item):
        self.duration, self.billable = item["duration"], item["billable"]
        self.bill_rate = Decimal(item["bill_rate"]) if item["bill_rate"] is not None else None
        self.cost_rate = Decimal(item["cost_rate"]) if item["cost_rate"] is not None else None
        self.bill_currency, self.cost_currency = item["bill_currency"], item["cost_currency"]
