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
from timelive.approvals.models import (
    ApprovalPath,
    ApprovalTier,
    EventAction,
    Submission,
    SubmissionApprover,
    SubmissionEvent,
)
from timelive.expenses.models import Expense, ExpenseCode, Receipt
from timelive.expenses.tests.helpers import png_bytes
from timelive.integrations.actions import do_create_token
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.privacy.models import DataExport, ExportStatus
from timelive.test import make_org, make_user
from timelive.tracking.models import Client, Project, Rate, Task, TimeEntry

# Left out of `make test-fast` (it explores the whole API for minutes); `make test` runs it.
pytestmark = pytest.mark.fuzz

# The demo organisation's slug, also the example the schema gives for {org}.
DEMO_ORG = "acme"
# Rows the fixture makes with these ids, so {entry}, {project}… also reach real rows.
REAL_IDS = {"entry": "sampleentry1", "project": "sampleproj01", "task": "sampletask01", "client": "sampleclien1",
            "rate": "samplerate01", "export": "sampleexport", "path": "samplepath01", "submission": "samplesheet1",
            "expense": "sampleexpen1", "receipt": "samplercpt01", "sheet": "sampleexpsh1"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

config = SchemathesisConfig.from_dict({
    # Half of the generated {org} values are the real organisation, so cases
    # get past the tenancy door and the 200 answers are checked too.
    "dictionaries": {"orgs": {"values": [DEMO_ORG]}, **{name: {"values": [uid]} for name, uid in REAL_IDS.items()}},
    "parameters": {"path.org": {"dictionary": "orgs", "probability": 0.5},
                   **{f"path.{name}": {"dictionary": name, "probability": 0.5} for name in REAL_IDS}},
    # 12 random examples an operation, after the deterministic coverage cases (most of the time): with the
    # real ids bound, enough to reach each handler's edges within the suite's time budget.
    "generation": {"max-examples": 12, "deterministic": True, "database": "none"},
    # The coverage phase's boundary values stay; its tour of HTTP methods no endpoint declares does not:
    # the URL sweep (tests/test_url_sweep.py) already sends every method to every pattern.
    "phases": {"coverage": {"unexpected-methods": []}},
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
    # The entry's history has a change, so its answers are checked with rows in them.
    AuditLog.objects.create(org=org, actor=member, event=AuditEvent.ENTRY_CHANGED, target_type="timeentry",
                            target_id=REAL_IDS["entry"], target_label="2026-11-23 Website",
                            details={"changes": {"duration": [1800, 3600]}})
    Rate.objects.create(org=org, uid=REAL_IDS["rate"], kind="billing", amount=Decimal("100"), currency="GBP")
    # A copy of the member's data, ready to download (an empty ZIP is enough for the schema).
    export = DataExport.objects.create(code=REAL_IDS["export"], user=member, status=ExportStatus.READY,
                                       finished_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=3))
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    # A two-step approval path, and a colleague's week waiting for the member's approval at its first step.
    path = ApprovalPath.objects.create(org=org, uid=REAL_IDS["path"], title="Member then owner")
    ApprovalTier.objects.create(path=path, position=1).people.set([Membership.objects.get(org=org, user=member)])
    ApprovalTier.objects.create(path=path, position=2).people.set([Membership.objects.get(org=org, user=owner)])
    colleague = make_user("pat@acme.example", "Pat Peters")
    Membership.objects.create(org=org, user=colleague, role=Role.MEMBER)
    TimeEntry.objects.create(org=org, user=colleague, project=project, date=dt.date(2026, 11, 24), duration=7200)
    sheet = Submission.objects.create(org=org, uid=REAL_IDS["submission"], person=colleague, start=dt.date(2026, 11, 23),
                                      end=dt.date(2026, 11, 29), path=path, path_title=path.title, tier_count=2,
                                      current_tier=1)
    SubmissionApprover.objects.create(submission=sheet, tier=1, user=member)
    SubmissionApprover.objects.create(submission=sheet, tier=2, user=owner)
    SubmissionEvent.objects.create(submission=sheet, actor=colleague, action=EventAction.SUBMITTED, tier=1)
    # The member's expense with a receipt (a real PNG, so its download answers with its type).
    meals = ExpenseCode.objects.create(org=org, title="Meals")
    expense = Expense(org=org, uid=REAL_IDS["expense"], user=member, project=project, expense_code=meals,
                      date=dt.date(2026, 11, 23), amount=Decimal("12.50"), currency="GBP")
    expense.price()
    expense.save()
    Receipt.objects.create(expense=expense, uid=REAL_IDS["receipt"], file=ContentFile(png_bytes(), name="r.png"),
                           name="lunch.png", size=len(png_bytes()), content_type="image/png")
    # The colleague's expense sheet of the same week, waiting for the member at its first step.
    colleague_expense = Expense(org=org, user=colleague, project=project, expense_code=meals,
                                date=dt.date(2026, 11, 24), amount=Decimal("30.00"), currency="GBP", status="submitted")
    colleague_expense.price()
    colleague_expense.save()
    expense_sheet = Submission.objects.create(
        org=org, uid=REAL_IDS["sheet"], kind="expense_sheet", person=colleague, start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 29), path=path, path_title=path.title, tier_count=2, current_tier=1)
    SubmissionApprover.objects.create(submission=expense_sheet, tier=1, user=member)
    SubmissionApprover.objects.create(submission=expense_sheet, tier=2, user=owner)
    SubmissionEvent.objects.create(submission=expense_sheet, actor=colleague, action=EventAction.SUBMITTED, tier=1)
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
