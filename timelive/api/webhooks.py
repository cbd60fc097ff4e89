"""Outgoing webhooks of an organisation (owners and administrators)."""

import datetime as dt

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from timelive.integrations.actions import do_create_webhook, do_delete_webhook
from timelive.integrations.models import Webhook, WebhookDelivery, WebhookEvent
from timelive.integrations.webhooks import RefusedTarget, check_url
from timelive.orgs.access import get_admin_membership

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, ApiError, responses
from .schemas import OrgSlug, Page, PageParams, examples

router = Router(tags=["Webhooks"])

EVENTS = [e.value for e in WebhookEvent if e != WebhookEvent.PING]
WEBHOOK_EXAMPLE = {
    "id": "w8k2m4x9q1zc", "title": "Payroll", "url": "https://hooks.example.com/timelive",
    "events": ["timesheet.approved"], "is_active": True, "disabled_reason": "", "consecutive_failures": 0,
    "created_at": "2026-11-23T11:31:00Z",
}
DELIVERY_EXAMPLE = {
    "id": "d3v9q2m8x1ab", "event": "timesheet.approved", "state": "succeeded", "created_at": "2026-11-23T11:31:00Z",
    "attempts": [{"number": 1, "at": "2026-11-23T11:31:01Z", "status_code": 200, "duration_ms": 84, "error": ""}],
}
ADMINS_ONLY = "Only owners and administrators manage webhooks. Code `permission_denied`."
NOT_FOUND_HOOK = NOT_FOUND_ORG + " Also when the webhook does not exist in it."
BAD_BODY = "The body is not valid JSON. Code `bad_request`."


class WebhookOut(Schema):
    id: str
    title: str
    url: str
    events: list[str]
    is_active: bool
    disabled_reason: str = Field(description="Why it is off (by an administrator, or after repeated failures).")
    consecutive_failures: int
    created_at: dt.datetime

    model_config = examples(WEBHOOK_EXAMPLE)


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret: shown only in this answer. Keep it with the receiver.")

    model_config = examples({**WEBHOOK_EXAMPLE, "secret": "whsec_3f1c…"})


class WebhookList(Page):
    items: list[WebhookOut]

    model_config = examples({"items": [WEBHOOK_EXAMPLE], "count": 1})


class WebhookIn(Schema):
    title: str = Field(min_length=1, max_length=120, examples=["Payroll"])
    url: str = Field(max_length=500, description="http:// or https:// address that receives the events.",
                     examples=["https://hooks.example.com/timelive"])
    events: list[WebhookEvent] = Field(min_length=1, max_length=20, examples=[["timesheet.approved"]])

    model_config = examples({"title": "Payroll", "url": "https://hooks.example.com/timelive",
                             "events": ["timesheet.approved"]})


class WebhookPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    url: str | None = Field(None, max_length=500)
    events: list[WebhookEvent] | None = Field(None, min_length=1, max_length=20)
    is_active: bool | None = Field(None, description="false turns it off, true on again (its failure count restarts).")

    model_config = examples({"is_active": False})


class AttemptOut(Schema):
    number: int
    at: dt.datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null when no answer came.")
    duration_ms: int
    error: str

    model_config = examples(DELIVERY_EXAMPLE["attempts"][0])


class DeliveryOut(Schema):
    id: str = Field(description="The delivery id, the `id` of the payload on every try.")
    event: str
    state: str = Field(description="pending, succeeded or failed.")
    created_at: dt.datetime
    attempts: list[AttemptOut] = Field(description="Each try, newest first.")

    model_config = examples(DELIVERY_EXAMPLE)


class DeliveryList(Page):
    items: list[DeliveryOut]

    model_config = examples({"items": [DELIVERY_EXAMPLE], "count": 1})


def webhook_out(webhook) -> dict:
    return {"id": webhook.code, "title": webhook.title, "url": webhook.url, "events": webhook.events,
            "is_active": webhook.is_active, "disabled_reason": webhook.disabled_reason,
            "consecutive_failures": webhook.consecutive_failures, "created_at": webhook.created_at}


def _webhook(request, org, code) -> Webhook:
    membership = get_admin_membership(request, org)
    webhook = Webhook.objects.filter(org=membership.org, code=code[:16]).first()
    if webhook is None:
        raise ApiError(404, "Not found.", "not_found")
    return webhook


def _url(url: str) -> str:
    try:
        check_url(url)
    except RefusedTarget as exc:
        raise ApiError(422, str(exc), "invalid") from None
    return url


@router.get("/orgs/{org}/webhooks", summary="List webhooks", **responses({200: WebhookList}, {
    401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_webhooks(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's webhooks, by title.

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 for an
    organisation you are not in; 422 for a malformed parameter.
    """
    membership = get_admin_membership(request, org)
    hooks = Webhook.objects.filter(org=membership.org)
    return {"items": [webhook_out(w) for w in hooks[page.offset: page.offset + page.limit]], "count": hooks.count()}


@router.post("/orgs/{org}/webhooks", summary="Create a webhook", **responses({201: WebhookCreated}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_ORG, 422: INVALID}))
def create_webhook(request, org: OrgSlug, payload: WebhookIn):
    """Create a webhook. The answer holds its signing secret, shown this once: each delivery is signed with
    it in the `TimeLive-Signature` header. The webhook is listed for the members as an installed integration.

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 for an
    organisation you are not in; 400 for a body that is not JSON; 422 for a missing field, an unknown event
    or an address that is not http(s).
    """
    membership = get_admin_membership(request, org)
    webhook, secret = do_create_webhook(membership.org, acting_user=request.user, title=payload.title.strip(),
                                        url=_url(payload.url), events=sorted(set(payload.events)))
    return Status(201, {**webhook_out(webhook), "secret": secret})


@router.get("/orgs/{org}/webhooks/{webhook}", summary="One webhook", **responses({200: WebhookOut}, {
    401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_HOOK, 422: INVALID}))
def get_webhook(request, org: OrgSlug, webhook: str):
    """One webhook (never its secret).

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 when the
    organisation or webhook is not yours to see; 422 for a malformed parameter.
    """
    return webhook_out(_webhook(request, org, webhook))


@router.patch("/orgs/{org}/webhooks/{webhook}", summary="Change a webhook", **responses({200: WebhookOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_HOOK, 422: INVALID}))
def update_webhook(request, org: OrgSlug, webhook: str, payload: WebhookPatch):
    """Change a webhook's title, address or events, or turn it off or on.

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 when the
    organisation or webhook is not yours to see; 400 for a body that is not JSON; 422 for an unknown event or
    an address that is not http(s).
    """
    hook = _webhook(request, org, webhook)
    with transaction.atomic():
        if payload.title is not None:
            hook.title = payload.title.strip()
        if payload.url is not None:
            hook.url = _url(payload.url)
        if payload.events is not None:
            hook.events = sorted(set(payload.events))
        if payload.is_active is not None and payload.is_active != hook.is_active:
            hook.is_active = payload.is_active
            hook.consecutive_failures = 0
            hook.disabled_reason = "" if hook.is_active else f"Turned off by {request.user.full_name}."
        hook.save()
    return webhook_out(hook)


@router.delete("/orgs/{org}/webhooks/{webhook}", summary="Delete a webhook", **responses({204: None}, {
    401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_HOOK, 422: INVALID}))
def delete_webhook(request, org: OrgSlug, webhook: str):
    """Delete a webhook and its delivery log. The members still see that it was used, and until when.

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 when the
    organisation or webhook is not yours to see; 422 for a malformed parameter.
    """
    do_delete_webhook(_webhook(request, org, webhook), acting_user=request.user)
    return Status(204, None)


@router.get("/orgs/{org}/webhooks/{webhook}/deliveries", summary="List a webhook's deliveries",
            **responses({200: DeliveryList}, {401: NOT_AUTHENTICATED, 403: ADMINS_ONLY, 404: NOT_FOUND_HOOK,
                                              422: INVALID}))
def list_webhook_deliveries(request, org: OrgSlug, webhook: str, page: Query[PageParams]):
    """The delivery log, newest first: each event sent, its state and every try (time, HTTP status, duration,
    error).

    Errors: 401 without valid credentials; 403 for members who are not owners or administrators; 404 when the
    organisation or webhook is not yours to see; 422 for a malformed parameter.
    """
    hook = _webhook(request, org, webhook)
    deliveries = WebhookDelivery.objects.filter(webhook=hook).prefetch_related("attempt_log")
    items = [{"id": d.code, "event": d.event, "state": d.state, "created_at": d.created_at,
              "attempts": [{"number": a.number, "at": a.at, "status_code": a.status_code,
                            "duration_ms": a.duration_ms, "error": a.error} for a in d.attempt_log.all()]}
             for d in deliveries[page.offset: page.offset + page.limit]]
    return {"items": items, "count": deliveries.count()}
