"""Fixtures for the browser tests: one Chromium per session, a fresh context
and page per test, guarded (see harness.PageGuard), against `live_server`."""

import os
import re
from pathlib import Path

import pytest

from .harness import CHROMIUM_ARGS, PageGuard, chromium_missing_reason, chromium_path

ARTIFACTS = Path(os.environ.get("TIMELIVE_BROWSER_ARTIFACTS", Path(__file__).resolve().parents[2] / "var" / "browser-failures"))
guard_key = pytest.StashKey[PageGuard]()
call_report_key = pytest.StashKey[pytest.TestReport]()


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    reason = chromium_missing_reason()
    if reason and os.environ.get("CI"):
        # In CI (.ci/run installs Chromium first) a missing browser is a failure, never a silent skip.
        raise pytest.UsageError(reason)
    if reason:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=reason))
    # Playwright's sync API leaves an event loop running in the main thread
    # from its start to the end of the session, which Django's async checks
    # and async_to_sync dislike: so the browser tests run after all others.
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser_items


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    # Reached only when the test body passed: now the page must have behaved.
    guard = item.stash.get(guard_key, None)
    if guard is not None and (problems := guard.report()):
        pytest.fail(problems, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[call_report_key] = report
        guard = item.stash.get(guard_key, None)
        # When the test fails on its own, what the page did may explain it.
        if report.failed and guard is not None and guard.problems:
            report.sections.append(("browser guard", "\n".join(guard.problems)))
    return report


@pytest.fixture(scope="session")
def _playwright():
    # Also covers a test that uses these fixtures without the `browser` mark.
    if reason := chromium_missing_reason():
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # Never fetch a browser: we drive the system's Chromium or skip.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # The test thread reads and writes rows between browser calls while
    # Playwright's loop is running; the ORM is still used synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=5_000)
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_guard(request, live_server):
    guard = PageGuard(live_server.url)
    request.node.stash[guard_key] = guard
    return guard


@pytest.fixture
def context(browser, live_server, browser_guard):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", service_workers="block")
    context.set_default_timeout(10_000)
    browser_guard.attach(context)
    yield context
    context.close()


@pytest.fixture
def page(request, context):
    page = context.new_page()
    yield page
    report = request.node.stash.get(call_report_key, None)
    if report is not None and report.failed:
        _save_failure(request.node, page)


def _save_failure(node, page):
    """A screenshot and the HTML of the page a failed test ended on."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)
    try:
        page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content())
    except Exception as exc:  # the page may be gone; the test's own error matters more
        print(f"Could not save the page of {node.nodeid}: {exc}")
    else:
        print(f"The page at failure: {ARTIFACTS / stem}.png and .html ({page.url})")
