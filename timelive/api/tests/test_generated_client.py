"""A Python client generated from the live schema by openapi-python-client, a generator nobody on
TimeLive wrote, builds without a warning and runs a short workflow against the app.

The client talks to the real Django application through httpx's WSGI transport, inside the test's
transaction: every request goes through the middleware, the API and the database as in production.
"""

import datetime as dt
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from timelive.api.test import ApiTestCase
from timelive.tracking.models import Project, TimeEntry

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.mark.fuzz
class GeneratedClientTestCase(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.TemporaryDirectory()
        schema = Path(cls.folder.name) / "openapi.json"
        from django.test import Client

        schema.write_text(json.dumps(Client().get("/api/v1/openapi.json").json()))
        # The generator formats its output with ruff, which sits beside it in the virtualenv.
        env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        cls.generated = subprocess.run(
            [GENERATOR, "generate", "--path", schema, "--meta", "none",
             "--output-path", Path(cls.folder.name) / "timelive_client"],
            capture_output=True, text=True, env=env, timeout=300)
        sys.path.insert(0, cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        sys.path.remove(cls.folder.name)
        for name in [m for m in sys.modules if m == "timelive_client" or m.startswith("timelive_client.")]:
            del sys.modules[name]
        cls.folder.cleanup()
        super().tearDownClass()

    def module(self, name):
        return importlib.import_module(f"timelive_client.{name}")

    def setUp(self):
        super().setUp()
        # As Django's own test client does: a request must not close the test's database connection
        # (on PostgreSQL that would end the transaction the test runs in).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def client_for(self, secret):
        transport = httpx.WSGITransport(app=get_wsgi_application())
        return self.module("client").AuthenticatedClient(
            base_url="http://testserver", token=secret, httpx_args={"transport": transport})

    def test_it_generates_without_a_warning(self):
        output = self.generated.stdout + self.generated.stderr
        self.assertEqual(self.generated.returncode, 0, output)
        self.assertNotIn("warning", output.lower(), output)
        # Downloads are in the client, as bytes.
        download = self.module("api.expenses_and_receipts.download_receipt")
        self.assertIn("File", str(download._parse_response.__annotations__["return"]))

    def test_it_runs_a_workflow_with_the_generated_client(self):
        self.assertEqual(self.generated.returncode, 0, self.generated.stderr)
        _, secret = self.make_token(self.alice, org=self.org)
        client = self.client_for(secret)
        models = self.module("models")

        orgs = self.module("api.me_and_my_organisations.list_orgs").sync(client=client)
        self.assertEqual([o.slug for o in orgs.items], ["alpha"])

        project = self.module("api.clients_projects_and_tasks.create_project").sync(
            "alpha", client=client, body=models.ProjectIn(name="Generated"))
        self.assertEqual(project.name, "Generated")
        self.assertTrue(Project.objects.filter(org=self.org, name="Generated").exists())

        create = self.module("api.time_entries_and_timer.create_time_entry")
        by_duration = create.sync("alpha", client=client, body=models.TimeEntryIn(
            project=project.id, date=dt.date(2026, 11, 2), duration=5400, description="By duration"))
        self.assertEqual(by_duration.duration, 5400)
        start = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)
        by_span = create.sync("alpha", client=client, body=models.TimeEntryIn(
            project=project.id, start=start, end=start + dt.timedelta(minutes=45)))
        self.assertEqual(by_span.duration, 2700)

        # A refusal comes back as the documented error model, not an exception.
        refused = create.sync("alpha", client=client, body=models.TimeEntryIn(project="nosuchproject", duration=60))
        self.assertIsInstance(refused, models.ValidationErrorOut)

        listed = self.module("api.time_entries_and_timer.list_time_entries").sync(
            "alpha", client=client, from_=dt.date(2026, 11, 1), to=dt.date(2026, 11, 30))
        self.assertEqual(listed.count, 2)
        self.assertEqual(TimeEntry.objects.filter(org=self.org, project__name="Generated").count(), 2)

    def test_it_gets_404_as_an_outsider(self):
        _, secret = self.make_token(self.charlie, org=self.other_org)
        response = self.module("api.me_and_my_organisations.get_org").sync_detailed("alpha", client=self.client_for(secret))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.parsed.code, "not_found")
