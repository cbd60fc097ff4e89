"""A small keep-alive HTTP client for loopback benchmarking (standard library only)."""

import http.client
import json
import math
import re
import time
import urllib.parse

# gunicorn closes idle keep-alive connections after 2 s; reconnect before that.
IDLE_RECONNECT = 1.0


class HttpError(Exception):
    pass


class Client:
    def __init__(self, host: str, port: int, *, timeout: float = 60.0, token: str | None = None):
        self.host, self.port, self.timeout = host, port, timeout
        self.token = token
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connection(self):
        if self.conn is None or time.monotonic() - self.last_used > IDLE_RECONNECT:
            self.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, response headers, body bytes, seconds) of one request, timed from send to last byte."""
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self._connection()
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        seconds = time.perf_counter() - started
        self.last_used = time.monotonic()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data, seconds

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post_json(self, path: str, payload=None, *, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(payload).encode()
        return self.request("POST", path, body=body, headers={"Content-Type": "application/json"})

    def login(self, email: str, password: str):
        """Log in through the real login form, keeping the session cookie."""
        status, _, page, _ = self.get("/account/login/")
        if status != 200:
            raise HttpError(f"login page answered {status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise HttpError("no CSRF token on the login page")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "email": email,
                                       "password": password}).encode()
        status, headers, _, _ = self.request("POST", "/account/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise HttpError(f"login failed ({status})")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of `values` (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]
