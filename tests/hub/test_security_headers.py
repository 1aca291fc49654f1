"""Web hardening headers on every page (issue 13): CSP, Permissions-Policy, Referrer-Policy, COOP, nosniff.

The pages are those tests/hub/test_page_markup.py renders (the main pages, with and without their
errors showing) plus the dashboard's chart panels and the training overview (charts). The real
browser check (no CSP violation reported, live.js connects) is tests/e2e/test_csp_in_browser.py.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from sharing import services
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.hub.test_page_markup import PAGES
from tests.sharing.conftest import FakeProjection

EXTRA_PAGES = [
    ("training overview (charts)", "org", "get", "/training/", None),
    ("risk register (charts)", "org", "get", "/risks/", None),
    ("page not found", "org", "get", "/no-such-page/", None),
    ("health check", "anonymous", "get", "/healthz", None),
]

INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
}


def directives(header: str) -> dict[str, list[str]]:
    """'a x y; b z' -> {'a': ['x', 'y'], 'b': ['z']}."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def responses(org_a, org_b, member, make_user, client_on):
    Drafting(member).active([org_a, org_b])
    services.check_share(actor=None, source=org_b, projection=FakeProjection(5, ("Leilani Kahananui",)))
    everything = member(org_a, *Role.values)
    clients = {
        "anonymous": client_on(None),
        "public": client_on(None, everything),
        "operator": client_on(None, make_user(is_staff=True)),
        "org": client_on(org_a, everything),
    }

    def fetch(who: str, method: str, path: str, data: dict | None):
        return getattr(clients[who], method)(path, data or {})

    return fetch


def _problems(response) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    csp = directives(policy)
    expected = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    problems += [f"{name}: {csp.get(name)}" for name, value in expected.items() if csp.get(name) != value]
    problems += [word for word in ("'unsafe-inline'", "'unsafe-eval'") if word in policy]
    headers = {
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    problems += [f"{name}: {response.get(name)}" for name, value in headers.items() if response.get(name) != value]
    permissions = response.get("Permissions-Policy", "")
    problems += [
        f"Permissions-Policy lacks {f}"
        for f in ("camera=()", "microphone=()", "geolocation=()")
        if f not in permissions
    ]
    html = response.content.decode()
    problems += [f"{kind}: {pattern.findall(html)[:2]}" for kind, pattern in INLINE.items() if pattern.search(html)]
    return problems


def test_every_page_carries_the_policy_headers_and_no_inline_script_or_style(responses):
    # One fixture for all pages (each page as its own test would cost a second apiece in set-up).
    found = {}
    for name, who, method, path, data in PAGES + EXTRA_PAGES:
        problems = _problems(responses(who, method, path, data))
        if problems:
            found[name] = problems

    assert found == {}


def test_the_websocket_origin_is_this_hosts_own(org_a, member, client_on):
    client = client_on(org_a, member(org_a, Role.ORG_ADMIN))

    connect = directives(client.get("/")["Content-Security-Policy"])["connect-src"]

    assert connect == ["'self'", f"ws://{org_a.slug}.hub.localhost"]
    secure = directives(client.get("/", secure=True)["Content-Security-Policy"])["connect-src"]
    assert secure == ["'self'", f"wss://{org_a.slug}.hub.localhost"]


def test_forms_may_post_to_the_hub_and_its_organisations_hosts_only(client_on):
    form_action = directives(client_on(None).get("/login/")["Content-Security-Policy"])["form-action"]

    assert form_action == ["'self'", "hub.localhost:*", "*.hub.localhost:*"]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_with_https_required_plain_http_is_redirected_but_the_health_check_is_answered(client_on):
    anonymous = client_on(None)

    redirect = anonymous.get("/login/")
    assert redirect.status_code == 301 and redirect["Location"] == "https://hub.localhost/login/"
    assert anonymous.get("/healthz").status_code == 200
    secure = anonymous.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
