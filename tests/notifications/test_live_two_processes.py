"""Two real server processes sharing the Redis channel layer: an action handled by one reaches a socket on the other.

Both uvicorn processes serve `hub.asgi:application` on the test run's database with REDIS_URL
set (so CHANNEL_LAYERS is channels_redis). A safeguarding officer's browser socket is open on
process 2; a colleague raises a concern through the form on process 1; the officer's socket
receives the notification, and a colleague on process 2 without the triage right does not.
"""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from core.dates import today
from tenants import services
from tenants.models import Organisation, Role
from tests.factories import UserFactory, verify_second_factor
from tests.notifications.servers import redis_server, subprocess_env, tenant_rows_removed, uvicorn_servers

HOST = "alderley.hub.localhost"
CSRF = "t" * 32
SUBJECT = ("Marisol", "Achterberg")  # fictional; must never travel over the live channel


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def two_servers(committing_db, redis_url) -> Iterator[tuple[int, int]]:
    env = subprocess_env(REDIS_URL=redis_url)
    with tenant_rows_removed("org_alderley"), uvicorn_servers(env, 2) as (first, second):
        yield first, second


def _cookie(user) -> str:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    verify_second_factor(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _socket(port: int, cookie: str):
    ws = connect(
        f"ws://{HOST}:{port}/ws/presence/",
        sock=socket.create_connection(("127.0.0.1", port)),
        additional_headers={"Cookie": cookie, "Origin": f"http://{HOST}:{port}"},
        open_timeout=10,
    )
    assert json.loads(ws.recv(timeout=10))["type"] == "hello"
    return ws


def _post_form(port: int, path: str, cookie: str, form: dict[str, str]) -> int:
    body = urlencode(form)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Host": HOST,
            "Cookie": f"{cookie}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


def _messages_within(ws, seconds: float) -> list[dict]:
    import time

    from websockets.exceptions import ConnectionClosed

    got, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            got.append(json.loads(ws.recv(timeout=left)))
        except TimeoutError:
            break
        except ConnectionClosed:
            break
    return got


def test_a_concern_raised_on_process_one_reaches_the_officers_socket_on_process_two(two_servers, world):
    first, second = two_servers
    alderley = Organisation.objects.get(pk=world.alderley)
    raiser, officer, organiser = UserFactory(), UserFactory(), UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=raiser, roles=[Role.REVIEWER])
    services.membership_grant(actor=None, organisation=alderley, user=officer, roles=[Role.SAFEGUARDING_OFFICER])
    services.membership_grant(actor=None, organisation=alderley, user=organiser, roles=[Role.ORGANISER])

    officer_ws = _socket(second, _cookie(officer))
    organiser_ws = _socket(second, _cookie(organiser))
    try:
        # Idle longer than the Redis client's default 5 s read timeout, which once ended every
        # idle consumer on the Redis layer (channels_redis blocks 5 s per receive).
        assert _messages_within(officer_ws, 7) == []
        status = _post_form(
            first,
            "/welfare/concerns/new/",
            _cookie(raiser),
            {
                "subject_kind": "student",
                "subject_given_name": SUBJECT[0],
                "subject_family_name": SUBJECT[1],
                "observed_on": (today() - timedelta(days=1)).isoformat(),
                "what_happened": "Spoke of a 'coming war' to classmates after the seminar.",
            },
        )
        officer_got = _messages_within(officer_ws, 5)
        organiser_got = _messages_within(organiser_ws, 0.5)
    finally:
        officer_ws.close()
        organiser_ws.close()

    assert status == 302
    assert officer_got and {m["type"] for m in officer_got} == {"notification"}, officer_got
    assert organiser_got == []  # same organisation and process, no triage right
    raw = json.dumps(officer_got)
    assert SUBJECT[0] not in raw and SUBJECT[1] not in raw
