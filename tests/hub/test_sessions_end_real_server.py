"""The same promise over real sockets: a uvicorn server on a TCP port, a WebSocket client, HTTP requests.

The server runs in a thread of this process (so it shares the in-memory channel layer and
the test database); the socket and the requests that end the session travel over TCP
exactly as a browser's would.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from hub.consumers import SESSION_ENDED
from tenants import services
from tenants.models import Membership, Organisation
from tests.factories import verify_second_factor

HOST = "alderley.hub.localhost"
CSRF = "k" * 32  # a CSRF secret we choose, sent as cookie and header like a browser's form would


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(committing_db) -> Iterator[int]:
    import uvicorn

    from hub.asgi import application

    port = _free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, lifespan="off", log_level="warning", ws="websockets"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def _session_cookie(user) -> str:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    verify_second_factor(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _open_socket(port: int, cookie: str):
    sock = socket.create_connection(("127.0.0.1", port))
    ws = connect(
        f"ws://{HOST}:{port}/ws/presence/",
        sock=sock,
        additional_headers={"Cookie": cookie, "Origin": f"http://{HOST}:{port}"},
        open_timeout=5,
    )
    assert '"hello"' in ws.recv(timeout=5)
    return ws


def _post(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        path,
        body="",
        headers={"Host": HOST, "Cookie": f"{cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF, "Content-Length": "0"},
    )
    status = conn.getresponse().status
    conn.close()
    return status


def _closed_within_two_seconds(ws) -> tuple[int, float]:
    started = time.monotonic()
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = ws.recv(timeout=2)
            raise AssertionError(f"received after the change: {message}")
    return closed.value.rcvd.code, time.monotonic() - started


@pytest.fixture
def people(world, committing_db):
    from tests.factories import UserFactory

    alderley = Organisation.objects.get(pk=world.alderley)
    admin, person = UserFactory(), UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=admin, roles=["org_admin"])
    services.membership_grant(actor=None, organisation=alderley, user=person, roles=["reviewer"])
    return alderley, admin, person


def test_signing_out_over_http_closes_the_open_websocket_within_two_seconds(server, people):
    _, _, person = people
    cookie = _session_cookie(person)
    ws = _open_socket(server, cookie)

    status = _post(server, "/logout/", cookie)
    code, elapsed = _closed_within_two_seconds(ws)

    assert status == 302
    assert code == SESSION_ENDED and elapsed < 2


def test_removing_the_member_on_the_people_page_closes_their_websocket_within_two_seconds(server, people):
    alderley, admin, person = people
    ws = _open_socket(server, _session_cookie(person))
    membership = Membership.objects.get(user=person, organisation=alderley)

    status = _post(server, f"/people/{membership.pk}/remove/", _session_cookie(admin))
    code, elapsed = _closed_within_two_seconds(ws)

    assert status == 302
    assert code == SESSION_ENDED and elapsed < 2
    assert not Membership.objects.filter(pk=membership.pk).exists()
