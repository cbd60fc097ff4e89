"""The approvals API: paths, submitting, approving, rejecting, recalling and overriding timesheets.

On top of the approvals app's two-tier set-up (timelive/approvals/tests/helpers.py):
alice owns alpha, bob is a member, tina leads the Website project (tier 1 of the
default path "Lead then client"), erin is an external approver (tier 2), maria
manages the project but is on no path; charlie owns bravo.
"""

import datetime as dt

from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.approvals.actions import do_approve, do_recall, do_submit_timesheet
from timelive.approvals.models import Submission, SubmissionEvent
from timelive.approvals.paths import ensure_setup
from timelive.approvals.tests.helpers import MONDAY, SUNDAY, ApprovalTestCase, make_path, member, set_default_path
from timelive.orgs.models import AuditLog, Membership, Plan, Role
from timelive.tracking.models import EntryStatus, TimeEntry

BASE = "/api/v1/orgs/alpha"
TIMESHEETS = f"{BASE}/timesheets"
PATHS = f"{BASE}/approval-paths"
TUESDAY = MONDAY + dt.timedelta(days=1)


class ApprovalsApiTestCase(ApprovalTestCase, ApiTestCase):
    def setUp(self):
        self.secrets = {}

    def secret(self, user):
        if user.pk not in self.secrets:
            self.secrets[user.pk] = self.make_token(user)[1]
        return self.secrets[user.pk]

    def get(self, user, path, **params):
        return self.api_get(path, self.secret(user), **params)

    def post(self, user, path, body=None):
        return self.client.post(path, body if body is not None else {}, content_type="application/json",
                                headers={"Authorization": f"Bearer {self.secret(user)}"})

    def patch(self, user, path, body):
        return self.client.patch(path, body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {self.secret(user)}"})

    def submit(self, person=None, start=MONDAY, end=SUNDAY, **kwargs):
        person = person or self.bob
        return do_submit_timesheet(self.org, person, start, end, acting_user=kwargs.pop("acting_user", person), **kwargs)

    def state(self):
        """What a refused request must leave as it was: each submission's state, its history, the entries,
        the audit log."""
        return (list(Submission.objects.order_by("id").values_list("status", "current_tier", "updated_at")),
                SubmissionEvent.objects.count(), AuditLog.objects.count(),
                list(TimeEntry.objects.order_by("id").values_list("status", "duration", "version")))

    def assertRefused(self, response, status, code, before):
        body = self.assertError(response, status, code)
        self.assertEqual(self.state(), before, "a refused request changed something")
        return body


class WalkTestCase(ApprovalsApiTestCase):
    """The issue's "done when", through the API as each person."""

    def test_the_whole_story(self):
        self.log(self.bob, MONDAY, 3600)
        tuesday = self.log(self.bob, TUESDAY, 36000)
        entry_url = f"{BASE}/time-entries/{tuesday.uid}"

        # Bob reads the path his week will follow, then submits the week by one of its days.
        paths = self.get(self.bob, PATHS).json()
        default = next(p for p in paths["items"] if p["is_default"])
        self.assertEqual(default["title"], "Lead then client")
        self.assertEqual([(t["team_lead"], [p["name"] for p in t["people"]]) for t in default["tiers"]],
                         [(True, []), (False, ["Erin Client"])])
        r = self.post(self.bob, TIMESHEETS, {"day": str(TUESDAY), "comment": "My first week."})
        self.assertEqual(r.status_code, 201, r.content)
        sheet = r.json()
        url = f"{TIMESHEETS}/{sheet['id']}"
        self.assertEqual((sheet["start"], sheet["end"], sheet["status"], sheet["current_tier"], sheet["tier_count"]),
                         (str(MONDAY), str(SUNDAY), "submitted", 1, 2))
        self.assertEqual((sheet["total_seconds"], sheet["entry_count"], sheet["path"]), (39600, 2, self.path.uid))
        self.assertEqual([d["seconds"] for d in sheet["days"]], [3600, 36000, 0, 0, 0, 0, 0])
        self.assertEqual(sheet["projects"], [{"project": self.project.uid, "name": "Website", "seconds": 39600}])
        self.assertEqual([[a["name"] for a in t["approvers"]] for t in sheet["tiers"]], [["Tina Lead"], ["Erin Client"]])
        self.assertEqual(sheet["waiting_for"], [{"id": self.tina.code, "name": "Tina Lead"}])
        self.assertEqual(sheet["your_actions"], ["recall"])
        # Submitted time is locked against the API too.
        version = TimeEntry.objects.get(pk=tuesday.pk).version
        self.assertError(self.patch(self.bob, entry_url, {"duration": 28800, "version": version}), 409, "locked")

        # Erin (step 2) has nothing waiting yet; tina (step 1) has it, with its hours.
        self.assertEqual(self.get(self.erin, TIMESHEETS, waiting="me").json()["count"], 0)
        inbox = self.get(self.tina, TIMESHEETS, waiting="me").json()
        self.assertEqual([(s["id"], s["total_seconds"]) for s in inbox["items"]], [(sheet["id"], 39600)])
        self.assertEqual(self.get(self.tina, url).json()["your_actions"], ["approve", "reject"])
        # Maria manages the project but is on no step: she cannot even see it.
        self.assertError(self.get(self.maria, url), 404, "not_found")

        r = self.post(self.tina, f"{url}/approve", {"tier": 1})
        self.assertEqual((r.status_code, r.json()["current_tier"]), (200, 2), r.content)
        self.assertEqual(r.json()["waiting_for"], [{"id": self.erin.code, "name": "Erin Client"}])
        # Approving twice is refused, and changes nothing.
        before = self.state()
        self.assertRefused(self.post(self.tina, f"{url}/approve", {"tier": 1}), 409, "already_decided", before)
        # Rejecting needs a reason.
        self.assertRefused(self.post(self.erin, f"{url}/reject", {"tier": 2, "comment": " "}), 422, "invalid", before)
        r = self.post(self.erin, f"{url}/reject", {"tier": 2, "comment": "Ten hours on Tuesday?"})
        self.assertEqual(r.json()["status"], "rejected", r.content)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.REJECTED})

        # Bob reads why, fixes Tuesday through the API and submits the same days again.
        self.assertEqual(self.get(self.bob, url).json()["history"][-1]["comment"], "Ten hours on Tuesday?")
        version = TimeEntry.objects.get(pk=tuesday.pk).version
        r = self.patch(self.bob, entry_url, {"duration": 28800, "version": version})
        self.assertEqual(r.status_code, 200, r.content)
        r = self.post(self.bob, TIMESHEETS, {"start": str(MONDAY), "end": str(SUNDAY)})
        self.assertEqual((r.status_code, r.json()["id"], r.json()["status"]), (201, sheet["id"], "submitted"))
        self.assertEqual(r.json()["total_seconds"], 32400)

        self.post(self.tina, f"{url}/approve", {"tier": 1})
        r = self.post(self.erin, f"{url}/approve", {"tier": 2, "comment": "Thanks."})
        self.assertEqual((r.json()["status"], r.json()["waiting_for"], r.json()["your_actions"]), ("approved", [], []))
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.APPROVED})

        # Approved time is read-only through the time entries API.
        before = self.state()
        version = TimeEntry.objects.get(pk=tuesday.pk).version
        self.assertRefused(self.patch(self.bob, entry_url, {"duration": 3600, "version": version}), 409, "locked",
                           before)
        self.assertRefused(self.client.delete(entry_url, headers={"Authorization": f"Bearer {self.secret(self.bob)}"}),
                           409, "locked", before)
        self.assertRefused(self.post(self.bob, f"{BASE}/time-entries", {
            "project": self.project.uid, "date": str(TUESDAY), "duration": 60}), 422, "invalid", before)
        # Bob cannot take back an approved timesheet.
        self.assertRefused(self.post(self.bob, f"{url}/recall"), 409, "already_decided", before)

        # Alice, an administrator, reopens it as an override; bob may change his time again.
        r = self.post(self.alice, f"{url}/override", {"action": "reopen", "comment": "Tuesday belongs elsewhere."})
        self.assertEqual((r.status_code, r.json()["status"]), (200, "reopened"), r.content)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.OPEN})
        version = TimeEntry.objects.get(pk=tuesday.pk).version
        self.assertEqual(self.patch(self.bob, entry_url, {"duration": 7200, "version": version}).status_code, 200)

        # The history tells the whole story, to bob as to alice.
        for user in (self.bob, self.alice):
            history = self.get(user, url).json()["history"]
            self.assertEqual([(e["action"], e["actor"]["name"], e["tier"], e["comment"], e["is_override"])
                              for e in history], [
                ("submitted", "Bob Example", 1, "My first week.", False),
                ("approved", "Tina Lead", 1, "", False),
                ("rejected", "Erin Client", 2, "Ten hours on Tuesday?", False),
                ("resubmitted", "Bob Example", 1, "", False),
                ("approved", "Tina Lead", 1, "", False),
                ("approved", "Erin Client", 2, "Thanks.", False),
                ("reopened", "Alice Example", 2, "Tuesday belongs elsewhere.", True),
            ])

    def test_no_approval_needed_approves_at_once(self):
        set_default_path(self.org, None)
        self.log(self.bob, MONDAY)
        r = self.post(self.bob, TIMESHEETS, {"day": str(MONDAY)})
        self.assertEqual((r.status_code, r.json()["status"], r.json()["tier_count"]), (201, "approved", 0), r.content)
        self.assertEqual([(e["action"], e["actor"]) for e in r.json()["history"]],
                         [("submitted", {"id": self.bob.code, "name": "Bob Example"}), ("approved", None)])


class DecisionRefusalsTestCase(ApprovalsApiTestCase):
    def setUp(self):
        super().setUp()
        self.log(self.bob, MONDAY)
        self.sheet = self.submit()
        self.url = f"{TIMESHEETS}/{self.sheet.uid}"

    def test_it_refuses_a_step_that_is_not_the_one_waiting(self):
        before = self.state()
        # Erin approves step 2, which has not come yet: whether she names it or the waiting one.
        body = self.assertRefused(self.post(self.erin, f"{self.url}/approve", {"tier": 2}), 409, "wrong_tier", before)
        self.assertIn("step 1 of 2 is", body["detail"])
        self.assertRefused(self.post(self.erin, f"{self.url}/approve", {"tier": 1}), 409, "not_approver", before)
        self.assertRefused(self.post(self.erin, f"{self.url}/reject", {"tier": 1, "comment": "No."}), 409,
                           "not_approver", before)
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {"tier": 5}), 409, "wrong_tier", before)
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {"tier": 6}), 422, "invalid", before)
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {}), 422, "invalid", before)

    def test_people_who_approve_no_step_get_403_or_404(self):
        before = self.state()
        # Bob sees his own timesheet but approves none of it; alice sees everything and is pointed to override.
        self.assertRefused(self.post(self.bob, f"{self.url}/approve", {"tier": 1}), 403, "permission_denied", before)
        body = self.assertRefused(self.post(self.alice, f"{self.url}/reject", {"tier": 1, "comment": "x"}), 403,
                                  "permission_denied", before)
        self.assertIn("override", body["detail"])
        # Maria may not even see it; charlie is not in the organisation.
        for user in (self.maria, self.charlie):
            for action in ("approve", "reject", "recall"):
                with self.subTest(user=str(user), action=action):
                    self.assertRefused(self.post(user, f"{self.url}/{action}", {"tier": 1, "comment": "x"}), 404,
                                       "not_found", before)
        # Overriding is for administrators: maria's role is refused before anything is looked up (as on the page).
        body = {"action": "approve", "comment": "x"}
        self.assertRefused(self.post(self.maria, f"{self.url}/override", body), 403, "permission_denied", before)
        self.assertRefused(self.post(self.charlie, f"{self.url}/override", body), 404, "not_found", before)

    def test_approving_after_a_recall(self):
        do_recall(self.sheet, acting_user=self.bob)
        before = self.state()
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {"tier": 1}), 409, "recalled", before)
        self.assertRefused(self.post(self.tina, f"{self.url}/reject", {"tier": 1, "comment": "x"}), 409, "recalled",
                           before)
        self.assertRefused(self.post(self.bob, f"{self.url}/recall"), 409, "recalled", before)

    def test_recall(self):
        before = self.state()
        # Only its person recalls it, not an approver nor an administrator.
        self.assertRefused(self.post(self.tina, f"{self.url}/recall"), 403, "permission_denied", before)
        self.assertRefused(self.post(self.alice, f"{self.url}/recall"), 403, "permission_denied", before)
        r = self.post(self.bob, f"{self.url}/recall")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "recalled"), r.content)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.OPEN})

    def test_no_recall_once_a_step_is_approved(self):
        do_approve(self.sheet, acting_user=self.tina, expected_tier=1)
        before = self.state()
        self.assertRefused(self.post(self.bob, f"{self.url}/recall"), 409, "approval_started", before)

    def test_a_restricted_person_s_timesheet_is_not_decided_by_others(self):
        self.bob.restricted_at = timezone.now()
        self.bob.save(update_fields=["restricted_at"])
        before = self.state()
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {"tier": 1}), 403, "permission_denied", before)
        self.assertRefused(self.post(self.alice, f"{self.url}/override", {"action": "approve", "comment": "x"}), 403,
                           "permission_denied", before)

    def test_a_read_only_organisation_refuses_every_step(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        before = self.state()
        self.assertRefused(self.post(self.tina, f"{self.url}/approve", {"tier": 1}), 403, "read_only", before)
        self.assertRefused(self.post(self.bob, f"{self.url}/recall"), 403, "read_only", before)
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"day": str(MONDAY + dt.timedelta(days=7))}), 403,
                           "read_only", before)
        # Reading still works.
        self.assertEqual(self.get(self.bob, self.url).status_code, 200)


class OverrideTestCase(ApprovalsApiTestCase):
    def setUp(self):
        super().setUp()
        self.log(self.bob, MONDAY)
        self.sheet = self.submit()
        self.url = f"{TIMESHEETS}/{self.sheet.uid}/override"

    def test_an_administrator_approves_outside_the_path(self):
        r = self.post(self.alice, self.url, {"action": "approve", "comment": "Tina is on holiday."})
        self.assertEqual((r.status_code, r.json()["status"]), (200, "approved"), r.content)
        self.assertEqual(r.json()["history"][-1], {
            "action": "approved", "actor": {"id": self.alice.code, "name": "Alice Example"}, "tier": 1,
            "comment": "Tina is on holiday.", "is_override": True, "at": r.json()["history"][-1]["at"]})
        before = self.state()
        # Approving it again finds it decided.
        self.assertRefused(self.post(self.alice, self.url, {"action": "approve", "comment": "Again."}), 409,
                           "already_decided", before)
        # Rejecting an approved timesheet is an administrator's to do.
        r = self.post(self.alice, self.url, {"action": "reject", "comment": "Wrong week."})
        self.assertEqual(r.json()["status"], "rejected")

    def test_it_refuses_members_and_bad_bodies(self):
        before = self.state()
        # Members (even its own person or an approver) do not override.
        for user in (self.bob, self.tina, self.erin, self.maria):
            with self.subTest(user=str(user)):
                self.assertRefused(self.post(user, self.url, {"action": "approve", "comment": "x"}), 403,
                                   "permission_denied", before)
        for body in ({"action": "approve"}, {"action": "approve", "comment": "  "}, {"action": "archive", "comment": "x"},
                     {"action": "approve", "comment": "x" * 2001}):
            with self.subTest(body=body):
                self.assertRefused(self.post(self.alice, self.url, body), 422, "invalid", before)

    def test_an_admin_deletes_the_timesheet_and_its_entries(self):
        r = self.post(self.alice, self.url, {"action": "delete", "comment": "Logged in the wrong organisation."})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "deleted")
        self.assertFalse(TimeEntry.objects.filter(user=self.bob, date__gte=self.sheet.start,
                                                  date__lte=self.sheet.end).exists())
        before = self.state()
        self.assertRefused(self.post(self.alice, self.url, {"action": "delete", "comment": "Again."}), 409,
                           "deleted", before)

    def test_a_recalled_timesheet_cannot_be_reopened(self):
        do_recall(self.sheet, acting_user=self.bob)
        before = self.state()
        self.assertRefused(self.post(self.alice, self.url, {"action": "reopen", "comment": "x"}), 409, "recalled",
                           before)


class SubmitTestCase(ApprovalsApiTestCase):
    def setUp(self):
        super().setUp()
        self.log(self.bob, MONDAY)

    def test_it_refuses_days_already_submitted_or_overlapping(self):
        self.submit(start=MONDAY, end=TUESDAY)
        before = self.state()
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"start": str(MONDAY), "end": str(TUESDAY)}), 409,
                           "already_submitted", before)
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"day": str(MONDAY)}), 409, "overlapping", before)
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"start": str(TUESDAY), "end": str(SUNDAY)}), 409,
                           "overlapping", before)
        # The rest of the week is free.
        r = self.post(self.bob, TIMESHEETS, {"start": str(TUESDAY + dt.timedelta(days=1)), "end": str(SUNDAY)})
        self.assertEqual(r.status_code, 201, r.content)

    def test_it_refuses_days_already_approved(self):
        set_default_path(self.org, None)
        self.submit()
        before = self.state()
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"day": str(MONDAY)}), 409, "already_approved", before)

    def test_it_refuses_a_closed_period(self):
        settings = ensure_setup(self.org)
        settings.locked_before = MONDAY + dt.timedelta(days=7)
        settings.save()
        before = self.state()
        body = self.assertRefused(self.post(self.bob, TIMESHEETS, {"day": str(MONDAY)}), 409, "closed", before)
        self.assertIn("closed", body["detail"])

    def test_it_refuses_days_that_are_not_one_period(self):
        before = self.state()
        for body in ({"start": str(MONDAY), "end": str(SUNDAY + dt.timedelta(days=1))},
                     {"start": str(TUESDAY), "end": str(MONDAY)},
                     {"start": str(MONDAY)},
                     {"day": str(MONDAY), "end": str(SUNDAY)},
                     {},
                     {"day": "1900-01-01"},
                     {"day": "2026-02-30"}):
            with self.subTest(body=body):
                self.assertRefused(self.post(self.bob, TIMESHEETS, body), 422, "invalid", before)

    def test_whose_timesheet(self):
        before = self.state()
        # Externals log no time; members submit only their own.
        self.assertRefused(self.post(self.erin, TIMESHEETS, {"day": str(MONDAY)}), 403, "permission_denied", before)
        self.assertRefused(self.post(self.bob, TIMESHEETS, {"day": str(MONDAY), "person": self.tina.code}), 403,
                           "permission_denied", before)
        # An administrator names an active member who logs time.
        for code in (self.erin.code, self.charlie.code, "nosuchperson"):
            with self.subTest(code=code):
                self.assertRefused(self.post(self.alice, TIMESHEETS, {"day": str(MONDAY), "person": code}), 422,
                                   "invalid", before)
        r = self.post(self.alice, TIMESHEETS, {"day": str(MONDAY), "person": self.bob.code, "comment": "For Bob."})
        self.assertEqual((r.status_code, r.json()["person"]["id"]), (201, self.bob.code), r.content)
        self.assertEqual([(e["actor"]["name"], e["is_override"]) for e in r.json()["history"]],
                         [("Alice Example", True)])
        # "me" is the caller.
        r = self.post(self.tina, TIMESHEETS, {"day": str(MONDAY), "person": "me"})
        self.assertEqual((r.status_code, r.json()["person"]["id"]), (201, self.tina.code), r.content)

    def test_outsiders_and_other_organisations_tokens_get_404(self):
        before = self.state()
        self.assertRefused(self.post(self.charlie, TIMESHEETS, {"day": str(MONDAY)}), 404, "not_found", before)
        # Bob's token limited to bravo (where he is a member too) does not reach alpha.
        Membership.objects.create(org=self.other_org, user=self.bob, role=Role.MEMBER)
        _, limited = self.make_token(self.bob, org=self.other_org)
        for path in (TIMESHEETS, PATHS):
            with self.subTest(path=path):
                self.assertError(self.api_get(path, limited), 404, "not_found")
        r = self.client.post(TIMESHEETS, {"day": str(MONDAY)}, content_type="application/json",
                             headers={"Authorization": f"Bearer {limited}"})
        self.assertRefused(r, 404, "not_found", before)
        self.assertEqual(self.api_get("/api/v1/orgs/bravo/timesheets", limited).json()["count"], 0)


class ReadingTestCase(ApprovalsApiTestCase):
    def test_timesheet_lists_and_filters(self):
        ann, _ = member(self.org, "ann@example.org", "Ann Other")
        for person in (self.bob, ann):
            self.log(person, MONDAY)
            self.submit(person)
        bob_next = self.submit(self.bob, MONDAY + dt.timedelta(days=7), SUNDAY + dt.timedelta(days=7))
        do_recall(bob_next, acting_user=self.bob)

        def ids(user, **params):
            r = self.get(user, TIMESHEETS, **params)
            self.assertEqual(r.status_code, 200, r.content)
            return [(s["person"]["name"], s["start"], s["status"]) for s in r.json()["items"]]

        next_monday = str(MONDAY + dt.timedelta(days=7))
        # Your own, newest first.
        self.assertEqual(ids(self.bob), [("Bob Example", next_monday, "recalled"), ("Bob Example", str(MONDAY), "submitted")])
        self.assertEqual(ids(self.bob, status="recalled"), [("Bob Example", next_monday, "recalled")])
        self.assertEqual(ids(self.bob, person=self.bob.code, limit=1), [("Bob Example", next_monday, "recalled")])
        self.assertEqual(self.get(self.bob, TIMESHEETS, limit=1).json()["count"], 2)
        # The inbox: what waits on tina, oldest first, whoever's it is.
        self.assertEqual(ids(self.tina, waiting="me"), [("Bob Example", str(MONDAY), "submitted"),
                                                        ("Ann Other", str(MONDAY), "submitted")])
        self.assertEqual(ids(self.tina, waiting="me", person=ann.code), [("Ann Other", str(MONDAY), "submitted")])
        self.assertEqual(ids(self.tina), [])
        # Administrators name anyone, or all.
        self.assertEqual(len(ids(self.alice, person="all")), 3)
        self.assertEqual(ids(self.alice, person=ann.code), [("Ann Other", str(MONDAY), "submitted")])
        self.assertEqual(ids(self.alice, person="all", status="recalled"), [("Bob Example", next_monday, "recalled")])
        # Others may not.
        for person in (ann.code, "all"):
            with self.subTest(person=person):
                self.assertError(self.get(self.bob, TIMESHEETS, person=person), 403, "permission_denied")
        for params in ({"status": "lost"}, {"waiting": "you"}, {"person": "Not/An/Id"}, {"limit": 0}):
            with self.subTest(params=params):
                self.assertError(self.get(self.bob, TIMESHEETS, **params), 422, "invalid")

    def test_who_sees_one_timesheet(self):
        self.log(self.bob, MONDAY)
        url = f"{TIMESHEETS}/{self.submit().uid}"
        for user in (self.bob, self.tina, self.erin, self.alice):
            with self.subTest(user=str(user)):
                self.assertEqual(self.get(user, url).status_code, 200)
        self.assertEqual(self.get(self.alice, url).json()["your_actions"], ["override"])
        for user in (self.maria, self.charlie):
            with self.subTest(user=str(user)):
                self.assertError(self.get(user, url), 404, "not_found")
        self.assertError(self.get(self.bob, f"{TIMESHEETS}/nosuchsheet"), 404, "not_found")
        self.assertError(self.get(self.bob, f"{TIMESHEETS}/NOT-AN-ID"), 422, "invalid")
        # Charlie's own organisation's list is his business; alpha's is not.
        self.assertError(self.get(self.charlie, TIMESHEETS), 404, "not_found")

    def test_paths(self):
        custom = make_path(self.org, "Client only", {"people": [self.erin_membership]}, {"project_manager": True})
        r = self.get(self.bob, PATHS)
        self.assertEqual(r.status_code, 200, r.content)
        body = r.json()
        # The built-in paths, made on first use, and the custom ones, by title.
        self.assertEqual([p["title"] for p in body["items"]], [
            "Approval not required", "Client only", "Employee's manager", "Lead then client", "Project manager",
            "Team lead then project manager"])
        self.assertEqual(body["count"], 6)
        self.assertEqual([p["title"] for p in body["items"] if p["is_default"]], ["Lead then client"])
        self.assertEqual({p["kind"]: p["is_builtin"] for p in body["items"] if p["kind"] != "custom"},
                         {"not_required": True, "project_manager": True, "team_lead_then_pm": True,
                          "employee_manager": True})
        one = self.get(self.bob, f"{PATHS}/{custom.uid}").json()
        self.assertEqual(one, next(p for p in body["items"] if p["id"] == custom.uid))
        self.assertEqual([(t["tier"], t["project_manager"], [p["id"] for p in t["people"]]) for t in one["tiers"]],
                         [(1, False, [self.erin.code]), (2, True, [])])
        self.assertEqual(self.get(self.bob, PATHS, limit=2, offset=1).json()["items"][0]["title"], "Client only")
        # Externals do not read the organisation's paths (they list its people); outsiders get 404.
        self.assertError(self.get(self.erin, PATHS), 403, "permission_denied")
        self.assertError(self.get(self.erin, f"{PATHS}/{custom.uid}"), 403, "permission_denied")
        for path in (PATHS, f"{PATHS}/{custom.uid}"):
            with self.subTest(path=path):
                self.assertError(self.get(self.charlie, path), 404, "not_found")
        bravo_path = make_path(self.other_org, "Bravo's", {"people": []})
        self.assertError(self.get(self.bob, f"{PATHS}/{bravo_path.uid}"), 404, "not_found")


class QueryCountTestCase(ApprovalsApiTestCase):
    """The lists cost the same number of queries for one row or many."""

    def many(self, n, start=0):
        for i in range(start, start + n):
            person, _ = member(self.org, f"p{i}@example.org", f"Person {i}")
            for week in (0, 7):
                self.log(person, MONDAY + dt.timedelta(days=week))
                self.submit(person, MONDAY + dt.timedelta(days=week), SUNDAY + dt.timedelta(days=week))

    def test_the_inbox_and_the_lists(self):
        self.many(1)
        cases = [(self.tina, {"waiting": "me"}), (self.alice, {"person": "all"}), (self.bob, {})]
        for user, params in cases:
            self.get(user, TIMESHEETS, **params)
        # Token, membership, count, page: the same for 2 timesheets or 12.
        for user, params in cases:
            with self.subTest(params=params), self.assertNumQueries(4):
                self.get(user, TIMESHEETS, **params)
        self.many(5, start=1)
        for user, params in cases:
            with self.subTest(params=params), self.assertNumQueries(4):
                r = self.get(user, TIMESHEETS, **params)
        self.assertEqual(self.get(self.alice, TIMESHEETS, person="all").json()["count"], 12)
        self.assertEqual(self.get(self.tina, TIMESHEETS, waiting="me").json()["count"], 12)
        self.assertEqual(r.json()["count"], 0)

    def test_the_paths(self):
        self.get(self.bob, PATHS)
        # Token, membership, settings, count, paths, their tiers, the tiers' people.
        with self.assertNumQueries(7):
            self.get(self.bob, PATHS)
        for i in range(5):
            make_path(self.org, f"Path {i}", {"people": [self.erin_membership, self.alice_membership]},
                      {"team_lead": True}, {"people": [self.tina_membership]})
        with self.assertNumQueries(7):
            r = self.get(self.bob, PATHS)
        self.assertEqual(r.json()["count"], 10)

    def test_one_timesheet(self):
        for day in range(5):
            self.log(self.bob, MONDAY + dt.timedelta(days=day))
        url = f"{TIMESHEETS}/{self.submit().uid}"
        self.get(self.bob, url)
        # Token, membership, the timesheet, its totals, approvers, history.
        with self.assertNumQueries(6):
            r = self.get(self.bob, url)
        self.assertEqual(r.json()["entry_count"], 5)
        self.assertEqual(len(r.json()["history"]), 1)
