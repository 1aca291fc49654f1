"""The hub's ASGI application plus one benchmark-only endpoint that notifies and stamps each commit.

Served only by `bench/notifications_ws.py` (never by the product): ``POST /__bench/notify``
with a JSON body ``{"users": [ids] | null, "interval": seconds}`` runs, for each user id (or
once for everyone when ``users`` is null), one transaction that calls
`notifications.services.notify`, and answers ``{notification_id: commit_time}`` where
commit_time is `time.time()` taken the moment the transaction committed (the first after-commit
callback; `notify`'s sends are queued after it). Clients on the same machine compare their
receipt time against it.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections, transaction

from hub.asgi import application as hub_application

SCHEMA = "org_benchmark"
# BENCH_PERSON_SENDS_MAX=n overrides `notifications.services.PERSON_SENDS_MAX` (per-person sends
# up to n recipients, one organisation message above), to compare the two routes.
PERSON_SENDS_MAX = os.environ.get("BENCH_PERSON_SENDS_MAX")


def _notify_run(users: list[int] | None, interval: float) -> dict[int, float]:
    from notifications import services
    from notifications.kinds import Kind
    from notifications.services import notify

    if PERSON_SENDS_MAX is not None:
        services.PERSON_SENDS_MAX = int(PERSON_SENDS_MAX)
    from tenants.scopes import Scope

    stamps: dict[int, float] = {}
    close_old_connections()
    try:
        for user_id in users if users is not None else [None]:
            committed: list[float] = []
            with transaction.atomic():
                transaction.on_commit(lambda stamps=committed: stamps.append(time.time()))
                stored = notify(
                    Kind.PAPERS_OUT,
                    organisation=SCHEMA,
                    scope=Scope.ORG_READ,
                    text="Papers are out for a meeting at the Benchmark Organisation",
                    url="/",
                    users=None if user_id is None else [user_id],
                )
            for notification in stored:
                stamps[notification.pk] = committed[0]
            if interval:
                time.sleep(interval)
    finally:
        close_old_connections()
    return stamps


async def _read_body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == "/__bench/notify" and scope["method"] == "POST":
        request = json.loads(await _read_body(receive) or b"{}")
        stamps = await sync_to_async(_notify_run, thread_sensitive=False)(
            request.get("users"), float(request.get("interval", 0))
        )
        body = json.dumps(stamps).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
        return
    await hub_application(scope, receive, send)
