import datetime as dt

from timelive.api.test import ApiTestCase
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.test import make_user
from timelive.tracking import actions
from timelive.tracking.entries import EntryData
from timelive.tracking.tests.helpers import make_project, rules_for

AUDIT = "/api/v1/orgs/alpha/audit"


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


class AuditTrailApiTestCase(ApiTestCase):
    """bob logged an hour on Website (maria manages it); alice, an administrator, made it an hour and a half."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.maria = make_user("maria@example.org", "Maria Manager")
        Membership.objects.create(org=cls.org, user=cls.maria, role=Role.MANAGER)
        cls.project = make_project(cls.org, "Website", project_manager=cls.maria)

    def setUp(self):
        self.entry = actions.create_entry(rules_for(self.bob, self.org), self.bob,
                                          EntryData(project=self.project.uid, date=dt.date(2026, 3, 10), duration=3600))
        actions.update_entry(rules_for(self.alice, self.org), self.entry, EntryData(duration=5400))
        self.history = f"/api/v1/orgs/alpha/time-entries/{self.entry.uid}/history"
        _, self.alice_secret = self.make_token(self.alice)
        _, self.bob_secret = self.make_token(self.bob)


class AuditApiTestCase(AuditTrailApiTestCase):
    def test_administrators_read_the_log_newest_first(self):
        AuditLog.objects.create(org=self.other_org, actor=self.charlie, event=AuditEvent.MEMBER_JOINED,
                                target_label="bravo-row")
        r = self.api_get(AUDIT, self.alice_secret)
        self.assertEqual(r.status_code, 200, r.content)
        body = r.json()
        self.assertEqual(body["count"], 2)
        changed = body["items"][0]
        self.assertEqual({k: changed[k] for k in ("actor", "actor_name", "event", "target_type", "target_id", "target",
                                                    "changes")}, {
            "actor": self.alice.code, "actor_name": "Alice Example", "event": "entry.changed", "target_type": "timeentry",
            "target_id": self.entry.uid, "target": "2026-03-10 Website", "changes": {"duration": [3600, 5400]},
        })
        self.assertEqual(changed["event_label"], "Time entry changed")
        self.assertEqual(body["items"][1]["event"], "entry.created")

    def test_it_filters_and_paginates(self):
        for day in range(1, 6):
            AuditLog.objects.create(org=self.org, actor=self.alice, event=AuditEvent.TIMESHEET_APPROVED,
                                    target_type="submission", target_id=f"s{day}", created_at=at(2026, 4, day, 12))
        r = self.api_get(AUDIT, self.alice_secret, kind="timesheets", limit=2, offset=1)
        self.assertEqual(r.json()["count"], 5)
        self.assertEqual([i["target_id"] for i in r.json()["items"]], ["s4", "s3"])
        r = self.api_get(AUDIT, self.alice_secret, actor=self.bob.code)
        self.assertEqual([i["event"] for i in r.json()["items"]], ["entry.created"])
        r = self.api_get(AUDIT, self.alice_secret, actor="me", kind="entries")
        self.assertEqual([i["event"] for i in r.json()["items"]], ["entry.changed"])
        r = self.api_get(AUDIT, self.alice_secret, target_type="submission", target_id="s2")
        self.assertEqual([i["target_id"] for i in r.json()["items"]], ["s2"])
        r = self.api_get(AUDIT, self.alice_secret, event="timesheet.approved", **{"from": "2026-04-02", "to": "2026-04-03"})
        self.assertEqual([i["target_id"] for i in r.json()["items"]], ["s3", "s2"])

    def test_dates_are_the_callers_days(self):
        self.alice.time_zone = "Asia/Tokyo"
        self.alice.save()
        # 20:00 UTC on the 1st is already the 2nd in Tokyo.
        AuditLog.objects.create(org=self.org, actor=self.alice, event=AuditEvent.TIMESHEET_APPROVED,
                                target_type="submission", target_id="late", created_at=at(2026, 4, 1, 20))
        r = self.api_get(AUDIT, self.alice_secret, **{"from": "2026-04-02", "to": "2026-04-02"})
        self.assertEqual([i["target_id"] for i in r.json()["items"]], ["late"])

    def test_bad_filters_get_422(self):
        for params in ({"kind": "nope"}, {"event": "nope"}, {"from": "yesterday"}, {"limit": 0},
                       {"target_type": "Robert'); DROP"}):
            self.assertError(self.api_get(AUDIT, self.alice_secret, **params), 422, "invalid")

    def test_its_query_count_does_not_grow_with_rows(self):
        self.api_get(AUDIT, self.alice_secret)
        # The token, the membership, the count, and the page with its actors.
        with self.assertNumQueries(4):
            self.api_get(AUDIT, self.alice_secret)
        for day in range(1, 30):
            AuditLog.objects.create(org=self.org, actor=self.bob if day % 2 else self.maria,
                                    event=AuditEvent.ENTRY_CHANGED, created_at=at(2026, 4, day))
        with self.assertNumQueries(4):
            self.assertEqual(len(self.api_get(AUDIT, self.alice_secret).json()["items"]), 31)

    def test_members_and_managers_get_403(self):
        _, maria_secret = self.make_token(self.maria)
        for secret in (self.bob_secret, maria_secret):
            self.assertError(self.api_get(AUDIT, secret), 403, "permission_denied")

    def test_outsiders_get_404_and_strangers_401(self):
        _, secret = self.make_token(self.charlie)
        self.assertError(self.api_get(AUDIT, secret), 404, "not_found")
        self.assertError(self.api_get(self.history, secret), 404, "not_found")
        self.assertError(self.api_get(AUDIT), 401, "not_authenticated")


class EntryHistoryApiTestCase(AuditTrailApiTestCase):
    def test_whoever_may_see_the_entry_reads_its_history(self):
        _, maria_secret = self.make_token(self.maria)
        for secret in (self.bob_secret, self.alice_secret, maria_secret):
            r = self.api_get(self.history, secret)
            self.assertEqual(r.status_code, 200, r.content)
            self.assertEqual(r.json()["count"], 2)
            self.assertEqual([(i["event"], i["changes"].get("duration")) for i in r.json()["items"]],
                             [("entry.changed", [3600, 5400]), ("entry.created", [None, 3600])])

    def test_another_member_gets_404_and_an_external_403(self):
        carol = make_user("carol@example.org", "Carol Member")
        Membership.objects.create(org=self.org, user=carol, role=Role.MEMBER)
        erin = make_user("erin@client.example", "Erin Client")
        Membership.objects.create(org=self.org, user=erin, role=Role.EXTERNAL)
        _, carol_secret = self.make_token(carol)
        _, erin_secret = self.make_token(erin)
        self.assertError(self.api_get(self.history, carol_secret), 404, "not_found")
        self.assertError(self.api_get(self.history, erin_secret), 403, "permission_denied")

    def test_a_deleted_entry_is_gone_here_but_kept_in_the_log(self):
        actions.delete_entry(self.entry, acting_user=self.bob)
        self.assertError(self.api_get(self.history, self.bob_secret), 404, "not_found")
        r = self.api_get(AUDIT, self.alice_secret, target_type="timeentry", target_id=self.entry.uid)
        self.assertEqual([i["event"] for i in r.json()["items"]], ["entry.deleted", "entry.changed", "entry.created"])

    def test_its_query_count_does_not_grow_with_history(self):
        self.api_get(self.history, self.bob_secret)
        # The token, the membership, the entry, the count, and the page with its actors.
        with self.assertNumQueries(5):
            self.api_get(self.history, self.bob_secret)
        for seconds in range(600, 6000, 600):
            actions.update_entry(rules_for(self.alice, self.org), self.entry.__class__.objects.get(pk=self.entry.pk),
                                 EntryData(duration=seconds))
        with self.assertNumQueries(5):
            self.assertEqual(self.api_get(self.history, self.bob_secret).json()["count"], 11)
