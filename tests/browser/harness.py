"""The browser-test harness: where Chromium is, how it is launched, and the
guard that fails a test on console errors, CSP violations and requests that
leave the live server (the product promises no request to another host)."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Debian's Chromium, quiet: no GPU, no QUIC, and none of the background calls
# home (component updates, sync, safe-browsing lists) that would leave the box.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Chromium reports a blocked load, script, style or connection like this.
CSP_MESSAGE = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)

# Forwards `securitypolicyviolation` events, which also catches report-only
# policies and violations that Chromium words differently in the console.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__timeliveCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                                " in " + e.documentURI);
}, true);
"""


def chromium_path() -> str:
    return os.environ.get("TIMELIVE_CHROMIUM") or DEFAULT_CHROMIUM


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when Chromium is installed."""
    path = chromium_path()
    if Path(path).is_file() and os.access(path, os.X_OK):
        return None
    return f"Chromium not found at {path}: browser tests skipped (apt-get install chromium)"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class PageGuard:
    """Collects what a page must never do. Attach it to a browser context."""

    # Schemes that never reach the network.
    LOCAL_SCHEMES = {"data", "blob", "about"}

    def __init__(self, server_url: str):
        self.origin = _origin(server_url)
        self.problems: list[str] = []

    def _add(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def is_on_server(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return scheme in self.LOCAL_SCHEMES or _origin(url) == self.origin

    def attach(self, context) -> None:
        context.on("request", self._on_request)
        context.on("weberror", lambda error: self._add(f"uncaught error: {error.error}"))
        context.on("console", self._on_console)
        context.on("page", lambda page: page.on("websocket", lambda ws: self._check_url(ws.url, "websocket")))
        # Requests off the server are recorded and never sent.
        context.route("**/*", self._route)
        context.expose_binding("__timeliveCspViolation", lambda _source, text: self._add(f"CSP violation: {text}"))
        context.add_init_script(CSP_LISTENER)

    def _check_url(self, url: str, what: str) -> bool:
        if self.is_on_server(url):
            return True
        self._add(f"{what} off the live server: {url}")
        return False

    def _on_request(self, request) -> None:
        # Seen for every hop of a redirect, which routing does not see.
        self._check_url(request.url, f"{request.resource_type} request")

    def _route(self, route) -> None:
        request = route.request
        if self._check_url(request.url, f"{request.resource_type} request"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _on_console(self, message) -> None:
        text = message.text
        where = (message.location or {}).get("url", "")
        where = f" [{where}]" if where else ""
        if CSP_MESSAGE.search(text):
            self._add(f"CSP violation (console {message.type}): {text}{where}")
        elif message.type == "error":
            self._add(f"console error: {text}{where}")

    def wait_for(self, page, text: str, timeout_ms: int = 3_000) -> None:
        """Let the page run until a problem mentioning `text` is seen (events arrive late)."""
        waited = 0
        while not any(text in problem for problem in self.problems) and waited < timeout_ms:
            page.wait_for_timeout(50)
            waited += 50

    def take(self) -> list[str]:
        """The problems seen so far; the guard starts again from none."""
        problems, self.problems = self.problems, []
        return problems

    def report(self) -> str:
        """What went wrong, for a test's failure message; "" when nothing did. Starts again from none."""
        problems = self.take()
        return "The page misbehaved:\n  " + "\n  ".join(problems) if problems else ""
