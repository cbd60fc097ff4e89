import datetime as dt
import time
from unittest import mock

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory, override_settings
from django.urls import resolve
from django.utils import timezone

from timelive.accounts.actions import verification_token
from timelive.diagnostics.log import RequestLog, request_log
from timelive.diagnostics.middleware import RequestLogMiddleware
from timelive.diagnostics.models import RequestRecord
from timelive.test import BaseTestCase

from .helpers import LogMixin, diagnostics_on


@diagnostics_on
class RequestLogMiddlewareTestCase(LogMixin, BaseTestCase):
    def test_it_records_a_request(self):
        before = timezone.now()
        r = self.client.get("/subprocessors/?next=/account/profile/&token=secret")
        self.assertEqual(r.status_code, 200)
        [row] = self.records()
        self.assertEqual(row.method, "GET")
        # No query string: query strings may hold tokens.
        self.assertEqual(row.path, "/subprocessors/")
        self.assertEqual(row.status, 200)
        self.assertGreater(row.duration_ms, 0)
        self.assertEqual(row.ip, "127.0.0.1")
        self.assertEqual(row.at.utcoffset(), dt.timedelta(0))
        # To the minute only.
        self.assertEqual((row.at.second, row.at.microsecond), (0, 0))
        self.assertTrue(before.replace(second=0, microsecond=0) <= row.at <= timezone.now())

    def test_it_records_redirects_and_errors(self):
        self.client.get("/account/profile/")
        self.client.get("/no/such/page/")
        self.assertEqual([row.status for row in self.records()], [302, 404])

    def test_it_names_neither_the_session_nor_its_person(self):
        self.login(self.alice)
        self.client.get("/account/profile/")
        self.client.get("/account/sessions/")
        self.assertEqual(len(self.records()), 2)
        session_key = self.client.session.session_key
        values = " ".join(str(v) for v in RequestRecord.objects.values_list())
        for secret in (session_key, self.alice.email, self.alice.full_name):
            self.assertNotIn(secret, values)

    def test_it_masks_identifiers_in_the_path(self):
        self.login(self.bob)
        token = verification_token(self.bob)
        session = self.bob.sessions.get()
        self.client.get(f"/account/verify/{token}/")
        self.client.post(f"/account/sessions/{session.code}/end/")
        self.client.get("/o/alpha/timesheet/2026-01-05/")
        paths = [row.path for row in self.records()]
        self.assertEqual(paths, [
            "/account/verify/<token>/",
            "/account/sessions/<code>/end/",
            # An organisation's slug and a day name no person.
            "/o/alpha/timesheet/2026-01-05/",
        ])

    def test_it_masks_token_like_parts_of_paths_that_match_no_url(self):
        token = verification_token(self.bob)
        self.client.get(f"/account/verify/{token}")
        self.client.get(f"/nowhere/{token}/plain-words-only/")
        self.client.get("/account/password/reset/MQ/set-password")
        self.assertEqual([row.path for row in self.records()], [
            "/account/verify/<token>",
            "/nowhere/<redacted>/plain-words-only/",
            "/account/password/reset/<uidb64>/<token>",
        ])

    def test_it_skips_static_files(self):
        r = self.client.get("/static/timelive/app.css")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.records(), [])

    @override_settings(TIMELIVE_DIAGNOSTICS=False)
    def test_it_can_be_switched_off(self):
        self.client.get("/subprocessors/")
        self.assertEqual(request_log.pending(), 0)
        self.assertEqual(self.records(), [])

    def test_it_takes_the_address_from_the_proxy_only_when_told(self):
        forwarded = {"x-forwarded-for": "198.51.100.1, 203.0.113.9"}
        self.client.get("/subprocessors/", headers=forwarded, REMOTE_ADDR="10.0.0.2")
        with self.settings(TIMELIVE_BEHIND_PROXY=True):
            # The hop our proxy added, not what the client wrote before it.
            self.client.get("/subprocessors/", headers=forwarded, REMOTE_ADDR="10.0.0.2")
            with self.settings(TIMELIVE_TRUSTED_PROXIES=2):
                self.client.get("/subprocessors/", headers=forwarded, REMOTE_ADDR="10.0.0.2")
            self.client.get("/subprocessors/", headers={"x-forwarded-for": "2001:db8::7"}, REMOTE_ADDR="10.0.0.2")
            self.client.get("/subprocessors/", headers={"x-forwarded-for": "[2001:db8::8]:4431"}, REMOTE_ADDR="10.0.0.2")
            self.client.get("/subprocessors/", headers={"x-forwarded-for": "not an address"}, REMOTE_ADDR="10.0.0.2")
            self.client.get("/subprocessors/", REMOTE_ADDR="10.0.0.3")
        self.assertEqual([row.ip for row in self.records()],
                         ["10.0.0.2", "203.0.113.9", "198.51.100.1", "2001:db8::7", "2001:db8::8", None, "10.0.0.3"])

    def test_it_never_breaks_a_request_when_the_log_cannot_be_written(self):
        request_log.flush_rows = 1
        self.addCleanup(setattr, request_log, "flush_rows", 50)
        with mock.patch("timelive.diagnostics.log._insert", side_effect=DatabaseError("disk full")), \
                self.assertLogs("timelive.diagnostics.log", "WARNING"):
            r = self.client.get("/subprocessors/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(request_log.pending(), 0)


class RequestLogBufferTestCase(BaseTestCase):
    def row(self, path="/"):
        return (timezone.now(), "GET", path, 200, 1.5, "192.0.2.1")

    def test_it_writes_a_batch_when_it_is_full(self):
        log = RequestLog(flush_rows=3, flush_seconds=60)
        log.add(self.row("/a"))
        log.add(self.row("/b"))
        self.assertEqual(RequestRecord.objects.count(), 0)
        log.add(self.row("/c"))
        self.assertEqual(sorted(RequestRecord.objects.values_list("path", flat=True)), ["/a", "/b", "/c"])
        self.assertEqual(log.pending(), 0)

    def test_it_writes_a_batch_when_it_is_old_enough(self):
        log = RequestLog(flush_rows=100, flush_seconds=10)
        with mock.patch("timelive.diagnostics.log.time.monotonic", side_effect=[1000.0, 1005.0, 1010.5]):
            log.add(self.row("/a"))
            log.add(self.row("/b"))
            self.assertEqual(RequestRecord.objects.count(), 0)
            log.add(self.row("/c"))
        self.assertEqual(RequestRecord.objects.count(), 3)

    def test_it_writes_nothing_when_empty(self):
        with self.assertNumQueries(0):
            self.assertEqual(RequestLog().flush(), 0)


class OverheadTestCase(LogMixin, BaseTestCase):
    """What the middleware adds to a request, its batched writes included."""

    def time_calls(self, middleware, request, n):
        started = time.perf_counter()
        for _ in range(n):
            middleware(request)
        return (time.perf_counter() - started) / n * 1000

    def test_it_is_cheap(self):
        self.login(self.alice)
        request = RequestFactory().get("/account/profile/", REMOTE_ADDR="192.0.2.10")
        request.session = self.client.session
        request.resolver_match = resolve("/account/profile/")
        middleware = RequestLogMiddleware(lambda request: HttpResponse("ok"))
        n = 2000
        with self.settings(TIMELIVE_DIAGNOSTICS=False):
            off_ms = self.time_calls(middleware, request, n)
        with self.settings(TIMELIVE_DIAGNOSTICS=True):
            on_ms = self.time_calls(middleware, request, n)
        request_log.flush()
        self.assertEqual(RequestRecord.objects.count(), n)
        overhead_ms = on_ms - off_ms
        print(f"\ndiagnostics overhead: {overhead_ms * 1000:.1f} µs per request (batches of {request_log.flush_rows})")
        self.assertLess(overhead_ms, 1.0)

    @diagnostics_on
    def test_it_records_the_status_of_a_failed_view(self):
        request = RequestFactory().post("/x/")
        RequestLogMiddleware(lambda request: HttpResponseServerError("boom"))(request)
        [row] = self.records()
        self.assertEqual((row.method, row.path, row.status), ("POST", "/x/", 500))
        self.assertEqual(row.ip, "127.0.0.1")
