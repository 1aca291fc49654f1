"""OpenID Connect sign-in against a real provider on loopback (node `oidc-provider`, tests/tenants/oidc).

The hub side is the Django test client on the public site's host; the person's browser at the
provider is a `requests` session. Every call the hub makes to the provider (discovery, JWKS,
token, userinfo) is real HTTP to the provider process. Each test drives the whole flow:
the hub's sign-in page -> the "Sign in with ..." link -> the provider's sign-in and consent ->
the hub's callback.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY

from core.models import AuditEvent
from tenants import oidc
from tenants.models import Role, User
from tests.html_text import visible_text
from tests.tenants.oidc import Provider, drive, start_provider

HUB = "http://hub.localhost"
CALLBACK = f"{HUB}/oidc/callback/"
HUB_SECRET = secrets.token_urlsafe(32)
OTHER_SECRET = secrets.token_urlsafe(32)
OTHER_CALLBACK = "http://other-app.example/callback"
ACCOUNTS = {
    "ines": {"email": "Ines.Moreau@alderley.example", "email_verified": True, "name": "Ines Moreau"},
    "stranger": {"email": "nobody-here@elsewhere.example", "email_verified": True, "name": "Rafe Stranger"},
    "unverified": {"email": "tobias.lind@alderley.example", "email_verified": False, "name": "Tobias Lind"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = start_provider(
        clients=[
            {"client_id": "partnership-hub", "client_secret": HUB_SECRET, "redirect_uris": [CALLBACK]},
            {"client_id": "other-app", "client_secret": OTHER_SECRET, "redirect_uris": [OTHER_CALLBACK]},
        ],
        accounts=ACCOUNTS,
    )
    yield running
    running.stop()


@pytest.fixture
def oidc_on(provider: Provider, settings) -> Provider:
    settings.HUB_OIDC_ENABLED = True
    settings.HUB_OIDC_ISSUER = provider.issuer
    settings.HUB_OIDC_NAME = "Alderley Single Sign-On"
    settings.OIDC_RP_CLIENT_ID = "partnership-hub"
    settings.OIDC_RP_CLIENT_SECRET = HUB_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "tenants.oidc.HubOIDCBackend"]
    oidc._discovery_cache.clear()
    return provider


def _start(client, next_url: str = "") -> str:
    """The sign-in page's link, followed: returns the provider's authorisation URL."""
    page = client.get("/login/" + (f"?next={next_url}" if next_url else ""))
    assert "Sign in with Alderley Single Sign-On" in visible_text(page.content.decode())
    link = page.content.decode().split('data-testid="oidc-sign-in"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    started = client.get(link.replace("&amp;", "&"))
    assert started.status_code == 302
    return started["Location"]


def _callback(client, url: str):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def _sign_in(client, login: str, next_url: str = "", tamper_state: bool = False):
    authorize = _start(client, next_url)
    back = drive(requests.Session(), authorize, login, back_to=HUB)
    if tamper_state:
        back = back.replace("state=", "state=x")
    return _callback(client, back)


def _refusals() -> list[dict]:
    return [e.detail for e in AuditEvent.objects.filter(action="sign_in.oidc_refused").order_by("pk")]


def test_a_member_signs_in_with_the_provider_and_still_faces_the_second_factor(oidc_on, org_a, member, client_on):
    ines = member(org_a, Role.PREVENT_LEAD, email="ines.moreau@alderley.example")
    client = client_on(None)
    dashboard = f"http://{org_a.slug}.{settings.HUB_BASE_DOMAIN}/"

    answer = _sign_in(client, "ines", next_url=dashboard)

    assert answer.status_code == 302 and answer["Location"] == dashboard
    assert client.session["_auth_user_id"] == str(ines.pk)
    assert client.session["_auth_user_backend"] == "tenants.oidc.HubOIDCBackend"
    # A first factor only: the session has passed no second factor, so that step still applies.
    assert DEVICE_ID_SESSION_KEY not in client.session
    page = client.get("/", HTTP_HOST=f"{org_a.slug}.{settings.HUB_BASE_DOMAIN}")
    assert page.status_code == 200 or "/login/?" not in page.get("Location", ""), "signed out again"
    event = AuditEvent.objects.filter(action="sign_in.oidc").latest("pk")
    assert event.actor_id == ines.pk and event.detail == {"provider": urlsplit(oidc_on.issuer).netloc}


def test_an_email_no_account_uses_is_refused_and_no_account_is_made(oidc_on, client_on):
    before = User.objects.count()
    client = client_on(None)

    answer = _sign_in(client, "stranger")

    assert answer.status_code == 403
    assert (
        "No Partnership Hub account uses this email; ask your organisation's admin for an invitation."
        in visible_text(answer.content.decode())
    )
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == before
    assert _refusals()[-1]["reason"] == "unknown_account"


def test_an_unverified_email_is_never_matched_to_the_account_that_uses_it(oidc_on, org_a, member, client_on):
    member(org_a, Role.REVIEWER, email="tobias.lind@alderley.example")
    client = client_on(None)

    answer = _sign_in(client, "unverified")

    assert answer.status_code == 403
    assert "did not confirm that the email address it gave is yours" in visible_text(answer.content.decode())
    assert "_auth_user_id" not in client.session
    assert _refusals()[-1]["reason"] == "unverified_email"


def test_a_callback_with_a_state_this_browser_never_started_is_refused(oidc_on, org_a, member, client_on):
    member(org_a, Role.REVIEWER, email="ines.moreau@alderley.example")
    client = client_on(None)

    answer = _sign_in(client, "ines", tamper_state=True)

    assert answer.status_code == 400
    assert "did not check out" in visible_text(answer.content.decode())
    assert "_auth_user_id" not in client.session
    assert _refusals()[-1]["reason"] == "invalid_response"


def test_an_id_token_issued_to_another_client_is_refused(oidc_on, org_a, member, client_on, monkeypatch):
    member(org_a, Role.REVIEWER, email="ines.moreau@alderley.example")
    client = client_on(None)
    authorize = _start(client)
    browser = requests.Session()
    back = drive(browser, authorize, "ines", back_to=HUB)
    # An attacker holding Ines's tokens from another application, issued for the hub's nonce,
    # swaps them in for the hub's own (token substitution).
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    other = (
        f"{oidc.discovery(oidc_on.issuer)['authorization_endpoint']}?response_type=code&scope=openid+email"
        f"&client_id=other-app&redirect_uri={OTHER_CALLBACK}&state=s&nonce={nonce}"
    )
    code = parse_qs(urlsplit(drive(browser, other, "ines", back_to=OTHER_CALLBACK)).query)["code"][0]
    tokens = requests.post(
        oidc.discovery(oidc_on.issuer)["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_CALLBACK,
            "client_id": "other-app",
            "client_secret": OTHER_SECRET,
        },
        timeout=10,
    ).json()
    assert tokens["id_token"]
    monkeypatch.setattr(oidc.HubOIDCBackend, "get_token", lambda self, payload: tokens)

    answer = _callback(client, back)

    assert answer.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _refusals()[-1]["reason"] == "invalid_response"


def test_a_provider_that_is_down_breaks_neither_password_sign_in_nor_the_page(settings, make_user, client_on):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{closed.getsockname()[1]}"
    settings.HUB_OIDC_ENABLED = True
    settings.HUB_OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = "partnership-hub"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "tenants.oidc.HubOIDCBackend"]
    oidc._discovery_cache.clear()
    person = make_user(email="wren.adeyemi@alderley.example")
    person.set_password("a-long-enough-password")
    person.save()
    client = client_on(None)

    started = client.get("/oidc/authenticate/")
    assert started.status_code == 503 and "cannot be reached" in visible_text(started.content.decode())
    signed_in = client.post("/login/", {"username": person.email, "password": "a-long-enough-password"})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_without_configuration_there_is_no_button_and_no_oidc_address(client_on):
    client = client_on(None)

    assert 'data-testid="oidc-sign-in"' not in client.get("/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("userinfo", "id_token", "email"),
    [
        ({"email": "a@x.example", "email_verified": True}, {}, "a@x.example"),
        ({"email": "a@x.example"}, {"email": "b@x.example", "xms_edov": True}, "b@x.example"),  # Entra ID
        ({"email": "a@x.example", "email_verified": "true"}, {}, "a@x.example"),
        ({"email": "a@x.example", "email_verified": False}, {"email": "a@x.example"}, None),
        ({"email": "a@x.example"}, {"email": "a@x.example", "email_verified": False}, None),
    ],
)
def test_the_email_matched_is_one_its_source_says_it_verified(userinfo, id_token, email):
    claims = oidc.with_verified_email(userinfo, id_token)

    assert (claims["email"] if oidc._email_verified(claims) else None) == email
