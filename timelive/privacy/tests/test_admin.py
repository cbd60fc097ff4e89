from django.core import mail

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.consents import has_consent
from timelive.privacy.models import ConsentMethod, ConsentRecord, PolicyDocument, PolicyVersion, Purpose
from timelive.test import BaseTestCase, make_user

from .helpers import make_version

VERSIONS = "/operator/privacy/policyversion/"


class PolicyAdminTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)
        self.privacy = PolicyDocument.objects.get(kind="privacy")

    def as_operator(self):
        self.login(self.operator)

    def form(self, **changes):
        data = {"document": self.privacy.pk, "label": "2.0", "effective_at_0": "2030-01-01", "effective_at_1": "00:00:00",
                "notice_days": "30", "summary": "What changed.", "text": "# New\nText"}
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def run_action(self, action, *versions):
        return self.client.post(VERSIONS, {"action": action, "_selected_action": [v.pk for v in versions], "index": 0})

    def test_non_staff_are_sent_to_the_operator_login(self):
        self.login(self.alice)
        for path in [VERSIONS, f"{VERSIONS}add/", "/operator/privacy/consentrecord/"]:
            r = self.client.get(path)
            self.assertRedirects(r, f"/operator/login/?next={path}", fetch_redirect_response=False)

    def test_the_operator_writes_a_draft_and_it_is_audited(self):
        self.as_operator()
        r = self.client.post(f"{VERSIONS}add/", self.form())
        self.assertEqual(r.status_code, 302, r.content[:3000])
        draft = PolicyVersion.objects.get(label="2.0")
        self.assertFalse(draft.is_published)
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual((log.actor, log.org, log.details["action"], log.details["model"]),
                         (self.operator, None, "add", "privacy.PolicyVersion"))
        # A draft can be edited, and the change is audited with old and new values.
        r = self.client.post(f"{VERSIONS}{draft.pk}/change/", self.form(text="Better text"))
        self.assertEqual(r.status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(draft.text, "Better text")
        change = AuditLog.objects.filter(details__action="change").get()
        self.assertEqual(change.details["changes"]["text"], {"old": "# New\nText", "new": "Better text"})

    def test_a_published_version_is_read_only(self):
        published = make_version(label="2.0")
        self.as_operator()
        r = self.client.get(f"{VERSIONS}{published.pk}/change/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'name="_save"')
        r = self.client.post(f"{VERSIONS}{published.pk}/change/", self.form(text="Rewritten"))
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.client.post(f"{VERSIONS}{published.pk}/delete/", {"post": "yes"}).status_code, 403)
        published.refresh_from_db()
        self.assertEqual(published.text, "The text.")
        self.assertFalse(AuditLog.objects.exists())

    def test_publishing_is_an_audited_action_that_mails_for_a_significant_change(self):
        draft = make_version(label="2.0", published=False, significant=True, summary="Big change.",
                             effective_at=PolicyVersion.objects.get().effective_at.replace(year=2030))
        self.as_operator()
        with self.captureOnCommitCallbacks(execute=True):
            r = self.run_action("publish", draft)
        self.assertEqual(r.status_code, 302)
        draft.refresh_from_db()
        self.assertTrue(draft.is_published)
        self.assertEqual(AuditLog.objects.get().details["action"], "publish")
        self.assertEqual(len(mail.outbox), 4)
        self.assertContains(self.client.get(VERSIONS), "Published 1 version(s).")

    def test_publishing_explains_a_refusal(self):
        published = make_version(label="2.0")
        self.as_operator()
        self.run_action("publish", published)
        self.assertContains(self.client.get(VERSIONS), "is already published.")
        self.assertFalse(AuditLog.objects.exists())

    def test_a_draft_can_be_deleted_and_bulk_delete_is_not_offered(self):
        draft = make_version(label="2.0", published=False)
        self.as_operator()
        self.assertNotContains(self.client.get(VERSIONS), "delete_selected")
        r = self.client.post(f"{VERSIONS}{draft.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(PolicyVersion.objects.filter(pk=draft.pk).exists())
        self.assertEqual(AuditLog.objects.get().details["action"], "delete")

    def test_copying_makes_an_audited_draft_with_the_same_text(self):
        seeded = PolicyVersion.objects.get()
        self.as_operator()
        self.run_action("copy_as_draft", seeded)
        copy = PolicyVersion.objects.exclude(pk=seeded.pk).get()
        self.assertEqual((copy.text, copy.is_published, copy.document), (seeded.text, False, seeded.document))
        self.assertEqual(AuditLog.objects.get().details["copied_from"], seeded.code)

    def test_documents_cannot_be_added_or_deleted(self):
        self.as_operator()
        self.assertEqual(self.client.get("/operator/privacy/policydocument/add/").status_code, 403)
        doc = PolicyDocument.objects.get(kind="terms")
        self.assertEqual(self.client.post(f"/operator/privacy/policydocument/{doc.pk}/delete/", {"post": "yes"}).status_code,
                         403)

    def test_the_consent_ledger_is_read_only_but_the_operator_may_append(self):
        row = ConsentRecord.objects.create(user=self.alice, purpose=Purpose.NEWSLETTER, granted=True,
                                           method=ConsentMethod.CONSENT_PAGE)
        self.as_operator()
        self.assertContains(self.client.get("/operator/privacy/consentrecord/"), "Alice Example")
        r = self.client.post(f"/operator/privacy/consentrecord/{row.pk}/change/",
                             {"user": self.alice.pk, "purpose": "newsletter", "source": "x"})
        self.assertEqual(r.status_code, 403)
        r = self.client.post("/operator/privacy/consentrecord/add/",
                             {"user": self.alice.pk, "purpose": "newsletter", "source": "Signed paper form"})
        self.assertEqual(r.status_code, 302)
        added = ConsentRecord.objects.latest("id")
        self.assertEqual((added.granted, added.method, added.policy_version.label),
                         (False, ConsentMethod.OPERATOR, "2018-05-24"))
        self.assertEqual(added.source, "Signed paper form (entered by op@timelive.example)")
        self.assertFalse(has_consent(self.alice, Purpose.NEWSLETTER))
        self.assertEqual(AuditLog.objects.get().details["action"], "add")
