"""Host-header tricks: none reaches B's data as a member of A.

B (the victim) is Alderley, A (the attacker's organisation) is Brackenford; Ada holds every
role in A and none in B. Each trick is tried on pages and the API, with her session and with
her API token, and the answer must be the refusal the table says, name nothing of B's, and
write nothing. X-Forwarded-Host is not trusted (`USE_X_FORWARDED_HOST` is off, and uvicorn's
`--proxy-headers` reads only X-Forwarded-Proto and X-Forwarded-For). An absolute URI in the
request line is tried against a real server (uvicorn on loopback), since the test client
cannot send one.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tenants import services
from tenants.models import Organisation, Role
from tests.factories import UserFactory, verify_second_factor
from tests.security.writes import per_table

B_HOST = "alderley.hub.localhost"
A_HOST = "brackenford.hub.localhost"
PATHS = ["/", "/people/", "/agreements/", "/api/v1/organisation/", "/api/v1/organisation/members/"]
B_MARKERS = ("Alderley University", "Benedikt Oyelaran-Voss")

# (trick, Host header, extra headers, expected status on B's paths for Ada's session)
TRICKS = [
    ("unknown organisation host", "zephyrcombe.hub.localhost", {}, 404),
    ("B's host with a port", f"{B_HOST}:8000", {}, 404),
    ("B's host in capitals", B_HOST.upper(), {}, 404),
    ("B's host with a trailing dot", f"{B_HOST}.", {}, 404),
    ("B's host, capitals, trailing dot and port", f"{B_HOST.upper()}.:80", {}, 404),
    ("B's host under another domain", f"{B_HOST}.evil.example", {}, 400),
    ("B's host, X-Forwarded-Host naming A", B_HOST, {"HTTP_X_FORWARDED_HOST": A_HOST}, 404),
    ("B's host, Forwarded naming A", B_HOST, {"HTTP_FORWARDED": f"host={A_HOST}"}, 404),
]


@pytest.fixture
def ada(org_a, org_b, member):
    """Ada holds every role in A (Brackenford); Ben is B's (Alderley's) Prevent lead."""
    member(org_a, Role.PREVENT_LEAD, full_name="Benedikt Oyelaran-Voss")
    return member(org_b, *Role.values, full_name="Ada Kowalczyk-Mbeki")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def _names_b(body: bytes) -> list[str]:
    return [marker for marker in B_MARKERS if marker.encode() in body]


@pytest.mark.parametrize(("trick", "host", "extra", "status"), TRICKS, ids=[t[0] for t in TRICKS])
def test_no_host_trick_reaches_b_as_a_member_of_a(ada, org_b, trick, host, extra, status, record_property):
    # given: Ada's session, and her API token (issued by A)
    session = _signed_in(ada)
    _, raw = services.api_token_create(actor=ada, organisation=org_b, name="tricks")
    token = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    before = per_table()
    wrong = []

    # when: every path, with her session and with her token
    for path in PATHS:
        for how, client, headers in (("session", session, {}), ("token", Client(), token)):
            response = client.get(path, HTTP_HOST=host, **extra, **headers)
            connection.set_schema_to_public()
            if how == "token" and status == 404:
                expected = 401 if path.startswith("/api/") else 302  # a token from A is refused on B's host
            else:
                expected = status
            if response.status_code != expected or _names_b(response.content):
                wrong.append(
                    f"{trick}: GET {path} ({how}) -> {response.status_code}, expected {expected}, "
                    f"names {_names_b(response.content)}"
                )

    # then
    record_property("attack_cases", 2 * len(PATHS))
    assert not wrong, "\n".join(wrong)
    assert per_table() == before


@pytest.mark.parametrize("path", ["/", "/people/", "/api/v1/organisation/"])
def test_a_host_outside_the_allowed_hosts_gets_a_400_not_a_500(db, world, path):
    # Before the fix in hub.hosts._port_suffix, the 400 page asked for the refused host again and
    # raised inside the error handler: a 500 and a traceback in the error log for any bad Host header.
    client = Client(raise_request_exception=False)

    response = client.get(path, HTTP_HOST=f"{B_HOST}.evil.example")

    assert response.status_code == 400
    assert not _names_b(response.content)


@pytest.mark.parametrize(
    "extra",
    [{"HTTP_X_FORWARDED_HOST": B_HOST}, {"HTTP_FORWARDED": f"host={B_HOST}"}],
    ids=["x-forwarded-host", "forwarded"],
)
def test_a_forwarded_host_naming_b_is_ignored_on_as_own_host(ada, org_b, extra):
    # given: Ada on her own organisation's host, with a header naming B's host
    client = _signed_in(ada)
    client.defaults["HTTP_HOST"] = A_HOST

    # when
    page = client.get("/", **extra)
    api = client.get("/api/v1/organisation/", **extra)

    # then: A is served, as without the header; nothing of B
    assert page.status_code == 200 and "Brackenford University" in page.content.decode()
    assert api.status_code == 200 and api.json()["slug"] == "brackenford"
    assert not _names_b(page.content + api.content)
    assert settings.USE_X_FORWARDED_HOST is False


# --- An absolute URI in the request line, against a real server ------------------------------------


@pytest.fixture
def server(committing_db) -> Iterator[int]:
    """uvicorn serving `hub.asgi` on a free loopback port, in a thread of this process (as production runs it)."""
    import uvicorn

    from hub.asgi import application

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    running = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, lifespan="off", log_level="warning", proxy_headers=True
        )
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def _raw_get(port: int, request_line_target: str, host: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Send `GET <target> HTTP/1.1` with `Host: host` byte for byte; the status and body."""
    lines = [
        f"GET {request_line_target} HTTP/1.1",
        f"Host: {host}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def test_an_absolute_uri_naming_b_in_the_request_line_does_not_reach_b(server, world):
    # given: Ada, every role in A, with a session cookie and an API token of A's (committed: a real server)
    org_a = Organisation.objects.get(pk=world.brackenford)
    ada = UserFactory(full_name="Ada Kowalczyk-Mbeki")
    services.membership_grant(actor=None, organisation=org_a, user=ada, roles=list(Role.values))
    _, raw = services.api_token_create(actor=ada, organisation=org_a, name="request line")
    client = _signed_in(ada)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    # when: the request line names B's host, the Host header A's (and the reverse)
    token_api = _raw_get(server, f"http://{B_HOST}/api/v1/organisation/", A_HOST, {"Authorization": f"Bearer {raw}"})
    session_page = _raw_get(server, f"http://{B_HOST}/people/", A_HOST, {"Cookie": cookie})
    reverse_page = _raw_get(server, f"http://{A_HOST}/people/", B_HOST, {"Cookie": cookie})
    reverse_api = _raw_get(server, f"http://{A_HOST}/api/v1/organisation/", B_HOST, {"Authorization": f"Bearer {raw}"})

    # then: the Host header decides, and it is A's (A's data) or B's (refused); never B's data
    assert token_api[0] == 200 and json.loads(token_api[1])["slug"] == "brackenford", token_api
    assert session_page[0] == 200 and not _names_b(session_page[1])
    assert reverse_page[0] == 404 and not _names_b(reverse_page[1])
    assert reverse_api[0] == 401 and not _names_b(reverse_api[1])
