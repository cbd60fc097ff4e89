"""The harness itself: the guard sees what a page must never do."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_blocks_and_reports_requests_off_the_server(page, browser_guard):
    # A page without our CSP, so only the guard stands in the way.
    page.set_content('<img src="http://tracker.example/pixel.gif" alt="">')
    browser_guard.wait_for(page, "ERR_BLOCKED_BY_CLIENT")
    problems = browser_guard.take()
    assert "image request off the live server: http://tracker.example/pixel.gif" in problems
    assert any("ERR_BLOCKED_BY_CLIENT" in p for p in problems), problems


def test_it_reports_csp_violations(page, browser_guard):
    page.goto("/account/login/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.head.appendChild(script);
        const img = document.createElement("img");
        img.src = "http://tracker.example/pixel.gif";
        document.body.appendChild(img);
    }""")
    browser_guard.wait_for(page, "img-src blocked")
    browser_guard.wait_for(page, "script-src-elem blocked")
    assert page.evaluate("() => window.inlineRan") is None
    problems = "\n".join(browser_guard.take())
    assert "CSP violation: script-src-elem blocked inline" in problems, problems
    assert "CSP violation: img-src blocked http://tracker.example/pixel.gif" in problems, problems
    # Chromium lists the blocked image as a request too: reported either way.
    assert "image request off the live server: http://tracker.example/pixel.gif" in problems


def test_it_reports_console_errors_and_uncaught_exceptions(page, browser_guard):
    page.goto("/account/login/")
    page.evaluate("() => { console.error('something broke'); setTimeout(() => { throw new Error('kaboom'); }); }")
    browser_guard.wait_for(page, "kaboom")
    problems = "\n".join(browser_guard.take())
    assert "console error: something broke" in problems
    assert "uncaught error: " in problems and "kaboom" in problems, problems


def test_it_finds_nothing_wrong_on_a_plain_page(page, browser_guard):
    page.goto("/account/login/")
    expect(page.get_by_role("heading", name="Log in to TimeLive")).to_be_visible()
    assert browser_guard.take() == []
