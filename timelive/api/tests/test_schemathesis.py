"""Property-based run of the whole API schema with schemathesis.

Every operation in the OpenAPI schema becomes one test item (new endpoints
join automatically). Each item sends a bounded, deterministic set of generated
requests, authenticated as a demo-like member, straight into the WSGI app, and
fails on any 5xx or any answer the schema does not describe (status code,
content type, body).

When an endpoint takes another path parameter (a project code, an entry id),
bind it to a real value the same way as {org}: a dictionary of codes the
fixture creates, under "parameters", so cases get past the 404 too.
"""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from timelive.api.urls import api
from timelive.integrations.actions import do_create_token
from timelive.orgs.models import Membership, Role
from timelive.privacy.models import DataExport, ExportStatus
from timelive.test import make_org, make_user
from timelive.tracking.models import Client, Project, Rate, Task, TimeEntry

# The demo organisation's slug, also the example the schema gives for {org}.
DEMO_ORG = "acme"
# Rows the fixture makes with these ids, so {entry}, {project}… also reach real rows.
REAL_IDS = {"entry": "sampleentry1", "project": "sampleproj01", "task": "sampletask01", "client": "sampleclien1",
            "rate": "samplerate01", "export": "sampleexport"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

config = SchemathesisConfig.from_dict({
    # Half of the generated {org} values are the real organisation, so cases
    # get past the tenancy door and the 200 answers are checked too.
    "dictionaries": {"orgs": {"values": [DEMO_ORG]}, **{name: {"values": [uid]} for name, uid in REAL_IDS.items()}},
    "parameters": {"path.org": {"dictionary": "orgs", "probability": 0.5},
                   **{f"path.{name}": {"dictionary": name, "probability": 0.5} for name in REAL_IDS}},
    "generation": {"max-examples": 25, "deterministic": True, "database": "none"},
})
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
# Requests go into the app in-process, with no server.
schema.app = WSGIHandler()


@pytest.fixture
def demo_token(db):
    """A demo-like organisation with a few people; the token belongs to a plain member."""
    owner = make_user("olivia@acme.example", "Olivia Owens")
    org = make_org(DEMO_ORG, "Acme Consulting", owner, time_zone="Europe/London", currency="GBP")
    member = make_user("sam@acme.example", "Sam Singh", job_title="Consultant")
    Membership.objects.create(org=org, user=member, role=Role.MEMBER)
    external = make_user("erin@client.example", "Erin External")
    Membership.objects.create(org=org, user=external, role=Role.EXTERNAL)
    client = Client.objects.create(org=org, uid=REAL_IDS["client"], name="Initech")
    project = Project.objects.create(org=org, uid=REAL_IDS["project"], name="Website", client=client)
    task = Task.objects.create(org=org, uid=REAL_IDS["task"], project=project, name="Design")
    TimeEntry.objects.create(org=org, uid=REAL_IDS["entry"], user=member, project=project, task=task,
                             date=dt.date(2026, 11, 23), duration=3600)
    Rate.objects.create(org=org, uid=REAL_IDS["rate"], kind="billing", amount=Decimal("100"), currency="GBP")
    # A copy of the member's data, ready to download (an empty ZIP is enough for the schema).
    export = DataExport.objects.create(code=REAL_IDS["export"], user=member, status=ExportStatus.READY,
                                       finished_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=3))
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    _, secret = do_create_token(member, "schemathesis")
    return secret


# transaction=True: the app commits for real, as it would in production, and
# the rows the fixture made are committed before the first request.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_it_conforms_to_its_schema(case, demo_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo_token}"}, checks=CHECKS)


def test_it_covers_every_operation():
    # An empty or unreadable schema would otherwise pass with no cases at all.
    operations = [result.ok() for result in schema.get_all_operations()]
    expected = sum(
        1 for item in api.get_openapi_schema()["paths"].values() for method in item if method != "parameters"
    )
    assert len(operations) == expected >= 4
