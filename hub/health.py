"""Health endpoints for load balancers and orchestrators: /healthz (liveness) and /readyz (readiness).

* ``GET /healthz`` answers 200 ``{"status": "ok"}`` while the process can answer at all. It touches
  nothing else, so a database outage never makes an orchestrator restart every web process.
* ``GET /readyz`` runs three checks and answers 200 when all pass, 503 otherwise:

  - ``database``: ``SELECT 1`` on the default database (public schema);
  - ``channel_layer``: a message sent to a fresh channel of the channel layer and received back
    within ``CHANNEL_TIMEOUT_SECONDS`` (Redis in production, so live notifications can cross
    processes);
  - ``master_key``: ``HUB_MASTER_KEY`` (and ``HUB_MASTER_KEY_PREVIOUS``) load and are well formed.

  The body is ``{"status": "ok"|"failed", "checks": {name: {"status": "ok"|"failed",
  "ms": float, "error": str}}}``; ``error`` (only on failure) is the exception's class name or a
  fixed phrase, never a message, a host name, a key or a password.

Both are answered by `hub.middleware.BareLocalhostRedirectMiddleware` on any host, before tenant
resolution and the host check, so a probe may use the pod's address; production exempts both from
the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``), because a probe that follows a redirect would
count the redirect as healthy without running a check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("hub.health")

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
PATHS = frozenset({LIVENESS_PATH, READINESS_PATH})

# The database alias the readiness check asks (a module attribute so a test can aim it at a
# real but unreachable server).
DATABASE_ALIAS = "default"
# Seconds the channel-layer round trip may take before the check fails (well under the
# readiness probe's own timeout in deploy/k8s/web.yaml).
CHANNEL_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: its name, whether it passed, its duration (ms) and, on failure, a safe reason."""

    name: str
    ok: bool
    ms: float
    error: str = ""

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"status": "ok" if self.ok else "failed", "ms": round(self.ms, 1)}
        if not self.ok:
            body["error"] = self.error
        return body


def _timed(name: str, check: Callable[[], None]) -> CheckResult:
    """Run `check` (which raises on failure) and time it; a failure keeps only the exception's class name."""
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 (any failure makes the process unready; the class name says which)
        elapsed = (time.perf_counter() - started) * 1000
        reason = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        logger.warning("readiness check %s failed: %s", name, reason)
        return CheckResult(name, False, elapsed, reason)
    return CheckResult(name, True, (time.perf_counter() - started) * 1000)


def check_database(alias: str | None = None) -> CheckResult:
    """``SELECT 1`` on database `alias` (default: ``DATABASE_ALIAS``) in the public schema.

    Never raises: a refused connection, an unknown alias or a failed query is a failed result.
    """

    def run() -> None:
        connection = connections[alias or DATABASE_ALIAS]
        set_public = getattr(connection, "set_schema_to_public", None)
        if set_public is not None:
            set_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise RuntimeError("unexpected answer")

    return _timed("database", run)


async def _round_trip(timeout: float) -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    nonce = secrets.token_hex(8)

    async def send_and_receive() -> None:
        channel = await layer.new_channel("health.")
        await layer.send(channel, {"type": "health.ping", "nonce": nonce})
        message = await layer.receive(channel)
        if message.get("nonce") != nonce:
            raise RuntimeError("wrong message received")

    try:
        await asyncio.wait_for(send_and_receive(), timeout)
    except asyncio.TimeoutError:
        raise TimeoutError from None


def check_channel_layer(timeout: float | None = None) -> CheckResult:
    """Send a message to a new channel of the default channel layer and receive it within `timeout` seconds.

    `timeout` defaults to ``CHANNEL_TIMEOUT_SECONDS``. Never raises: an unreachable Redis or a
    round trip slower than `timeout` is a failed result (``error`` "timeout" for the latter).
    """
    limit = CHANNEL_TIMEOUT_SECONDS if timeout is None else timeout
    return _timed("channel_layer", lambda: async_to_sync(_round_trip)(limit))


def check_master_key() -> CheckResult:
    """The master key (and any previous keys) load from the environment and are well formed. Never raises."""

    def run() -> None:
        from core.keys import check_master_key as problems_with_master_key

        if problems_with_master_key():
            raise LookupError("master key missing or malformed")

    result = _timed("master_key", run)
    if not result.ok:  # a fixed phrase: the class name LookupError would say less
        return CheckResult(result.name, False, result.ms, "missing or malformed")
    return result


def readiness() -> tuple[bool, dict[str, object]]:
    """Run every readiness check; return (all passed, the JSON body described in the module docstring)."""
    results = [check_database(), check_channel_layer(), check_master_key()]
    ready = all(result.ok for result in results)
    body = {"status": "ok" if ready else "failed", "checks": {r.name: r.as_json() for r in results}}
    return ready, body


def _json(body: dict[str, object], status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def respond(request: HttpRequest) -> HttpResponse:
    """Answer a request for ``/healthz`` or ``/readyz`` (the caller has checked `request.path` is in PATHS)."""
    if request.path == LIVENESS_PATH:
        return _json({"status": "ok"}, 200)
    ready, body = readiness()
    return _json(body, 200 if ready else 503)
