"""Plain HTTP and WebSocket clients for the fault tests (real sockets to a uvicorn on loopback)."""

from __future__ import annotations

import http.client
import json
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

CSRF = "t" * 32
HOST_SUFFIX = ".hub.localhost"
# What an error page must never show: a traceback, the driver's words, or where the database is.
LEAKS = (b"Traceback", b"psycopg", b"OperationalError", b"connection to server", b"postgresql://", b"redis://",
         b"Marchetti", b"Tupou", b'File "')  # fmt: skip


@dataclass
class Outcome:
    """One request: when it started and ended (time.monotonic()), what it was, its status (0: no answer)."""

    what: str
    started: float
    ended: float
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    @property
    def millis(self) -> float:
        return (self.ended - self.started) * 1000


def request(
    port: int, slug: str, method: str, path: str, cookie: str, form: dict[str, str] | None = None, timeout: float = 30
) -> Outcome:
    """One request on a new connection to `slug`'s host; a connection error is status 0, never raised."""
    headers = {"Host": f"{slug}{HOST_SUFFIX}", "Cookie": f"{cookie}; csrftoken={CSRF}"}
    body = None
    if method == "POST":
        body = urlencode(form or {})
        headers.update({"X-CSRFToken": CSRF, "Content-Type": "application/x-www-form-urlencoded"})
    started = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        status, content = response.status, response.read()
        conn.close()
    except (OSError, http.client.HTTPException) as exc:
        status, content = 0, type(exc).__name__.encode()
    return Outcome(f"{method} {path}", started, time.monotonic(), status, content)


def concern_form(n: int) -> dict[str, str]:
    """A welfare concern form (fictional subject), as the raise-a-concern page posts it."""
    from core.dates import today

    return {
        "subject_kind": "student",
        "subject_given_name": "Ottoline",
        "subject_family_name": f"Vasquez-Hale {n}",
        "observed_on": (today() - timedelta(days=1)).isoformat(),
        "what_happened": "Spoke of a 'coming war' to classmates after the seminar.",
    }


def presence_socket(port: int, slug: str, cookie: str) -> Any:
    """An open /ws/presence/ socket for `slug`'s host, past its hello; raises if it is refused."""
    from websockets.sync.client import connect

    host = f"{slug}{HOST_SUFFIX}"
    ws = connect(
        f"ws://{host}:{port}/ws/presence/",
        sock=socket.create_connection(("127.0.0.1", port), timeout=10),
        additional_headers={"Cookie": cookie, "Origin": f"http://{host}:{port}"},
        open_timeout=10,
    )
    hello = json.loads(ws.recv(timeout=10))
    assert hello["type"] == "hello", hello
    return ws


def first_message(ws: Any, wanted: Any, seconds: float) -> dict[str, Any] | None:
    """The first message for which `wanted(message)` is true within `seconds`; None if none came (or it closed)."""
    from websockets.exceptions import ConnectionClosed

    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(ws.recv(timeout=left))
        except (TimeoutError, ConnectionClosed):
            return None
        if wanted(message):
            return message
    return None


def messages_within(ws: Any, seconds: float) -> list[dict[str, Any]] | None:
    """What the socket receives within `seconds`; None if the server closed it."""
    from websockets.exceptions import ConnectionClosed

    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            got.append(json.loads(ws.recv(timeout=left)))
        except TimeoutError:
            break
        except ConnectionClosed:
            return None
    return got
