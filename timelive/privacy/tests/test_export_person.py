import datetime as dt
import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken, InstalledIntegration
from timelive.notifications.mail import queue_mail
from timelive.orgs.actions import do_invite_member, do_remove_member
from timelive.orgs.models import Role
from timelive.privacy.actions import do_record_consent
from timelive.privacy.core.registry import entries, export_person
from timelive.privacy.models import (
    DataExport,
    DataRequest,
    DataRequestEvent,
    PolicyAcceptance,
    PolicyChangeMail,
    PolicyVersion,
    Purpose,
    RequestKind,
    RequestStatus,
)
from timelive.test import BaseTestCase
from timelive.tracking.models import (
    ClientContact,
    ProjectMember,
    RateKind,
    Tag,
    TaskAttachment,
    TaskComment,
    TimeEntry,
    Timer,
)
from timelive.tracking.tests.helpers import make_client, make_project, make_rate, make_task

DAY = dt.date(2025, 6, 2)
# Queries each table's exporter makes, whatever the number of rows: one, plus one for a prefetch
# (tags of entries, attachments of comments), and two to tell her own audit targets from others'.
PINNED_QUERIES = {
    "admin_log": 1, "api_tokens": 1, "audit_log": 3, "client_contacts": 1, "clients": 1, "consents": 1,
    "data_exports": 1, "data_request_events": 1, "data_requests": 1, "emails": 1, "integrations_installed": 1,
    "invitations": 1, "memberships": 1, "policy_acceptances": 1, "policy_change_mails": 1, "profile": 0,
    "project_memberships": 1, "projects_led": 1, "rates": 1, "sessions": 1, "task_attachments": 1, "task_comments": 2,
    "tasks_assigned": 1, "time_entries": 2, "timer": 1,
}


def add_entries(person, org, project, count, *, task=None, tags=(), words="Work"):
    made = [TimeEntry.objects.create(org=org, user=person, project=project, task=task, date=DAY + dt.timedelta(days=i),
                                     duration=3600 + i, description=f"{words} {i}") for i in range(count)]
    for entry in made:
        entry.tags.set(tags)
    return made


def give_personal_data(person, org, project, task, *, words):
    """A bit of everything the registry covers, for `person`: `words` marks their free text."""
    tags = [Tag.objects.get_or_create(org=org, name=name)[0] for name in ("deep work", "client")]
    add_entries(person, org, project, 2, task=task, tags=tags, words=f"{words} entry")
    ProjectMember.objects.create(project=project, user=person)
    task.assignees.add(person)
    comment = TaskComment.objects.create(task=task, author=person, body=f"{words} comment")
    TaskAttachment.objects.create(comment=comment, file=ContentFile(b"notes", name=f"{words}.txt"), name=f"{words}.txt",
                                  size=5, content_type="text/plain")
    Timer.objects.create(user=person, org=org, project=project, description=f"{words} timer")
    make_rate(org, RateKind.COST, "40.00", user=person)
    ApiToken.issue(person, f"{words} token", org=org)
    do_record_consent(person, Purpose.NEWSLETTER, True)
    do_record_consent(person, Purpose.PRODUCT_UPDATES, True)
    do_record_consent(person, Purpose.PRODUCT_UPDATES, False)
    UserSession.objects.create(session_key=f"{words}-session".ljust(32, "x")[:40], session_data="",
                               expire_date=timezone.now() + dt.timedelta(days=1), user=person,
                               device=f"{words} browser", code=words[:16])
    version = PolicyVersion.objects.order_by("id").first()
    PolicyAcceptance.objects.create(user=person, version=version)
    PolicyChangeMail.objects.create(user=person, version=version)
    request = DataRequest.objects.create(user=person, kind=RequestKind.RECTIFICATION, reason=f"{words} reason",
                                         status=RequestStatus.OPEN, org=org, reply=f"{words} reply")
    DataRequestEvent.objects.create(request=request, actor=person, action="filed", status=RequestStatus.OPEN,
                                    note=f"{words} note")
    DataExport.objects.create(user=person, file=ContentFile(b"PK", name="copy.zip"), size=2)
    queue_mail(person.email, f"{words} mail", "account_reactivated", {"user": person})
    InstalledIntegration.objects.create(org=org, name=f"{words} CRM", purpose="Sync", data_categories="Names",
                                        installed_by=person)


class ExportPersonTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website", project_manager=cls.alice, team_lead=cls.bob)
        cls.task = make_task(cls.project, "Design")
        give_personal_data(cls.alice, cls.org, cls.project, cls.task, words="Alice's")
        give_personal_data(cls.bob, cls.org, cls.project, cls.task, words="Bob's")
        make_client(cls.org, "Alice Freelance", email="Alice@Example.org", phone="+1 555 0100", notes="Pays late")
        make_client(cls.org, "Bob Freelance", email="bob@example.org", phone="+1 555 0199")
        ClientContact.objects.create(client=make_client(cls.org, "Initech"), name="Alice E.", email="alice@example.org")
        # Alice acts on others: the export shows what she did, not their names or addresses.
        do_remove_member(cls.bob_membership, acting_user=cls.alice)
        do_invite_member(cls.org, "dave@example.com", Role.MEMBER, acting_user=cls.alice)
        # ... and others act for her: an invitation names its sender by display name only.
        do_invite_member(cls.other_org, "alice@example.org", Role.MEMBER, acting_user=cls.charlie)
        # As an operator, Alice changed Bob's account in the admin.
        LogEntry.objects.create(user=cls.alice, content_type=ContentType.objects.get_for_model(User),
                                object_id=str(cls.bob.pk), object_repr=str(cls.bob), action_flag=CHANGE,
                                change_message='[{"changed": {"fields": ["Phone"]}}]')

    def test_it_has_every_table_with_her_rows(self):
        data = export_person(self.alice)
        self.assertEqual(set(data), {entry.table for entry in entries() if entry.export})
        self.assertEqual([r["email"] for r in data["profile"]], ["alice@example.org"])
        self.assertEqual([(r["org_name"], r["role"]) for r in data["memberships"]], [("Alpha Ltd", "owner")])
        self.assertEqual([(r["project_name"], r["task_name"], r["description"], r["duration"], r["tags"])
                          for r in data["time_entries"]],
                         [("Website", "Design", "Alice's entry 0", 3600, "client, deep work"),
                          ("Website", "Design", "Alice's entry 1", 3601, "client, deep work")])
        self.assertEqual([(r["body"], r["attachments"]) for r in data["task_comments"]],
                         [("Alice's comment", "Alice's.txt")])
        self.assertEqual([r["name"] for r in data["task_attachments"]], ["Alice's.txt"])
        self.assertEqual([r["description"] for r in data["timer"]], ["Alice's timer"])
        self.assertEqual([(r["name"], r["role"]) for r in data["projects_led"]], [("Website", "project manager")])
        self.assertEqual([r["project_name"] for r in data["project_memberships"]], ["Website"])
        self.assertEqual([r["name"] for r in data["tasks_assigned"]], ["Design"])
        self.assertEqual([(r["kind"], r["amount"]) for r in data["rates"]], [("cost", "40.00")])
        self.assertEqual([(r["name"], r["phone"], r["notes"]) for r in data["clients"]],
                         [("Alice Freelance", "+1 555 0100", "Pays late")])
        self.assertEqual([(r["client_name"], r["name"]) for r in data["client_contacts"]], [("Initech", "Alice E.")])
        self.assertEqual([r["device"] for r in data["sessions"]], ["Alice's browser"])
        self.assertEqual([(r["purpose"], r["granted"], r["method"]) for r in data["consents"]],
                         [("newsletter", True, "consent_page"), ("product_updates", True, "consent_page"),
                          ("product_updates", False, "consent_page")])
        self.assertEqual(len(data["policy_acceptances"]), 1)
        self.assertEqual(len(data["policy_change_mails"]), 1)
        self.assertEqual([(r["reason"], r["reply"]) for r in data["data_requests"]], [("Alice's reason", "Alice's reply")])
        self.assertEqual([(r["note"], r["by"]) for r in data["data_request_events"]], [("Alice's note", "you")])
        self.assertEqual([r["status"] for r in data["data_exports"]], ["queued"])
        self.assertEqual([r["name"] for r in data["integrations_installed"]], ["Alice's CRM"])
        self.assertEqual([(r["org_name"], r["status"], r["invited_by"]) for r in data["invitations"]],
                         [("Bravo Inc", "pending", "Charlie Other")])
        self.assertIn("Alice's mail", [r["subject"] for r in data["emails"]])
        self.assertIn("Charlie Other invited you to Bravo Inc on TimeLive", [r["subject"] for r in data["emails"]])

    def test_api_tokens_are_named_never_their_secret(self):
        data = export_person(self.alice)
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual([(r["name"], r["hint"], r["status"]) for r in data["api_tokens"]],
                         [("Alice's token", token.hint, "active")])
        dump = json.dumps(data)
        self.assertNotIn("token_hash", dump)
        self.assertNotIn(token.token_hash, dump)

    def test_what_she_did_to_others_names_them_by_kind_only(self):
        data = export_person(self.alice)
        removed = next(r for r in data["audit_log"] if r["event"] == "member.removed")
        self.assertEqual((removed["by"], removed["target"]), ("you", "another person's membership"))
        invited = next(r for r in data["audit_log"] if r["event"] == "invitation.sent" and r["org_name"] == "Alpha Ltd")
        self.assertEqual((invited["target"], invited["details"]["email"]),
                         ("another person's invitation", "(another person's address)"))
        # Charlie's invitation to her is about her: her own address stays, Charlie shows by name.
        to_her = next(r for r in data["audit_log"] if r["event"] == "invitation.sent" and r["org_name"] == "Bravo Inc")
        self.assertEqual((to_her["by"], to_her["details"]["email"]), ("Charlie Other", "alice@example.org"))
        self.assertEqual([(r["model"], r["action"], r["object"]) for r in data["admin_log"]],
                         [("accounts.user", "changed", "another person's account")])

    def test_it_holds_nothing_of_anyone_else(self):
        dump = json.dumps(export_person(self.alice))
        for other in ("bob@example.org", "Bob Example", "Bob's", "dave@example.com", "charlie@example.net",
                      "Bob Freelance"):
            self.assertNotIn(other, dump)
        # Justified: the person who invited her, by display name.
        self.assertIn("Charlie Other", dump)

    def test_a_person_with_nothing_gets_empty_tables(self):
        nobody = User.objects.create_user("nobody@example.org", "pw", full_name="No Body")
        data = export_person(nobody)
        self.assertEqual(len(data["profile"]), 1)
        self.assertEqual({table for table, rows in data.items() if rows}, {"profile"})

    def give_alice_more(self):
        add_entries(self.alice, self.org, self.project, 30, task=self.task, tags=Tag.objects.filter(org=self.org))
        for i in range(5):
            comment = TaskComment.objects.create(task=self.task, author=self.alice, body=f"More {i}")
            TaskAttachment.objects.create(comment=comment, file=ContentFile(b"x", name="x.txt"), name="x.txt", size=1,
                                          content_type="text/plain")
            ApiToken.issue(self.alice, f"Token {i}")
            UserSession.objects.create(session_key=f"more-{i}".ljust(32, "x"), session_data="", user=self.alice,
                                       expire_date=timezone.now() + dt.timedelta(days=1))
            do_record_consent(self.alice, Purpose.EVENTS_SURVEYS, i % 2 == 0)

    def queries_by_table(self):
        counts = {}
        for entry in entries():
            if entry.export is not None:
                with CaptureQueriesContext(connection) as queries:
                    list(entry.export(self.alice))
                counts[entry.table] = len(queries.captured_queries)
        return counts

    def test_each_table_takes_a_few_queries_however_many_rows(self):
        before = self.queries_by_table()
        self.give_alice_more()
        self.assertEqual(self.queries_by_table(), before)
        self.assertLessEqual(max(before.values()), 3, before)

    def test_the_number_of_queries_does_not_grow_with_her_data(self):
        self.give_alice_more()
        by_table = self.queries_by_table()
        # Pinned for the tables of accounts, orgs, tracking, notifications, integrations and privacy;
        # other apps' tables are held to the same bound by the test above.
        self.assertEqual({table: count for table, count in by_table.items() if table in PINNED_QUERIES}, PINNED_QUERIES)
        with self.assertNumQueries(sum(by_table.values())):
            data = export_person(self.alice)
        self.assertEqual(len(data["time_entries"]), 32)
        self.assertEqual(len(data["task_comments"]), 6)
        self.assertEqual(len(data["api_tokens"]), 6)
        self.assertEqual(len(data["sessions"]), 6)
