import datetime as dt

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.utils import timezone

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken, InstalledIntegration
from timelive.notifications.models import OutboxEmail
from timelive.orgs.actions import audit, do_invite_member, do_remove_member
from timelive.orgs.models import AuditLog, Invitation, Membership, Role
from timelive.privacy.consents import consent_overview, has_consent
from timelive.privacy.core.registry import erase_person, export_person
from timelive.privacy.models import ConsentMethod, ConsentRecord, DataExport, DataRequest, DataRequestEvent, Purpose
from timelive.test import BaseTestCase
from timelive.tracking.models import Client, ClientContact, ProjectMember, TaskAttachment, TaskComment, TimeEntry, Timer
from timelive.tracking.tests.helpers import make_client, make_project, make_task

from .test_export_person import give_personal_data


def database_dump() -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    lines = []
    for model in apps.get_models(include_auto_created=True):
        for values in model._base_manager.order_by("pk").values_list():
            lines.append(f"{model._meta.label} {values!r}")
    return "\n".join(lines)


class ErasePersonTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website", team_lead=cls.bob)
        cls.task = make_task(cls.project, "Design")
        give_personal_data(cls.alice, cls.org, cls.project, cls.task, words="Alice's")
        give_personal_data(cls.bob, cls.org, cls.project, cls.task, words="Bob's")
        User.objects.filter(pk=cls.bob.pk).update(phone="+44 20 7946 0000", mobile="+44 7700 900000",
                                                  address="1 Bob Street", about="I like kites", job_title="Designer",
                                                  department="Studio")
        cls.bob.refresh_from_db()
        Membership.objects.filter(pk=cls.bob_membership.pk).update(custom_fields={"badge": "B-17"})
        # Others' records that spell out his name or address.
        do_invite_member(cls.other_org, "bob@example.org", Role.MEMBER, acting_user=cls.charlie)
        cls.accepted = Invitation.objects.create(org=cls.org, email="bob@example.org", token_hash="accepted",
                                                 invited_by=cls.alice, accepted_by=cls.bob, accepted_at=timezone.now(),
                                                 expires_at=timezone.now() + dt.timedelta(days=1))
        do_invite_member(cls.org, "dave@example.com", Role.MEMBER, acting_user=cls.bob)
        do_remove_member(cls.bob_membership, acting_user=cls.alice)
        LogEntry.objects.create(user=cls.alice, content_type=ContentType.objects.get_for_model(User),
                                object_id=str(cls.bob.pk), object_repr=str(cls.bob), action_flag=CHANGE,
                                change_message='[{"changed": {"fields": ["Phone"]}}]')
        make_client(cls.org, "Bob Example", email="bob@example.org", phone="+1 555 0199", address="Kite Lane",
                    notes="Prefers mail")
        ClientContact.objects.create(client=make_client(cls.org, "Initech"), name="Bob E.", email="BOB@example.org")
        # Then he renamed himself and changed his address: everything above names him as he was.
        cls.bob.full_name, cls.bob.email = "Robert Newlyn", "robert@newlyn.example"
        cls.bob.save()

    def setUp(self):
        # Files go to this test's own media folder, so they are written here, not in setUpTestData.
        self.bob.picture.save("face.png", ContentFile(b"\x89PNG picture"), save=True)
        self.picture_path = self.bob.picture.name
        export = DataExport.objects.get(user=self.bob)
        export.file.save("copy.zip", ContentFile(b"PK"), save=True)
        self.export_path = export.file.name
        attachment = TaskAttachment.objects.get(comment__author=self.bob)
        attachment.file.save("notes.txt", ContentFile(b"notes"), save=True)
        self.assertTrue(default_storage.exists(self.picture_path) and default_storage.exists(self.export_path))
        self.alice_before = export_person(self.alice)
        self.hours_before = self.alpha_hours()

    def alpha_hours(self):
        return TimeEntry.objects.filter(org=self.org).aggregate(total=Sum("duration"))["total"]

    def erase_bob(self):
        with self.captureOnCommitCallbacks(execute=True):
            erase_person(self.bob)
        self.bob.refresh_from_db()

    def test_his_row_is_pseudonymised(self):
        self.erase_bob()
        bob = self.bob
        self.assertEqual(bob.full_name, f"Deleted user {bob.pk}")
        self.assertTrue(bob.email.endswith("@deleted.invalid"))
        self.assertEqual((bob.phone, bob.mobile, bob.address, bob.about, bob.job_title, bob.department, bob.picture.name),
                         ("", "", "", "", "", "", ""))
        self.assertFalse(default_storage.exists(self.picture_path))
        self.assertFalse(bob.is_active)
        self.assertFalse(bob.has_usable_password())
        self.assertIsNotNone(bob.deleted_at)

    def test_his_access_ends(self):
        self.erase_bob()
        self.assertFalse(UserSession.objects.filter(user=self.bob).exists())
        self.assertFalse(ApiToken.objects.filter(user=self.bob).exists())
        self.assertFalse(Timer.objects.filter(user=self.bob).exists())
        self.assertFalse(ProjectMember.objects.filter(user=self.bob).exists())
        self.assertEqual(list(Membership.objects.filter(user=self.bob).values_list("is_active", "custom_fields")),
                         [(False, {})])

    def test_no_consent_stays_in_force_but_the_history_does(self):
        history = list(ConsentRecord.objects.filter(user=self.bob).values_list("purpose", "granted"))
        self.erase_bob()
        records = list(ConsentRecord.objects.filter(user=self.bob).order_by("at", "id"))
        self.assertEqual([(r.purpose, r.granted) for r in records], [*history, ("newsletter", False)])
        self.assertEqual(records[-1].method, ConsentMethod.REQUEST)
        self.assertFalse(any(state.granted for state in consent_overview(self.bob)))
        self.assertFalse(any(has_consent(self.bob, purpose) for purpose in Purpose))

    def test_his_work_stays_with_the_team(self):
        self.erase_bob()
        self.assertEqual(TimeEntry.objects.filter(user=self.bob, org=self.org).count(), 2)
        self.assertEqual(self.alpha_hours(), self.hours_before)
        comment = TaskComment.objects.get(author=self.bob)
        self.assertEqual(comment.body, "Bob's comment")
        self.assertEqual(comment.attachments.count(), 1)
        self.assertTrue(default_storage.exists(comment.attachments.get().file.name))
        self.assertEqual(list(self.task.assignees.order_by("pk")), [self.alice, self.bob])
        self.assertEqual(InstalledIntegration.objects.get(name="Bob's CRM").installed_by, self.bob)
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/tasks/{self.task.uid}/")
        self.assertContains(r, "Bob&#x27;s comment")
        self.assertContains(r, f"Deleted user {self.bob.pk}")
        self.assertNotContains(r, "Bob Example")

    def test_audit_and_admin_logs_keep_the_facts_without_his_name(self):
        count = AuditLog.objects.count()
        self.erase_bob()
        self.assertEqual(AuditLog.objects.count(), count)
        removed = AuditLog.objects.get(event="member.removed")
        self.assertEqual((removed.actor, removed.target_label), (self.alice, f"Deleted user {self.bob.pk} in Alpha Ltd (Member)"))
        invited = AuditLog.objects.get(event="invitation.sent", org=self.other_org)
        # Sent to his former address, which is gone too.
        self.assertEqual(invited.target_label, f"Invitation of {self.bob.email} to Bravo Inc")
        self.assertEqual(invited.details["email"], self.bob.email)
        self.assertEqual(AuditLog.objects.get(event="invitation.sent", org=self.org).actor, self.bob)
        self.assertEqual(LogEntry.objects.get().object_repr, f"Deleted user {self.bob.pk}")

    def test_invitations_mail_and_requests_let_go_of_him(self):
        self.erase_bob()
        # The pending invitation to his address is gone; the accepted one stays, pseudonymous.
        self.assertEqual(list(Invitation.objects.filter(org=self.other_org)), [])
        self.accepted.refresh_from_db()
        self.assertEqual((self.accepted.email, self.accepted.accepted_by), (self.bob.email, self.bob))
        self.assertFalse(OutboxEmail.objects.filter(to="bob@example.org").exists())
        to_dave = OutboxEmail.objects.get(to="dave@example.com")
        self.assertEqual(to_dave.subject, f"Deleted user {self.bob.pk} invited you to Alpha Ltd on TimeLive")
        request = DataRequest.objects.get(user=self.bob)
        self.assertEqual((request.reason, request.reply, request.kind), ("", "", "rectification"))
        self.assertEqual(list(DataRequestEvent.objects.filter(request=request).values_list("action", "note")),
                         [("filed", "")])
        self.assertFalse(DataExport.objects.filter(user=self.bob).exists())
        self.assertFalse(default_storage.exists(self.export_path))

    def test_clients_with_his_address_lose_his_details(self):
        self.erase_bob()
        client = Client.objects.get(org=self.org, projects__isnull=True, name__startswith="Deleted user")
        self.assertEqual((client.name, client.email, client.phone, client.address, client.notes),
                         (f"Deleted user {self.bob.pk}", "", "", "", ""))
        self.assertFalse(ClientContact.objects.filter(name="Bob E.").exists())
        self.assertTrue(Client.objects.filter(name="Initech").exists())

    def test_his_email_and_name_appear_nowhere_in_the_database(self):
        # Bob was renamed and re-emailed: his former and current values must both go.
        values = ("bob@example.org", "bob example", "robert@newlyn.example", "robert newlyn")
        dump = database_dump().lower()
        for value in values:
            self.assertIn(value, dump)
        self.erase_bob()
        dump = database_dump().lower()
        for value in values:
            self.assertNotIn(value, dump)

    def test_alice_is_untouched(self):
        alice_row = User.objects.filter(pk=self.alice.pk).values().get()
        self.erase_bob()
        self.assertEqual(User.objects.filter(pk=self.alice.pk).values().get(), alice_row)
        self.assertEqual(export_person(self.alice), self.alice_before)
        self.assertTrue(has_consent(self.alice, Purpose.NEWSLETTER))
        self.assertTrue(ApiToken.objects.filter(user=self.alice).exists())
        self.assertTrue(UserSession.objects.filter(user=self.alice).exists())

    def test_running_it_twice_is_harmless(self):
        self.erase_bob()
        once = database_dump()
        self.erase_bob()
        self.assertEqual(database_dump(), once)



    def test_files_stay_until_the_erasure_is_committed(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            erase_person(self.bob)
        self.assertTrue(default_storage.exists(self.picture_path))
        self.assertTrue(default_storage.exists(self.export_path))
        for callback in callbacks:
            callback()
        self.assertFalse(default_storage.exists(self.picture_path))
        self.assertFalse(default_storage.exists(self.export_path))

class MentionsTestCase(BaseTestCase):
    def test_names_with_accents_and_quotes_are_found_in_json_and_html(self):
        zoe, membership = self.add_member("zoe@example.org", "Zoë O'Brien")
        audit(self.org, self.alice, "member.role_changed", membership, note="Zoë O'Brien leads now")
        OutboxEmail.objects.create(to="dave@example.com", subject="Zoë O'Brien says hi", body_text="From Zoë O'Brien",
                                   body_html="<p>From Zoë O&#x27;Brien</p>")
        erase_person(zoe)
        dump = database_dump()
        for written in ("Zoë", "Zo\\u00eb", "O&#x27;Brien", "zoe@example.org"):
            self.assertNotIn(written, dump)
        entry = AuditLog.objects.get(event="member.role_changed")
        self.assertEqual(entry.details, {"note": f"Deleted user {zoe.pk} leads now"})
        mail = OutboxEmail.objects.get(to="dave@example.com")
        self.assertEqual((mail.subject, mail.body_text, mail.body_html),
                         (f"Deleted user {zoe.pk} says hi", f"From Deleted user {zoe.pk}", f"<p>From Deleted user {zoe.pk}</p>"))

    def test_a_name_matches_as_whole_words_only(self):
        al, membership = self.add_member("al@example.org", "Al")
        audit(self.org, self.alice, "org.settings_changed", self.org, note="Al moved Alpha Ltd's week to Sunday")
        erase_person(al)
        self.assertEqual(AuditLog.objects.get().details["note"], f"Deleted user {al.pk} moved Alpha Ltd's week to Sunday")
        self.assertEqual(AuditLog.objects.get().target_label, "Alpha Ltd")
