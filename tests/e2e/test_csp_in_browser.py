"""The Content-Security-Policy in a real browser: the main pages load with zero violations, and live.js connects.

Chromium reports every blocked script, style, image, connection or form target as a
`securitypolicyviolation` event (listened for before any page script runs) and a console error;
both are collected. Charts must still be coloured (their rules come from hub/static/hub/charts.css,
not an inline <style>), and signing in on the public site must still carry the person on to an
organisation's host (form-action covers the redirect after the POST).
"""

from __future__ import annotations

import re

import pytest

from hub.charts import PALETTE
from hub.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _watch(page) -> tuple[list[str], list]:
    console: list[str] = []
    sockets: list = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("websocket", lambda socket: sockets.append(socket))
    page.context.add_init_script(LISTEN)
    return console, sockets


def test_the_main_pages_report_no_csp_violation_and_live_notifications_connect(browser, hub_server, signed_in_page):
    priya = signed_in_page("priya.raman@eastbrook.example")
    console, sockets = _watch(priya)
    violations: dict[str, list[str]] = {}
    coloured = []

    for name, path in [
        ("dashboard", "/"),
        ("training overview (charts)", "/training/"),
        ("notification centre (live)", "/notifications/"),
        ("speaker requests", "/speakers/"),
        ("exchange search", "/exchange/"),
    ]:
        priya.goto(hub_server.url("eastbrook", path))
        priya.wait_for_load_state("load")
        found = priya.evaluate("() => window.__cspViolations")
        if found:
            violations[name] = found
        coloured += priya.evaluate(
            """() => [...document.querySelectorAll('svg.pygal-chart .series.color-0 .reactive, '
                    + 'svg.pygal-chart .series.color-0 .line')].slice(0, 1)
                 .map((e) => getComputedStyle(e).stroke)"""
        )

    # live.js opened its socket to this host on every page, and the last page's is still open.
    priya.wait_for_timeout(1000)
    assert all(re.fullmatch(r"ws://eastbrook\.[^/]+/ws/presence/", socket.url) for socket in sockets), sockets
    assert len(sockets) >= 5 and not sockets[-1].is_closed()
    assert violations == {} and console == [], (violations, console)
    assert coloured and set(coloured) == {_rgb(PALETTE[0])}, coloured


def test_signing_in_on_the_public_site_carries_on_to_the_organisation_host(browser, hub_server):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    console, _ = _watch(page)
    dashboard = hub_server.url("northmoor", "/")

    page.goto(dashboard)  # anonymous: sent to the public site's sign-in page with next=<dashboard>
    page.wait_for_url(re.compile(r".*/login/\?next="))
    page.get_by_label("Email address").fill("siobhan.kelly@northmoor.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(re.escape(hub_server.url("northmoor", "")) + r".*"))
    assert page.evaluate("() => window.__cspViolations") == [] and console == []
    context.close()
