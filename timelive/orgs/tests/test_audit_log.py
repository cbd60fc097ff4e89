import datetime as dt

from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase

URL = "/o/alpha/audit/"


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


class AuditLogPageTestCase(BaseTestCase):
    def log(self, event=AuditEvent.MEMBER_JOINED, when=None, org=None, label="Someone", actor=None):
        return AuditLog.objects.create(org=org or self.org, actor=actor or self.alice, event=event,
                                       target_label=label, created_at=when or at(2025, 3, 10, 12))

    def test_it_lists_the_organisations_events(self):
        self.log(label="Target in alpha")
        self.log(org=self.other_org, label="Target in bravo", actor=self.charlie)
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertContains(r, "Target in alpha")
        self.assertContains(r, "Member joined")
        self.assertNotContains(r, "Target in bravo")

    def test_it_filters_by_event(self):
        self.log(AuditEvent.MEMBER_JOINED, label="joined-row")
        self.log(AuditEvent.MEMBER_REMOVED, label="removed-row")
        self.login(self.alice)
        r = self.client.get(URL, {"event": AuditEvent.MEMBER_REMOVED})
        self.assertEqual([log.target_label for log in r.context["page"]], ["removed-row"])

    def test_it_filters_by_dates_inclusive(self):
        self.log(when=at(2025, 3, 9, 23, 59), label="before")
        self.log(when=at(2025, 3, 10, 0, 0), label="first-day")
        self.log(when=at(2025, 3, 12, 23, 59), label="last-day")
        self.log(when=at(2025, 3, 13, 0, 0), label="after")
        self.login(self.alice)
        r = self.client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-12"})
        self.assertEqual([log.target_label for log in r.context["page"]], ["last-day", "first-day"])

    def test_its_dates_are_the_viewers_days(self):
        # 23:30 UTC on the 9th is already the 10th in Berlin, where alice reads the log.
        self.alice.time_zone = "Europe/Berlin"
        self.alice.save()
        self.log(when=at(2025, 3, 9, 23, 30), label="berlin-10th")
        self.login(self.alice)
        r = self.client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-10"})
        self.assertEqual([log.target_label for log in r.context["page"]], ["berlin-10th"])
        self.assertContains(r, "2025-03-10 00:30:00")

    def test_it_shows_a_bad_date_instead_of_failing(self):
        self.log()
        self.login(self.alice)
        r = self.client.get(URL, {"date_from": "yesterday", "event": "nope"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Enter a valid date.")

    def test_it_paginates_and_keeps_the_filters(self):
        for i in range(55):
            self.log(AuditEvent.MEMBER_JOINED, when=at(2025, 3, 10, 12) + dt.timedelta(minutes=i), label=f"row-{i}")
        self.login(self.alice)
        r = self.client.get(URL, {"event": AuditEvent.MEMBER_JOINED})
        self.assertEqual(len(r.context["page"]), 50)
        self.assertContains(r, "Page 1 of 2")
        self.assertContains(r, "?event=member.joined&amp;page=2")
        r = self.client.get(URL, {"event": AuditEvent.MEMBER_JOINED, "page": 2})
        self.assertEqual([log.target_label for log in r.context["page"]], [f"row-{i}" for i in range(4, -1, -1)])

    def test_its_query_count_does_not_grow_with_rows(self):
        self.log()
        self.login(self.alice)
        self.client.get(URL)
        # Session, person, membership; the layout's organisation switcher and running timer;
        # the count and one page of rows with their actors; the people of the Person filter.
        with self.assertNumQueries(9):
            self.client.get(URL)
        for i in range(30):
            self.log(actor=self.bob if i % 2 else self.alice, label=f"r{i}")
        with self.assertNumQueries(9):
            self.client.get(URL)

    def test_it_offers_the_csv_with_the_same_filters(self):
        self.login(self.alice)
        r = self.client.get(URL, {"event": AuditEvent.MEMBER_JOINED})
        self.assertContains(r, "/o/alpha/audit.csv?event=member.joined")

    def test_members_get_403(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_managers_get_403(self):
        manager, _ = self.add_member("m@example.org", "Man Ager", role=Role.MANAGER)
        self.login(manager)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
