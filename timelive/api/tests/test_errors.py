from unittest.mock import patch

from django.core.exceptions import SuspiciousOperation

from timelive.api.test import ApiTestCase


class ErrorsTestCase(ApiTestCase):
    def test_it_answers_an_unknown_path_in_json(self):
        _, secret = self.make_token(self.alice)
        for path in ["/api/v1/nope", "/api/v1/", "/api/v1/orgs/alpha/nope", "/api/v1/orgs/a/b/c/d"]:
            self.assertError(self.api_get(path, secret), 404, "not_found")
        # Without credentials too, and whatever the method.
        self.assertError(self.client.get("/api/v1/nope"), 404, "not_found")
        self.assertError(self.client.post("/api/v1/nope"), 404, "not_found")

    def test_it_answers_a_wrong_method_in_json(self):
        _, secret = self.make_token(self.alice)
        r = self.client.delete("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        self.assertError(r, 405, "method_not_allowed")
        self.assertEqual(r["Allow"], "GET")

    def test_it_answers_a_suspicious_request_with_400(self):
        _, secret = self.make_token(self.alice)
        with patch("timelive.api.core.me_out", side_effect=SuspiciousOperation("odd")):
            with self.assertLogs("django.security.SuspiciousOperation", "ERROR"):
                r = self.api_get("/api/v1/me", secret)
        self.assertError(r, 400, "bad_request")

    def test_it_answers_a_crash_in_json(self):
        _, secret = self.make_token(self.alice)
        self.client.raise_request_exception = False
        with patch("timelive.api.core.me_out", side_effect=RuntimeError("boom")):
            with self.assertLogs("django.request", "ERROR"):
                r = self.api_get("/api/v1/me", secret)
        body = self.assertError(r, 500, "server_error")
        self.assertNotIn("boom", body["detail"])

    def test_it_reports_a_crash_to_the_test_client(self):
        _, secret = self.make_token(self.alice)
        with patch("timelive.api.core.me_out", side_effect=RuntimeError("boom")):
            with self.assertLogs("django.request", "ERROR"), self.assertRaisesMessage(RuntimeError, "boom"):
                self.api_get("/api/v1/me", secret)
