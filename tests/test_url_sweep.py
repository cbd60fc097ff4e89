"""The URL sweep: every URL pattern of the project, asked by people who must not get in.

For each pattern (pages, the django-ninja API under /api/v1/ and the operator
console under /operator/) the test fills in the pattern's arguments from
SAMPLE_KWARGS with real rows of organisation "alpha" (alice's), then checks:

- an anonymous visitor is sent to the login page (pages), gets a JSON 401
  (API) or is sent to the operator login (admin);
- charlie, who owns another organisation, gets 404 for every alpha page, API
  endpoint and personal row of alice's, and the operator login for the admin;
- alice, who owns alpha, does not get 404 with the same arguments, which shows
  that the samples name real rows (so charlie's 404 means something).

Every method is tried: GET and POST (POST without CSRF checks, as the default
test client sends it), plus any other method a 405 answer advertises; a 405
is never taken as proof of protection on its own. API requests carry the
example body the OpenAPI schema documents, so that schema validation (422)
does not answer before the handler's access check.

A URL pattern missing from SAMPLE_KWARGS fails the test by name: each new URL
forces a decision about who may see it.
"""

import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from timelive.accounts.actions import verification_token
from timelive.accounts.models import UserSession
from timelive.accounts.session_store import SessionStore
from timelive.integrations.models import ApiToken, CalendarFeed, InstalledIntegration, Webhook
from timelive.orgs.actions import do_invite_member
from timelive.orgs.models import Role
from timelive.privacy.models import DataExport, PolicyVersion
from timelive.test import BaseTestCase

# Who may see a pattern, and so what the sweep expects.
PUBLIC = "public"  # anyone, logged in or not (the allow-list below; keep it small)
PAGE = "page"  # logged-in people, about themselves only: anonymous → login
ORG = "org"  # a page of one organisation: anonymous → login, outsider → 404
ROW = "row"  # a personal row of one person (a session, a token): anonymous → login, anyone else → 404
API = "api"  # an API endpoint about the caller: anonymous → 401
API_ORG = "api-org"  # an API endpoint of one organisation: anonymous → 401, outsider → 404
ADMIN = "admin"  # the operator console: anyone but staff → the operator login

# pattern name (or route, for an unnamed pattern) → (kind, {argument: sample name}[, extra]).
# Sample names are keys of SweepTestCase.samples, built from alice's organisation "alpha".
# extra, when a view needs more to reach its rows: {"path": an explicit path (for a catch-all, or
# with a query string), "data": the form a POST sends}; both may use the samples: "/o/{org}/x/?a={day}".
SAMPLE_KWARGS = {
    "home": (PAGE, {}),
    # PUBLIC: the pages a person needs before they have a session.
    "accounts:login": (PUBLIC, {}),
    # Logging out is harmless to anyone and must work with an expired session.
    "accounts:logout": (PUBLIC, {}),
    # Cloud sign-up (404 on-premises).
    "accounts:signup": (PUBLIC, {}),
    # The emailed confirmation link; the signed token is the credential.
    "accounts:verify_email": (PUBLIC, {"token": "verify_token"}),
    # Forgotten password: the four steps of Django's reset, the emailed token is the credential.
    "accounts:password_reset": (PUBLIC, {}),
    "accounts:password_reset_done": (PUBLIC, {}),
    "accounts:password_reset_confirm": (PUBLIC, {"uidb64": "reset_uidb64", "token": "reset_token"}),
    "accounts:password_reset_complete": (PUBLIC, {}),
    "accounts:resend_verification": (PAGE, {}),
    "accounts:profile": (PAGE, {}),
    "accounts:own_picture": (PAGE, {}),
    "accounts:password_change": (PAGE, {}),
    "accounts:sessions": (PAGE, {}),
    "accounts:end_other_sessions": (PAGE, {}),
    "accounts:end_session": (ROW, {"code": "session"}),
    "orgs:dashboard": (ORG, {"slug": "org"}),
    "orgs:dismiss_getting_started": (ORG, {"slug": "org"}),
    "orgs:team": (ORG, {"slug": "org"}),
    "orgs:invite": (ORG, {"slug": "org"}),
    "orgs:revoke_invitation": (ORG, {"slug": "org", "code": "invitation"}),
    "orgs:member": (ORG, {"slug": "org", "code": "member"}),
    "orgs:member_picture": (ORG, {"slug": "org", "code": "member"}),
    "orgs:change_role": (ORG, {"slug": "org", "code": "member"}),
    "orgs:remove_member": (ORG, {"slug": "org", "code": "member"}),
    "orgs:restore_member": (ORG, {"slug": "org", "code": "member"}),
    "privacy:deactivate_member": (ORG, {"slug": "org", "code": "member"}),
    "privacy:reactivate_member": (ORG, {"slug": "org", "code": "member"}),
    "orgs:settings": (ORG, {"slug": "org"}),
    "orgs:audit": (ORG, {"slug": "org"}),
    "orgs:audit_csv": (ORG, {"slug": "org"}),
    # The administrators' inbox of data requests (timelive/privacy/views/org_requests.py); the sample is bob's request.
    "privacy:data_requests": (ORG, {"slug": "org"}),
    **{f"privacy:{name}": (ORG, {"slug": "org", "code": "data_request"}) for name in (
        "data_request", "data_request_reply", "data_request_complete", "data_request_decline", "data_request_escalate")},
    "orgs:new_org": (PAGE, {}),
    # The first-run page of an empty On-Premises install (404 everywhere else).
    "orgs:setup": (PUBLIC, {}),
    # The emailed invitation link: the invitee may not have an account yet; the token is the credential.
    "orgs:accept_invitation": (PUBLIC, {"token": "invitation_token"}),
    "integrations:tokens": (PAGE, {}),
    "integrations:revoke_token": (ROW, {"code": "api_token"}),
    # An organisation's installed integrations: administrators record and remove them.
    "integrations:installed": (ORG, {"slug": "org"}),
    "integrations:remove_integration": (ORG, {"slug": "org", "code": "installed_integration"}),
    # Webhooks (administrators) and the personal calendar feed (its secret address is the credential).
    "integrations:webhooks": (ORG, {"slug": "org"}),
    "integrations:webhook": (ORG, {"slug": "org", "code": "webhook"}),
    "integrations:toggle_webhook": (ORG, {"slug": "org", "code": "webhook"}),
    "integrations:test_webhook": (ORG, {"slug": "org", "code": "webhook"}),
    "integrations:delete_webhook": (ORG, {"slug": "org", "code": "webhook"}),
    "integrations:calendar_feed": (PAGE, {}),
    "integrations:feed": (PUBLIC, {"secret": "feed_secret"}),
    "api:list_webhooks": (API_ORG, {"org": "org"}),
    "api:create_webhook": (API_ORG, {"org": "org"}),
    "api:get_webhook": (API_ORG, {"org": "org", "webhook": "webhook"}),
    "api:update_webhook": (API_ORG, {"org": "org", "webhook": "webhook"}),
    "api:delete_webhook": (API_ORG, {"org": "org", "webhook": "webhook"}),
    "api:list_webhook_deliveries": (API_ORG, {"org": "org", "webhook": "webhook"}),
    # The API's description and its docs page hold no data, and clients need them to start.
    "api:openapi-json": (PUBLIC, {}),
    "api:openapi-view": (PUBLIC, {}),
    # ninja's root and the catch-all: a JSON 404 for everyone.
    "api:api-root": (PUBLIC, {}),
    "api:not-found": (PUBLIC, {}, {"path": "/api/v1/no/such/thing"}),
    "api:me": (API, {}),
    "api:orgs": (API, {}),
    "api:org_detail": (API_ORG, {"org": "org"}),
    "api:members": (API_ORG, {"org": "org"}),
    "api:list_entries": (API_ORG, {"org": "org"}),
    "api:create_entry": (API_ORG, {"org": "org"}),
    "api:bulk_create": (API_ORG, {"org": "org"}),
    "api:get_entry": (API_ORG, {"org": "org", "entry": "entry"}),
    "api:patch_entry": (API_ORG, {"org": "org", "entry": "entry"}),
    "api:delete_entry": (API_ORG, {"org": "org", "entry": "entry"}),
    "api:current_timer": (API_ORG, {"org": "org"}),
    "api:start_timer": (API_ORG, {"org": "org"}),
    "api:stop_timer": (API_ORG, {"org": "org"}),
    # The audit trail, read-only: the organisation's log (administrators) and one entry's history.
    "api:audit_log": (API_ORG, {"org": "org"}),
    "api:entry_history": (API_ORG, {"org": "org", "entry": "entry"}),
    # The caller's copies of their data. One copy is a personal row: anyone else gets the JSON 404 an outsider of an
    # organisation gets, so it is swept as API_ORG.
    "api:request_export": (API, {}),
    "api:list_exports": (API, {}),
    "api:get_export": (API_ORG, {"export": "export"}),
    "api:download_export": (API_ORG, {"export": "export"}),
    # The operator console's own login page.
    "admin:login": (PUBLIC, {}),
    # Shadows admin:login: sends to the one login page (anonymous) or refuses non-operators (403).
    "operator_login": (PUBLIC, {}),
    # Time tracking (timelive/tracking/urls.py), all pages of one organisation.
    "tracking:timesheet": (ORG, {"slug": "org"}),
    "tracking:week_row": (ORG, {"slug": "org"}, {"path": "/o/{org}/timesheet/row/?week={day}"}),
    # Without a real project and date it answers 404 even to alice.
    "tracking:week_cell": (ORG, {"slug": "org"}, {"data": {"project": "{project}", "date": "{day}", "value": "1:00"}}),
    "tracking:week": (ORG, {"slug": "org", "day": "day"}),
    "tracking:day": (ORG, {"slug": "org", "day": "day"}),
    "tracking:edit_entry": (ORG, {"slug": "org", "uid": "entry"}),
    "tracking:delete_entry": (ORG, {"slug": "org", "uid": "entry"}),
    "tracking:timer": (ORG, {"slug": "org"}),
    "tracking:timer_start": (ORG, {"slug": "org"}),
    "tracking:timer_stop": (ORG, {"slug": "org"}),
    "tracking:timer_discard": (ORG, {"slug": "org"}),
    # Clients, projects, tasks and the organisation's tracking settings.
    **{f"tracking:{name}": (ORG, {"slug": "org"}) for name in (
        "clients", "client_new", "projects", "project_new", "tracking_settings", "tag_add", "custom_fields", "rates",
        "reprice")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "client"}) for name in (
        "client", "client_edit", "client_archive", "client_unarchive", "contact_new", "department_new")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "contact"}) for name in ("contact_edit", "contact_delete")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "department"}) for name in (
        "department_edit", "department_delete")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "project"}) for name in (
        "project", "project_edit", "project_status", "project_archive", "project_copy", "project_member_add",
        "milestone_new", "tasks", "task_board", "task_new")},
    "tracking:project_member_remove": (ORG, {"slug": "org", "uid": "project", "code": "project_member"}),
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "milestone"}) for name in (
        "milestone_edit", "milestone_done", "milestone_delete")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "task"}) for name in (
        "task", "task_edit", "task_archive", "task_move", "comment_add")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "comment"}) for name in ("comment_edit", "comment_delete")},
    "tracking:attachment": (ORG, {"slug": "org", "uid": "attachment"}),
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "custom_field"}) for name in (
        "custom_field_edit", "custom_field_delete")},
    **{f"tracking:{name}": (ORG, {"slug": "org", "uid": "rate"}) for name in ("rate_edit", "rate_delete")},
    "tracking:member_fields": (ORG, {"slug": "org", "code": "member"}),
    # Tags are named by the query string.
    "tracking:tag_rename": (ORG, {"slug": "org"}, {"path": "/o/{org}/settings/tracking/tags/rename/?tag={tag}"}),
    "tracking:tag_delete": (ORG, {"slug": "org"}, {"path": "/o/{org}/settings/tracking/tags/delete/?tag={tag}"}),
    **{f"api:{name}": (API_ORG, {"org": "org"}) for name in (
        "list_clients", "create_client", "list_projects", "create_project", "list_tasks", "create_task", "list_tags",
        "create_tag", "list_custom_fields", "create_custom_field", "list_rates", "create_rate")},
    "api:get_client": (API_ORG, {"org": "org", "client": "client"}),
    "api:patch_client": (API_ORG, {"org": "org", "client": "client"}),
    "api:get_project": (API_ORG, {"org": "org", "project": "project"}),
    "api:patch_project": (API_ORG, {"org": "org", "project": "project"}),
    "api:get_task": (API_ORG, {"org": "org", "task": "task"}),
    "api:patch_task": (API_ORG, {"org": "org", "task": "task"}),
    "api:delete_rate": (API_ORG, {"org": "org", "rate": "rate"}),
    # Approvals API (timelive/api/approvals.py): the sample path and bob's submitted timesheet (alice, an
    # administrator, sees it; approving it is refused with 403, not 404).
    **{f"api:{name}": (API_ORG, {"org": "org"}) for name in (
        "list_approval_paths", "list_timesheets", "submit_timesheet")},
    "api:get_approval_path": (API_ORG, {"org": "org", "path": "approval_path"}),
    **{f"api:{name}": (API_ORG, {"org": "org", "submission": "submission"}) for name in (
        "get_timesheet", "approve_timesheet", "reject_timesheet", "recall_timesheet", "override_timesheet")},
    # Expense sheets (the same file): bob's submitted expense sheet of the same week.
    **{f"api:{name}": (API_ORG, {"org": "org"}) for name in ("list_expense_sheets", "submit_expense_sheet")},
    **{f"api:{name}": (API_ORG, {"org": "org", "sheet": "expense_sheet"}) for name in (
        "get_expense_sheet", "approve_expense_sheet", "reject_expense_sheet", "recall_expense_sheet",
        "override_expense_sheet")},
    # Expenses API (timelive/api/expenses.py): alice's own sample expense and its receipt.
    **{f"api:{name}": (API_ORG, {"org": "org"}) for name in (
        "list_expenses", "create_expense", "list_expense_codes", "list_tax_codes", "list_payment_methods")},
    **{f"api:{name}": (API_ORG, {"org": "org", "expense": "expense"}) for name in (
        "get_expense", "patch_expense", "delete_expense", "list_receipts", "upload_receipt")},
    **{f"api:{name}": (API_ORG, {"org": "org", "expense": "expense", "receipt": "receipt"}) for name in (
        "download_receipt", "delete_receipt")},
    # Privacy (timelive/privacy/urls.py). PUBLIC: the privacy policy, terms and security document, their
    # archives and each version must be readable before anyone signs up (and are linked from the emails).
    "privacy:policy": (PUBLIC, {"kind": "policy_kind"}),
    "privacy:archive": (PUBLIC, {"kind": "policy_kind"}),
    "privacy:version": (PUBLIC, {"kind": "policy_kind", "code": "policy_version"}),
    # A person's own acknowledgement of a (public) policy version, and their own consents.
    "privacy:acknowledge": (PAGE, {"code": "policy_version"}),
    "privacy:consents": (PAGE, {}),
    "privacy:center": (PAGE, {}),
    # Copy of my information: ask for one and follow it (about the caller only); the download is alice's own copy.
    "privacy:export_request": (PAGE, {}),
    "privacy:export_status": (PAGE, {}),
    "privacy:export_download": (ROW, {"code": "export"}),
    # A person's own data requests; the confirmation link needs their session too (the key alone is not enough).
    "privacy:request_new": (PAGE, {}),
    "privacy:request": (ROW, {"code": "own_data_request"}),
    "privacy:request_withdraw": (ROW, {"code": "own_data_request"}),
    "privacy:request_confirm": (ROW, {"key": "data_request_key"}),
    "privacy:delete_account": (PAGE, {}),
    "privacy:cancel_deletion": (PAGE, {}),
    # The operator's subprocessors are part of the privacy policy ("Sharing with subprocessors"): public.
    "privacy:subprocessors": (PUBLIC, {}),
    # An organisation's integrations beside them: its members only.
    "privacy:org_subprocessors": (ORG, {"slug": "org"}),
    "privacy:deactivate": (PAGE, {}),
    "privacy:object": (PAGE, {}),
    # Approvals (timelive/approvals/urls.py): the inbox, submitting and one submission, for members; paths,
    # assignments and locks for administrators. The submission is bob's; alice sees it as an administrator.
    **{f"approvals:{name}": (ORG, {"slug": "org"}) for name in (
        "inbox", "bulk_approve", "submit", "submit_expenses", "approval_settings", "paths", "path_new", "assignments",
        "assign_project", "assign_member")},
    **{f"approvals:{name}": (ORG, {"slug": "org", "uid": "submission"}) for name in (
        "submission", "approve", "reject", "recall", "override")},
    # Expense sheets under their own addresses.
    **{f"approvals:{name}": (ORG, {"slug": "org", "uid": "expense_sheet"}) for name in (
        "expense_sheet", "expense_sheet_approve", "expense_sheet_reject", "expense_sheet_recall",
        "expense_sheet_override")},
    **{f"approvals:{name}": (ORG, {"slug": "org", "uid": "approval_path"}) for name in ("path_edit", "path_delete")},
    # Expenses (timelive/expenses/urls.py): a member's own expenses and receipts (the sample is alice's, with a
    # receipt); the expense settings for administrators (codes are deactivated, exchange rates deleted).
    **{f"expenses:{name}": (ORG, {"slug": "org"}) for name in ("list", "new", "settings_home")},
    **{f"expenses:{name}": (ORG, {"slug": "org", "uid": "expense"}) for name in ("detail", "edit", "delete")},
    **{f"expenses:{name}": (ORG, {"slug": "org", "uid": "receipt"}) for name in ("receipt", "receipt_delete")},
    **{f"reports:{name}": (ORG, {"slug": "org"}) for name in ("summary", "detailed", "weekly", "timesheet_status")},
    **{f"reports:{name}": (ORG, {"slug": "org", "fmt": "report_format"})
       for name in ("summary_export", "detailed_export", "weekly_export")},
    **{f"api:{name}": (API_ORG, {"org": "org"}) for name in ("summary_report", "detailed_report")},
    "expenses:setting_list": (ORG, {"slug": "org", "kind": "expense_setting_kind"}),
    **{f"expenses:{name}": (ORG, {"slug": "org", "kind": "expense_setting_kind", "uid": "expense_code"})
       for name in ("setting_edit", "setting_active")},
    "expenses:setting_delete": (ORG, {"slug": "org", "kind": "exchange_rate_kind", "uid": "exchange_rate"}),
}

# Every pattern of the operator console is made by AdminSite/ModelAdmin.get_urls
# and wrapped in admin_site.admin_view, so a newly registered model joins the
# sweep by itself; only its arguments need samples (a new one fails below).
ADMIN_NAMESPACE = "admin"
ADMIN_KWARGS = {"object_id": "1", "id": "1", "content_type_id": "1", "app_label": "orgs", "url": "no-such-page/"}
# Django sends non-staff from the admin's logout to its index, which sends them to its login.
ADMIN_VIA_INDEX = {"admin:logout"}

LOGIN_PATH = "/account/login/"
ADMIN_LOGIN_PATH = "/operator/login/"
OTHER_METHODS = ("PUT", "PATCH", "DELETE")


@dataclass
class Entry:
    key: str
    kind: str
    path: str
    route: str
    data: dict


def walk(patterns, route="", namespace=""):
    """(full route, namespaced name or None, pattern) for every URL pattern, depth first."""
    for pattern in patterns:
        here = route + str(pattern.pattern).removeprefix("^") if route else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, here, inner)
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield here, name, namespace, pattern


def route_arguments(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def fill_route(route: str, values: dict) -> str:
    """The path of a route with its arguments filled in: <conv:name> and (?P<name>…) groups."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe="/"), route)
    while (start := path.find("(?P<")) != -1:
        name = path[start + 4:path.index(">", start)]
        depth, end = 0, start
        for end in range(start, len(path)):
            depth += {"(": 1, ")": -1}.get(path[end], 0)
            if depth == 0:
                break
        path = path[:start] + str(values[name]) + path[end + 1:]
    return "/" + path.replace("^", "").replace("$", "")


class SweepTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        alice = cls.alice
        invitation, invitation_token = do_invite_member(cls.org, "invitee@example.org", Role.MEMBER, acting_user=alice)
        session = SessionStore()
        session["_auth_user_id"] = str(alice.pk)
        session.create()
        api_token, _ = ApiToken.issue(alice, "sweep sample")
        _, charlie_secret = ApiToken.issue(cls.charlie, "charlie's token")
        cls.charlie_bearer = f"Bearer {charlie_secret}"
        entry = _time_entry(cls.org, alice)
        cls.samples = {
            "org": cls.org.slug,
            "day": entry.date.isoformat(),
            "entry": entry.uid,
            "project": entry.project.uid,
            "member": cls.bob_membership.code,
            "invitation": invitation.code,
            "invitation_token": invitation_token,
            "verify_token": verification_token(alice),
            "reset_uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
            "reset_token": default_token_generator.make_token(alice),
            "session": UserSession.objects.get(session_key=session.session_key).code,
            "api_token": api_token.code,
            "policy_kind": "privacy",
            "report_format": "csv",
            "policy_version": PolicyVersion.objects.get(label="2018-05-24").code,
            # A copy of alice's data being prepared: its download answers her (409), never 404.
            "export": DataExport.objects.create(user=alice).code,
            "installed_integration": InstalledIntegration.objects.create(
                org=cls.org, name="Sweep payroll", purpose="Payroll", data_categories="Hours").code,
            "webhook": Webhook.objects.create(org=cls.org, title="Sweep hook", url="https://hooks.example/x").code,
            "feed_secret": CalendarFeed.issue(alice)[1],
            **_catalog_samples(cls.org, alice, cls.bob, entry.project),
            **_approval_samples(cls.org, cls.bob, entry),
            **_data_request_samples(cls.org, alice, cls.bob),
            **_expense_samples(cls.org, alice),
        }

    def setUp(self):
        # A picture and an attachment file, so that alice's requests for them show the samples are real.
        # (Each test has its own media folder, so files are written here, not in setUpTestData.)
        from timelive.tracking.models import TaskAttachment

        self.bob.picture.save("picture.png", ContentFile(_png()), save=True)
        TaskAttachment.objects.get(uid=self.samples["attachment"]).file.save("sweep.txt", ContentFile(b"x"), save=True)
        from timelive.expenses.models import Receipt

        Receipt.objects.get(uid=self.samples["receipt"]).file.save("receipt.png", ContentFile(_png()), save=True)

    # Building the list

    def entries(self) -> list[Entry]:
        entries, missing = [], []
        for route, name, namespace, _pattern in walk(get_resolver().url_patterns):
            key = name or route
            extra = {}
            if key in SAMPLE_KWARGS:
                kind, sample_names, *rest = SAMPLE_KWARGS[key]
                extra = rest[0] if rest else {}
                unknown = set(route_arguments(route)) - set(sample_names)
                if unknown and "path" not in extra:
                    missing.append(f"{key!r} (no sample for {', '.join(sorted(unknown))})")
                    continue
                values = {arg: self.samples[sample] for arg, sample in sample_names.items()}
            elif namespace.split(":")[0] == ADMIN_NAMESPACE:
                kind = ADMIN
                args = set(re.findall(r"\(\?P<(\w+)>", route)) | set(route_arguments(route))
                if args - set(ADMIN_KWARGS):
                    missing.append(f"{key!r} (add {', '.join(sorted(args - set(ADMIN_KWARGS)))} to ADMIN_KWARGS)")
                    continue
                values = ADMIN_KWARGS
            else:
                missing.append(repr(key))
                continue
            if "path" in extra:
                path = extra["path"].format(**self.samples)
            elif name:
                path = reverse(name, kwargs={k: v for k, v in values.items() if k in _arguments(route)} or None)
            else:
                path = fill_route(route, values)
            # The path must reach this very pattern (or one with the same route: ninja
            # makes one per operation of a path), or the sweep would test another one.
            match = resolve(urlsplit(path).path)
            reached = f"{':'.join(match.namespaces)}:{match.url_name}" if match.namespaces else match.url_name
            if match.route != route and not (name and reached == name):
                missing.append(f"{key!r} (its sample path {path} reaches {reached or match.route} instead)")
                continue
            data = {field: value.format(**self.samples) for field, value in extra.get("data", {}).items()}
            entries.append(Entry(key, kind, path, route, data))
        if missing:
            self.fail("URL patterns without a sample or classification in SAMPLE_KWARGS (tests/test_url_sweep.py) - "
                      "decide who may see each and add it:\n  " + "\n  ".join(missing))
        return entries

    # Asking

    def ask(self, client, entry, **extra):
        """The responses to every method worth trying: GET, POST and what a 405 advertises."""
        responses = {}
        for method in ("GET", "POST"):
            responses[method] = self.send(client, entry, method, **extra)
        for response in list(responses.values()):
            if response.status_code == 405:
                for method in OTHER_METHODS:
                    if method in response.get("Allow", "") and method not in responses:
                        responses[method] = self.send(client, entry, method, **extra)
        return responses

    def send(self, client, entry, method, **extra):
        if entry.kind in (API, API_ORG):
            # A body the schema accepts, so that the handler runs and its access check is what answers.
            body = api_example_body(entry.route, method) if method != "GET" else None
            return client.generic(method, entry.path, json.dumps(body) if body is not None else b"",
                                  content_type="application/json", **extra)
        body = urlencode(entry.data) if method != "GET" else ""
        return client.generic(method, entry.path, body, content_type="application/x-www-form-urlencoded", **extra)

    def check(self, entry, responses, is_expected, what):
        """Every answer is the expected one or a 405, and at least one is not a 405."""
        for method, response in responses.items():
            self.assertLess(response.status_code, 500, f"{method} {entry.path} ({entry.key}): server error")
            if response.status_code != 405:
                self.assertTrue(is_expected(response),
                                f"{method} {entry.path} ({entry.key}): expected {what}, got {response.status_code} "
                                f"{response.get('Location', '')}")
        self.assertTrue(any(r.status_code != 405 for r in responses.values()),
                        f"{entry.path} ({entry.key}): every method answered 405, which proves nothing")

    # Expectations

    def redirects_to(self, target):
        def check(response):
            return response.status_code == 302 and urlsplit(response["Location"]).path == target
        return check

    def admin_login(self, client, entry):
        def check(response):
            if entry.key in ADMIN_VIA_INDEX and response.status_code == 302:
                location = urlsplit(response["Location"]).path
                if location == reverse("admin:index"):
                    response = client.get(location)
            return self.redirects_to(ADMIN_LOGIN_PATH)(response)
        return check

    def json_401(self, response):
        if response.status_code != 401 or not response["Content-Type"].startswith("application/json"):
            return False
        body = response.json()
        return body.get("code") == "not_authenticated" and bool(body.get("detail"))

    def json_404(self, response):
        return response.status_code == 404 and response["Content-Type"].startswith("application/json") and \
            response.json().get("code") == "not_found"

    def not_found(self, response):
        return response.status_code == 404

    # The tests

    def test_every_pattern_has_a_sample(self):
        kinds = {entry.kind for entry in self.entries()}
        # The sweep reaches all the kinds of URL there are.
        self.assertEqual(kinds, {PUBLIC, PAGE, ORG, ROW, API, API_ORG, ADMIN})

    def test_the_public_allow_list_stays_small(self):
        public = [key for key, (kind, *_) in SAMPLE_KWARGS.items() if kind == PUBLIC]
        # 16 for accounts, invitations, setup, the API's description and the operator logins (the console's own,
        # shadowed, and the redirect to ours); 3 for the policies; 1 for the operator's subprocessors; 1 for the
        # personal calendar feed, which calendar apps read without a session (its secret address is the credential).
        self.assertLessEqual(len(public), 21, "Every public URL must be justified; is this one really public?")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        anonymous = Client()
        for entry in self.entries():
            responses = self.ask(anonymous, entry)
            if entry.kind == PUBLIC:
                for method, response in responses.items():
                    self.assertLess(response.status_code, 500, f"{method} {entry.path}")
            elif entry.kind in (PAGE, ORG, ROW):
                self.check(entry, responses, self.redirects_to(LOGIN_PATH), "a redirect to the login page")
            elif entry.kind in (API, API_ORG):
                self.check(entry, responses, self.json_401, "a JSON 401")
                # A made-up token is no better than none.
                bad = self.ask(anonymous, entry, HTTP_AUTHORIZATION="Bearer tl_made-up")
                self.check(entry, bad, self.json_401, "a JSON 401")
            elif entry.kind == ADMIN:
                self.check(entry, responses, self.admin_login(anonymous, entry), "a redirect to the operator login")

    def test_members_of_another_organisation_get_404(self):
        charlie = Client()
        charlie.force_login(self.charlie, backend="timelive.accounts.backends.EmailBackend")
        for entry in self.entries():
            if entry.kind in (ORG, ROW):
                self.check(entry, self.ask(charlie, entry), self.not_found, "404")
            elif entry.kind == API_ORG:
                self.check(entry, self.ask(charlie, entry), self.json_404, "a JSON 404")
                # The same with charlie's API token instead of his browser session.
                token = self.ask(Client(), entry, HTTP_AUTHORIZATION=self.charlie_bearer)
                self.check(entry, token, self.json_404, "a JSON 404")
            elif entry.kind == ADMIN:
                self.check(entry, self.ask(charlie, entry), self.admin_login(charlie, entry),
                           "a redirect to the operator login")
            else:
                # His own pages work, or at least do not fail.
                response = charlie.get(entry.path)
                self.assertLess(response.status_code, 500, f"GET {entry.path} ({entry.key})")

    def test_the_samples_are_real_rows(self):
        # alice owns alpha and the sample rows: she never gets 404 where charlie does.
        alice = Client()
        alice.force_login(self.alice, backend="timelive.accounts.backends.EmailBackend")
        for entry in self.entries():
            if entry.kind not in (ORG, ROW, API_ORG):
                continue
            # Each request's changes (a removed member, a revoked token) are undone before the next.
            with transaction.atomic():
                responses = self.ask(alice, entry)
                transaction.set_rollback(True)
            for method, response in responses.items():
                self.assertNotEqual(response.status_code, 404, f"{method} {entry.path} ({entry.key}): the sample is not real")
                self.assertLess(response.status_code, 500, f"{method} {entry.path} ({entry.key})")
            self.assertTrue(any(r.status_code != 405 for r in responses.values()), entry.key)

    def test_an_unclassified_pattern_fails_by_name(self):
        from unittest import mock

        with mock.patch.dict(SAMPLE_KWARGS):
            del SAMPLE_KWARGS["orgs:team"]
            with self.assertRaisesMessage(AssertionError, "'orgs:team'"):
                self.entries()


@functools.cache
def _openapi():
    from timelive.api.urls import api

    return api.get_openapi_schema()


def api_example_body(route: str, method: str):
    """The example request body the API documents for this route and method, or None."""
    schema = _openapi()
    operation = schema["paths"].get("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), {}).get(method.lower(), {})
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body and "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    examples = (body or {}).get("examples") or []
    return examples[0] if examples else ({} if body else None)


def _arguments(route):
    return set(route_arguments(route)) | set(re.findall(r"\(\?P<(\w+)>", route))


def _time_entry(org, user):
    """One of user's time entries in org: the sample for URLs that name an entry."""
    import datetime as dt

    from timelive.tracking.models import Project, TimeEntry

    project = Project.objects.create(org=org, name="Sweep sample project")
    return TimeEntry.objects.create(org=org, user=user, project=project, date=dt.date(2025, 3, 10), duration=3600)


def _approval_samples(org, bob, entry) -> dict:
    """A custom approval path and a submitted timesheet of bob's, in the week of the sample entry."""
    import datetime as dt

    from timelive.approvals.models import ApprovalPath, Submission

    path = ApprovalPath.objects.create(org=org, title="Sweep path")
    monday = entry.date - dt.timedelta(days=entry.date.weekday())
    submission = Submission.objects.create(org=org, person=bob, start=monday, end=monday + dt.timedelta(days=6))
    expense_sheet = Submission.objects.create(org=org, person=bob, kind="expense_sheet", start=monday,
                                              end=monday + dt.timedelta(days=6))
    return {"approval_path": path.uid, "submission": submission.uid, "expense_sheet": expense_sheet.uid}


def _catalog_samples(org, alice, bob, project) -> dict:
    """A client with a contact and a department, a task with a comment and an attachment,
    a milestone, a custom field, a rate and a tag: the samples for the catalogue's URLs."""
    from decimal import Decimal

    from timelive.tracking.models import (
        Client,
        CustomField,
        Milestone,
        ProjectMember,
        Rate,
        Tag,
        Task,
        TaskAttachment,
        TaskComment,
    )

    client = Client.objects.create(org=org, name="Sweep client")
    contact = client.contacts.create(name="Cora Contact")
    department = client.departments.create(name="Finance")
    ProjectMember.objects.create(project=project, user=bob)
    milestone = Milestone.objects.create(project=project, name="Beta")
    task = Task.objects.create(org=org, project=project, name="Sweep task")
    comment = TaskComment.objects.create(task=task, author=alice, body="Looks good")
    attachment = TaskAttachment.objects.create(comment=comment, name="sweep.txt", size=1, content_type="text/plain")
    field = CustomField.objects.create(org=org, target="time_entry", key="ticket", label="Ticket")
    rate = Rate.objects.create(org=org, kind="billing", amount=Decimal("100"), currency="USD")
    Tag.objects.create(org=org, name="sweep")
    return {
        "client": client.uid, "contact": contact.uid, "department": department.uid, "project_member": bob.code,
        "milestone": milestone.uid, "task": task.uid, "comment": comment.uid, "attachment": attachment.uid,
        "custom_field": field.uid, "rate": rate.uid, "tag": "sweep",
    }


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(out, format="PNG")
    return out.getvalue()


def _data_request_samples(org, alice, bob) -> dict:
    """Alice's own unconfirmed request (with its confirmation key) and bob's request held by alpha's admins."""
    from timelive.privacy.data_requests import do_file_request
    from timelive.privacy.models import DataRequest, RequestKind, RequestStatus

    own, key = do_file_request(alice, RequestKind.RECTIFICATION, "My job title is wrong.")
    held = DataRequest.objects.create(user=bob, kind=RequestKind.RECTIFICATION, reason="Wrong department.",
                                      status=RequestStatus.OPEN, org=org)
    return {"own_data_request": own.code, "data_request_key": key, "data_request": held.code}


def _expense_samples(org, alice) -> dict:
    """An expense code, an exchange rate, and alice's own expense with a receipt (its file is written in setUp)."""
    import datetime as dt
    from decimal import Decimal

    from timelive.expenses.models import ExchangeRate, Expense, ExpenseCode, Receipt
    from timelive.tracking.models import Project

    code = ExpenseCode.objects.create(org=org, title="Sweep meals")
    rate = ExchangeRate.objects.create(org=org, currency="EUR", rate=Decimal("1.1"), effective_date=dt.date(2025, 1, 1))
    expense = Expense(org=org, user=alice, project=Project.objects.create(org=org, name="Sweep expenses"),
                      expense_code=code, date=dt.date(2025, 3, 10), amount=Decimal("12"), currency="EUR")
    expense.price()
    expense.save()
    receipt = Receipt.objects.create(expense=expense, file="receipts/sweep.png", name="sweep.png", size=1,
                                     content_type="image/png")
    return {"expense": expense.uid, "receipt": receipt.uid, "expense_code": code.uid, "exchange_rate": rate.uid,
            "expense_setting_kind": "codes", "exchange_rate_kind": "exchange-rates"}
