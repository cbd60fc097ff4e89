import datetime as dt
from unittest import mock

from django.utils import timezone

from timelive.orgs.models import Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Client, ClientContact, ClientDepartment

from .helpers import make_client, make_project


class ClientsTestCase(BaseTestCase):
    def setUp(self):
        self.client_row = make_client(self.org, "Initech", email="hello@initech.example")
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)

    def url(self, suffix=""):
        return f"/o/alpha/clients/{suffix}"

    def expire_trial(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()

    # List

    def test_it_lists_clients(self):
        make_client(self.org, "Globex")
        make_client(self.other_org, "Umbrella")
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertContains(r, "Initech")
        self.assertContains(r, "Globex")
        self.assertNotContains(r, "Umbrella")

    def test_it_searches_and_filters_archived(self):
        make_client(self.org, "Globex", is_archived=True)
        self.login(self.manager)
        r = self.client.get(self.url(), {"q": "initech"})
        self.assertEqual([c.name for c in r.context["page"]], ["Initech"])
        r = self.client.get(self.url(), {"archived": "1"})
        self.assertEqual([c.name for c in r.context["page"]], ["Globex"])
        r = self.client.get(self.url(), {"q": "nothing"})
        self.assertContains(r, "No client matches")

    def test_it_shows_an_empty_state(self):
        Client.objects.all().delete()
        self.login(self.alice)
        self.assertContains(self.client.get(self.url()), "No clients yet.")

    def test_it_paginates(self):
        for i in range(4):
            make_client(self.org, f"Zed {i}")
        self.login(self.alice)
        with mock.patch("timelive.tracking.views.clients.PAGE_SIZE", 2):
            r = self.client.get(self.url(), {"q": "zed"})
            self.assertContains(r, "Page 1 of 2")
            self.assertContains(r, 'href="?q=zed&amp;page=2"')

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.alice)
        self.client.get(self.url())
        with self.assertNumQueries(8):
            self.client.get(self.url())
        for i in range(10):
            c = make_client(self.org, f"More {i}")
            make_project(self.org, f"P{i}", client=c)
        with self.assertNumQueries(8):
            self.client.get(self.url())

    def test_it_forbids_members_and_externals(self):
        external, _ = self.add_member("ext@client.example", "Ext", role=Role.EXTERNAL)
        for user in (self.bob, external):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 403)
            self.assertEqual(self.client.get(self.url(f"{self.client_row.uid}/")).status_code, 403)
            self.assertEqual(self.client.post(self.url("new/"), {"name": "X"}).status_code, 403)
        self.assertFalse(Client.objects.filter(name="X").exists())

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.get(self.url(f"{self.client_row.uid}/")).status_code, 404)
        # And a client of another organisation is not found from one's own.
        self.assertEqual(self.client.get(f"/o/bravo/clients/{self.client_row.uid}/").status_code, 404)

    # Create and edit

    def test_it_creates_a_client(self):
        self.login(self.manager)
        r = self.client.post(self.url("new/"), {"name": "  Acme   Corp ", "email": "a@acme.example"})
        client = Client.objects.get(org=self.org, name="Acme Corp")
        self.assertRedirects(r, self.url(f"{client.uid}/"))
        self.assertEqual(client.email, "a@acme.example")

    def test_it_refuses_a_duplicate_name_whatever_the_case(self):
        self.login(self.alice)
        r = self.client.post(self.url("new/"), {"name": "INITECH", "email": "x@example.org"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "There is already a client called “Initech”.", status_code=400)
        # What was typed is kept.
        self.assertContains(r, 'value="x@example.org"', status_code=400)
        # The same name in another organisation is fine.
        self.login(self.charlie)
        self.assertEqual(self.client.post("/o/bravo/clients/new/", {"name": "Initech"}).status_code, 302)

    def test_it_refuses_a_bad_email(self):
        self.login(self.alice)
        r = self.client.post(self.url("new/"), {"name": "Acme", "email": "nope"})
        self.assertContains(r, "Enter a valid email address.", status_code=400)

    def test_it_edits_a_client(self):
        self.login(self.alice)
        r = self.client.post(self.url(f"{self.client_row.uid}/edit/"), {"name": "Initech Ltd", "phone": "123"})
        self.assertRedirects(r, self.url(f"{self.client_row.uid}/"))
        self.client_row.refresh_from_db()
        self.assertEqual((self.client_row.name, self.client_row.phone), ("Initech Ltd", "123"))
        # Its own name, in another case, is not a duplicate.
        r = self.client.post(self.url(f"{self.client_row.uid}/edit/"), {"name": "INITECH LTD"})
        self.assertEqual(r.status_code, 302)

    def test_it_refuses_changes_in_a_read_only_organisation(self):
        self.expire_trial()
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url("new/"), {"name": "Acme"}).status_code, 403)
        self.assertEqual(self.client.post(self.url(f"{self.client_row.uid}/archive/")).status_code, 403)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertFalse(Client.objects.filter(name="Acme").exists())

    # Archive

    def test_it_archives_after_asking(self):
        self.login(self.alice)
        r = self.client.get(self.url(f"{self.client_row.uid}/archive/"))
        self.assertContains(r, "Archive Initech?")
        r = self.client.post(self.url(f"{self.client_row.uid}/archive/"))
        self.assertRedirects(r, self.url())
        self.client_row.refresh_from_db()
        self.assertTrue(self.client_row.is_archived)
        r = self.client.post(self.url(f"{self.client_row.uid}/unarchive/"))
        self.client_row.refresh_from_db()
        self.assertFalse(self.client_row.is_archived)

    def test_unarchive_needs_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url(f"{self.client_row.uid}/unarchive/")).status_code, 405)

    # Detail, contacts and departments

    def test_it_shows_the_client_with_contacts_departments_and_projects(self):
        ClientContact.objects.create(client=self.client_row, name="Peter Gibbons", role="Engineer")
        ClientDepartment.objects.create(client=self.client_row, name="TPS Reports")
        make_project(self.org, "Y2K fix", client=self.client_row)
        self.login(self.manager)
        r = self.client.get(self.url(f"{self.client_row.uid}/"))
        for text in ("Peter Gibbons", "TPS Reports", "Y2K fix", "hello@initech.example"):
            self.assertContains(r, text)

    def test_it_adds_edits_and_removes_a_contact(self):
        self.login(self.alice)
        r = self.client.post(self.url(f"{self.client_row.uid}/contacts/new/"),
                             {"contact-name": "Bill Lumbergh", "contact-email": "bill@initech.example"})
        self.assertRedirects(r, self.url(f"{self.client_row.uid}/"))
        contact = ClientContact.objects.get(client=self.client_row)
        r = self.client.post(f"/o/alpha/contacts/{contact.uid}/edit/", {"contact-name": "Bill L.", "contact-email": "x"})
        self.assertContains(r, "Enter a valid email address.", status_code=400)
        self.assertContains(r, 'value="Bill L."', status_code=400)
        self.client.post(f"/o/alpha/contacts/{contact.uid}/edit/", {"contact-name": "Bill L."})
        contact.refresh_from_db()
        self.assertEqual(contact.name, "Bill L.")
        self.assertContains(self.client.get(f"/o/alpha/contacts/{contact.uid}/delete/"), "Remove Bill L.?")
        self.client.post(f"/o/alpha/contacts/{contact.uid}/delete/")
        self.assertFalse(ClientContact.objects.exists())

    def test_it_requires_a_contact_name(self):
        self.login(self.alice)
        r = self.client.post(self.url(f"{self.client_row.uid}/contacts/new/"), {"contact-email": "a@b.example"})
        self.assertContains(r, "This field is required.", status_code=400)

    def test_it_adds_renames_and_removes_a_department(self):
        self.login(self.alice)
        self.client.post(self.url(f"{self.client_row.uid}/departments/new/"), {"department-name": "Sales"})
        department = ClientDepartment.objects.get(client=self.client_row)
        r = self.client.post(self.url(f"{self.client_row.uid}/departments/new/"), {"department-name": "sales"})
        self.assertContains(r, "Initech already has a department called “sales”.", status_code=400)
        self.client.post(f"/o/alpha/departments/{department.uid}/edit/", {"department-name": "Marketing"})
        department.refresh_from_db()
        self.assertEqual(department.name, "Marketing")
        project = make_project(self.org, client=self.client_row, department=department)
        self.assertContains(self.client.get(f"/o/alpha/departments/{department.uid}/delete/"), "1 project names it")
        self.client.post(f"/o/alpha/departments/{department.uid}/delete/")
        project.refresh_from_db()
        self.assertIsNone(project.department)

    def test_contacts_and_departments_stay_in_their_organisation(self):
        contact = ClientContact.objects.create(client=self.client_row, name="Peter")
        department = ClientDepartment.objects.create(client=self.client_row, name="Sales")
        self.login(self.charlie)
        for path in (f"contacts/{contact.uid}/edit/", f"contacts/{contact.uid}/delete/",
                     f"departments/{department.uid}/edit/", f"departments/{department.uid}/delete/"):
            self.assertEqual(self.client.get(f"/o/bravo/{path}").status_code, 404, path)
            self.assertEqual(self.client.post(f"/o/bravo/{path}", {"contact-name": "Hacked"}).status_code, 404, path)
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/o/alpha/contacts/{contact.uid}/delete/").status_code, 403)
        self.assertTrue(ClientContact.objects.filter(pk=contact.pk).exists())
