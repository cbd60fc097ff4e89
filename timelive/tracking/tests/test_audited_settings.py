"""Tags, custom fields and rates are changed through the same audited actions from the pages and
the API: each change writes the same audit row, whichever door it came through."""

from timelive.api.test import ApiTestCase
from timelive.orgs.models import AuditLog
from timelive.tracking.models import CustomField, Rate, Tag

BASE = "/api/v1/orgs/alpha"


class SameAuditRowTestCase(ApiTestCase):
    def setUp(self):
        _, self.secret = self.make_token(self.alice)
        self.login(self.alice)
        self.seen = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def api(self, method, path, body=None):
        return getattr(self.client, method)(f"{BASE}{path}", body or {}, content_type="application/json",
                                            headers={"Authorization": f"Bearer {self.secret}"})

    def row(self):
        """The one audit row written, as comparable values (ids differ from one door to the other)."""
        rows = list(AuditLog.objects.filter(org=self.org, id__gt=self.seen).order_by("id"))
        self.assertEqual(len(rows), 1, [(r.event, r.details) for r in rows])
        row = rows[0]
        self.seen = row.id
        return (row.event, row.actor_id, row.target_type, row.target_label, row.details)

    def test_creating_a_tag(self):
        self.client.post("/o/alpha/settings/tracking/tags/add/", {"name": "workshop"})
        page = self.row()
        Tag.objects.all().delete()
        self.assertEqual(self.api("post", "/tags", {"name": "workshop"}).status_code, 201)
        self.assertEqual(self.row(), page)

    def test_defining_a_custom_field(self):
        self.client.post("/o/alpha/settings/custom-fields/", {
            "target": "time_entry", "key": "ticket", "label": "Ticket", "field_type": "text", "position": 0})
        page = self.row()
        CustomField.objects.all().delete()
        r = self.api("post", "/custom-fields", {"target": "time_entry", "key": "ticket", "label": "Ticket"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(self.row(), page)

    def test_adding_and_deleting_a_rate(self):
        self.client.post("/o/alpha/settings/rates/", {"kind": "billing", "level": "organisation", "amount": "120.00",
                                                      "currency": "USD"})
        page = self.row()
        rate = Rate.objects.get()
        self.client.post(f"/o/alpha/settings/rates/{rate.uid}/delete/")
        page_delete = self.row()
        r = self.api("post", "/rates", {"kind": "billing", "amount": "120.00", "currency": "USD"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(self.row(), page)
        self.assertEqual(self.api("delete", f"/rates/{Rate.objects.get().uid}").status_code, 204)
        self.assertEqual(self.row(), page_delete)

    def test_creating_a_client(self):
        from timelive.tracking.models import Client

        self.client.post("/o/alpha/clients/new/", {"name": "Initech"})
        page = self.row()
        Client.objects.all().delete()
        r = self.api("post", "/clients", {"name": "Initech"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(self.row(), page)
        self.assertEqual(page[4]["client"], "created")
        self.assertEqual(page[4]["changes"]["name"], [None, "Initech"])
