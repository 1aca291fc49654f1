"""An organisation you cannot see and one that does not exist give one answer, byte for byte.

The table runs every kind of visitor (anonymous, a signed-in member of another
organisation, an API token of another organisation) over pages, the API and the schema,
on an existing organisation's host and on an unknown one, and compares whole responses:
status, headers (all but Date) and body (with the per-response CSRF mask removed).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants import services
from tests.factories import verify_second_factor

EXISTING = "alderley.hub.localhost"
UNKNOWN = "zephyrcombe.hub.localhost"  # well-formed, served by no organisation

PATHS = [
    ("get", "/"),
    ("get", "/exchange/"),
    ("get", "/exchange/search/"),
    ("get", "/people/"),
    ("post", "/exchange/"),
    ("get", "/api/schema/"),
    ("get", "/api/v1/organisation/"),
    ("get", "/api/v1/exchange/shared/"),
    ("post", "/api/v1/exchange/search/"),
    ("get", "/no/such/page/"),
]
VISITORS = ["anonymous", "signed_in_non_member", "token_of_another_organisation"]

_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def _snapshot(response, host: str) -> tuple[int, dict[str, str], bytes]:
    """The response with the host the client itself sent (echoed in `next=`) written as HOST."""
    headers = {
        name.lower(): value.replace(host, "HOST") for name, value in response.headers.items() if name.lower() != "date"
    }
    body = b"".join(response.streaming_content) if response.streaming else response.content
    body = _CSRF_VALUE.sub(rb"\1-\2", body).replace(host.encode(), b"HOST")
    return response.status_code, headers, body


@pytest.fixture
def visitor(request, org_b, member):
    kind = request.param
    client = Client()
    headers: dict[str, str] = {}
    if kind == "signed_in_non_member":
        client.force_login(person := member(org_b, "prevent_lead"))
        verify_second_factor(client, person)
    elif kind == "token_of_another_organisation":
        _, raw = services.api_token_create(actor=member(org_b, "prevent_lead"), organisation=org_b, name="script")
        headers["Authorization"] = f"Bearer {raw}"
    # Warm up once so the CSRF cookie is already set and neither answer below sets it.
    client.get("/", HTTP_HOST=EXISTING, **{f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return kind, client, headers


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize(("method", "path"), PATHS)
def test_an_existing_organisation_and_an_unknown_one_answer_a_stranger_identically(visitor, method, path):
    kind, client, headers = visitor
    extra = {f"HTTP_{k.upper()}": v for k, v in headers.items()}

    def ask(host: str):
        return getattr(client, method)(path, HTTP_HOST=host, **extra)

    existing, unknown = _snapshot(ask(EXISTING), EXISTING), _snapshot(ask(UNKNOWN), UNKNOWN)

    assert existing == unknown, f"{kind} {method.upper()} {path}"
    assert existing[0] != 200 or path == "/api/schema/"  # nobody got in


@pytest.mark.parametrize("path", ["/", "/exchange/", "/people/", "/agreements/"])
def test_anonymous_people_get_the_same_sign_in_redirect_on_any_organisation_host(db, client, world, path):
    for host in (EXISTING, UNKNOWN):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 302
        assert response["Location"].startswith("http://hub.localhost/login/?next=")


def test_a_signed_in_stranger_sees_the_same_words_on_an_existing_and_an_unknown_host(client, org_b, member):
    client.force_login(person := member(org_b, "reviewer"))
    verify_second_factor(client, person)

    pages = [client.get("/", HTTP_HOST=host) for host in (EXISTING, UNKNOWN)]

    for page in pages:
        assert page.status_code == 404
        assert "There is nothing here, or you do not have access to it" in page.content.decode()
        assert "No organisation is served at this address" not in page.content.decode()
        assert "Alderley" not in page.content.decode()


@pytest.mark.parametrize(
    "host",
    ["ALDERLEY.hub.localhost", "Alderley.Hub.Localhost", "alderley.hub.localhost.", "ALDERLEY.HUB.LOCALHOST.:80"],
)
def test_a_host_name_in_any_case_or_with_a_trailing_dot_reaches_the_same_organisation(client, org_a, member, host):
    client.force_login(person := member(org_a, "reviewer"))
    verify_second_factor(client, person)

    response = client.get("/", HTTP_HOST=host)

    assert response.status_code == 200
    assert "Alderley University" in response.content.decode()
