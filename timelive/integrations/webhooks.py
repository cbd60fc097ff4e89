"""Outgoing webhooks: signing, the address check against server-side request forgery, sending and retrying.

A delivery is written in the database first, then sent by a task (deliver_webhook) after
the change commits. Each try is logged (DeliveryAttempt). A failed try is retried after
RETRY_AFTER's delays; a webhook that fails DISABLE_AFTER tries in a row is turned off and
its organisation's owners and administrators are mailed.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from timelive.lib.codes import new_code
from timelive.orgs.models import ADMIN_ROLES, Membership

from .models import DeliveryAttempt, DeliveryState, Webhook, WebhookDelivery

SIGNATURE_HEADER = "TimeLive-Signature"
TIMEOUT_S = 5
# Waits before the 2nd, 3rd, … try; after the last one the delivery has failed for good.
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
               dt.timedelta(hours=6))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
DISABLE_AFTER = 10
# A receiver's answer is read only this far: its status is what counts.
MAX_READ = 4096


class RefusedTarget(Exception):
    """The URL may not be called (scheme, or an address inside the network)."""


def signing_secret(webhook: Webhook) -> str:
    # Derived, not stored: a database copy alone cannot sign (see Webhook).
    return "whsec_" + salted_hmac("timelive.integrations.webhook-secret", webhook.secret_salt,
                                  algorithm="sha256").hexdigest()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def allow_private() -> bool:
    value = getattr(settings, "TIMELIVE_WEBHOOKS_ALLOW_PRIVATE", None)
    if value is None:
        return not settings.HTTPS
    return bool(value)


def check_url(url: str) -> urllib.parse.SplitResult:
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - a port out of range raises here
    except ValueError:
        raise RefusedTarget("This is not a web address.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedTarget("Only http:// and https:// addresses can receive webhooks.")
    if parts.username or parts.password:
        raise RefusedTarget("Put no user name or password in the address; check the signature instead.")
    return parts


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def resolve(host: str, port: int, *, private_ok: bool) -> str:
    """The address to connect to, resolved now. Refused when any address the name has is inside the
    network (unless private targets are allowed): the connection then goes to exactly this address,
    so a name that changes between the check and the connection (DNS rebinding) gains nothing."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedTarget(f"{host} could not be resolved ({exc}).") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise RefusedTarget(f"{host} has no address.")
    if not private_ok:
        for address in addresses:
            if not _is_public(address):
                raise RefusedTarget(f"{host} resolves to {address}, an address inside a network; "
                                    "webhooks go only to public addresses.")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        # The certificate is checked against the host name, the connection made to the checked address.
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, *, private_ok: bool | None = None) -> int:
    """POST `body` to `url`; the response's status. Raises RefusedTarget or OSError/HTTPException."""
    parts = check_url(url)
    private_ok = allow_private() if private_ok is None else private_ok
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port, private_ok=private_ok)
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = cls(parts.hostname, port, address, timeout=TIMEOUT_S)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_READ)
        return response.status
    finally:
        connection.close()


def payload(delivery_code: str, event: str, org, data: dict, now=None) -> str:
    now = now or timezone.now()
    return json.dumps({"id": delivery_code, "event": event, "created_at": now.astimezone(dt.UTC).isoformat(),
                       "org": org.slug, "data": data}, separators=(",", ":"), default=str)


def queue_deliveries(webhooks, event: str, org, items: list[dict]) -> list[WebhookDelivery]:
    """A delivery per webhook and item, each sent by a task once the transaction commits."""
    deliveries = []
    now = timezone.now()
    for webhook in webhooks:
        for data in items:
            code = new_code()
            deliveries.append(WebhookDelivery(webhook=webhook, code=code, event=event, next_attempt_at=now,
                                              body=payload(code, event, org, data, now), created_at=now))
    if not deliveries:
        return []
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=500)
        ids = list(WebhookDelivery.objects.filter(code__in=[d.code for d in deliveries]).values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids, run_after=None):
    from .tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            # The periodic `send_webhooks` sweep sends it when it is due.
            return
        task = task.using(run_after=run_after)
    for pk in ids:
        task.enqueue(pk)


def attempt(delivery: WebhookDelivery) -> bool:
    """One try at `delivery`, claimed so that two workers never send the same try. True once delivered."""
    if delivery.state != DeliveryState.PENDING:
        return delivery.state == DeliveryState.SUCCEEDED
    claimed = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING,
                                             attempts=delivery.attempts).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery.attempts += 1
    webhook = delivery.webhook
    if not webhook.is_active:
        _finish(delivery, DeliveryState.FAILED)
        DeliveryAttempt.objects.create(delivery=delivery, number=delivery.attempts, error="The webhook is disabled.")
        return False
    body = delivery.body.encode()
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json", "User-Agent": "TimeLive-Webhooks/1",
        "TimeLive-Event": delivery.event, "TimeLive-Delivery": delivery.code,
        SIGNATURE_HEADER: signature(signing_secret(webhook), stamp, body),
    }
    status, error = None, ""
    started = time.monotonic()
    try:
        status = post(webhook.url, body, headers)
        if not 200 <= status < 300:
            error = f"The receiver answered HTTP {status}."
    except RefusedTarget as exc:
        error = str(exc)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration = int((time.monotonic() - started) * 1000)
    DeliveryAttempt.objects.create(delivery=delivery, number=delivery.attempts, status_code=status,
                                   duration_ms=duration, error=error[:500])
    if not error:
        _finish(delivery, DeliveryState.SUCCEEDED)
        Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=0)
        return True
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, DeliveryState.FAILED)
    else:
        delivery.next_attempt_at = timezone.now() + RETRY_AFTER[delivery.attempts - 1]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.next_attempt_at)
        _enqueue([delivery.pk], run_after=delivery.next_attempt_at)
    _count_failure(webhook)
    return False


def _finish(delivery, state):
    delivery.state, delivery.next_attempt_at = state, None
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=state, next_attempt_at=None)


def _count_failure(webhook):
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        turned_off = Webhook.objects.filter(pk=webhook.pk, is_active=True,
                                            consecutive_failures__gte=DISABLE_AFTER).update(
            is_active=False, disabled_reason=f"Turned off by TimeLive after {DISABLE_AFTER} failed deliveries in a row.")
        if turned_off:
            _tell_admins(webhook)


def _tell_admins(webhook):
    from timelive.notifications.mail import queue_mail

    org = webhook.org
    admins = Membership.objects.filter(org=org, role__in=ADMIN_ROLES, is_active=True,
                                       user__is_active=True).select_related("user")
    for membership in admins:
        queue_mail(membership.user.email, f"Webhook “{webhook.title}” turned off", "webhook_disabled",
                   {"webhook": webhook, "org": org, "failures": DISABLE_AFTER, "user": membership.user})


def due_deliveries(now=None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
