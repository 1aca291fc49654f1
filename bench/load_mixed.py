"""A mixed workload against a running hub, from a second process: searches, page views, decisions and shares.

    .venv/bin/python -m bench.load_mixed --seconds 60 [--threads 8] [--requests 150]

On a throwaway database (on DATABASE_URL's server, else the embedded one) it migrates, creates two
providers with an agreement in force between them, submits and assesses `--requests` speaker
requests at the first (decided ones are shared on decision and re-shared), and starts the hub as
`python3 dev.py serve` does (one uvicorn process, `hub.settings.dev`). A second process then runs
`--threads` clients for `--seconds` seconds, each picking at random:

* search: the exchange's name search as the other provider, half through the API
  (`POST /api/v1/exchange/search/`, bearer token) and half through the page (`POST /exchange/`);
* page: a signed-in page view (dashboard, register, a request, the shared register, ...);
* decide: a decision on an assessed request (`POST /api/v1/speakers/requests/<id>/decide/`);
* share: re-sharing a decided request's checks (`POST /speakers/<id>/share/`, the page's button).

It prints requests served, req/s, p50/p95 per kind and overall, and the 5xx count (target zero),
then drops the database. People sign in through sessions made directly (Django's test client's
`force_login` plus django-otp's verified-device key, as the sign-in page leaves them) or API tokens,
so changes to the sign-in form do not change this load. `tests/ops/test_load_mixed.py` runs the
same seeding and client against a test server for a few seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("search", "page", "decide", "share")
WEIGHTS = {"search": 40, "page": 35, "decide": 15, "share": 10}

_SYLLABLES = ["ra", "mi", "ko", "ta", "len", "dor", "vi", "sa", "nu", "bel", "quin", "zo", "fa", "ril", "mo", "tes"]


def fictional_names(count: int, seed: int = 13) -> list[str]:
    """`count` distinct invented two-part names built from syllables (never real people)."""
    rng, names = random.Random(seed), set()
    while len(names) < count:
        given = "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
        family = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
        names.add(f"{given} {family}")
    return sorted(names)


# --- seeding (in a process with Django set up, on the database the hub will serve) -------------


def _person(organisation: Any, *roles: str) -> Any:
    from tenants.models import User
    from tenants.services import membership_grant

    tag = secrets.token_hex(4)
    user = User.objects.create_user(f"load-{tag}@load.example", secrets.token_urlsafe(16), full_name=f"Load {tag}")
    membership_grant(actor=None, organisation=organisation, user=user, roles=list(roles))
    return user


def _session_cookie(user: Any, host: str) -> str:
    """A signed-in session for `user` that has passed the second factor, as a Cookie header value."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST=host)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Load test authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _agreement(org_a: Any, org_b: Any) -> Any:
    from agreements import services
    from agreements.isa_templates import TEMPLATES
    from core.dates import today

    parties = [org_a, org_b]
    lead, signatories = _person(org_a, "prevent_lead"), {o.pk: _person(o, "signatory") for o in parties}
    for organisation in parties[1:]:
        _person(organisation, "prevent_lead")
    terms = TEMPLATES["network_speaker_checks"].terms([o.slug for o in parties], today=today())
    agreement = services.agreement_create(
        actor=lead,
        organisation=org_a,
        parties=[o.slug for o in parties],
        terms=terms,
        template="network_speaker_checks",
    )
    services.agreement_propose(actor=signatories[org_a.pk], organisation=org_a, agreement=agreement)
    for organisation in parties:
        agreement.refresh_from_db()
        number = (agreement.pending_version or agreement.current_version).number
        services.agreement_sign(
            actor=signatories[organisation.pk], organisation=organisation, agreement=agreement, version_number=number
        )
    return agreement


def _requests(org_a: Any, count: int, names: list[str], decided: int) -> tuple[list[int], list[int], Any]:
    """Submit and assess `count` low-risk requests at `org_a` and decide the first `decided`.

    Returns (ids left assessed, ids decided, the reviewer who decides).
    """
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from speakers.selectors import mitigation_catalogue
    from speakers.services import (
        AssessmentInput,
        DecisionInput,
        EventDetails,
        SpeakerDetails,
        event_request_assess,
        event_request_decide,
        event_request_submit,
    )

    organiser, reviewer = _person(org_a, "organiser"), _person(org_a, "reviewer")
    assessed, done = [], []
    with tenant_context(org_a):
        mitigation_catalogue()
        starts = (timezone.localtime() + dt.timedelta(days=45)).replace(hour=18, minute=0, second=0, microsecond=0)
        for n in range(count):
            request = event_request_submit(
                actor=organiser,
                details=EventDetails(
                    title=f"Load test debate {n}",
                    starts_at=starts,
                    venue="Lecture theatre 2",
                    format="in_person",
                    open_to_public=True,
                    expected_audience=80,
                    organising_body="Debating Society",
                ),
                speakers=[SpeakerDetails(name=names[n % len(names)], affiliation="Institute of Place", topic="Cities")],
            )
            event_request_assess(
                actor=reviewer,
                event_request=request,
                data=AssessmentInput(
                    risk_level="low",
                    criteria_met=[],
                    free_speech_considerations="Lawful academic debate.",
                    risk_summary="Public event.",
                    mitigations=[],
                ),
            )
            if n < decided:
                request.refresh_from_db()
                event_request_decide(
                    actor=reviewer,
                    event_request=request,
                    data=DecisionInput(outcome="approved", reasons="Lawful debate; no risk factors found."),
                )
                done.append(request.pk)
            else:
                assessed.append(request.pk)
    return assessed, done, reviewer


def seed(org_a: Any, org_b: Any, *, requests: int = 200, decided: int = 20) -> dict[str, Any]:
    """Everything the clients need, as JSON-able data: hosts, tokens, session cookies, ids and names.

    `org_a` decides and shares; `org_b` searches for the speakers `org_a` shared. Writes committed
    rows (people, an agreement, requests, shared checks) into the database Django points at.
    """
    from django.conf import settings

    from tenants.services import api_token_create

    names = fictional_names(max(requests // 2, 10))
    _agreement(org_a, org_b)
    assessed, decided_ids, reviewer = _requests(org_a, requests, names, decided)
    host_a, host_b = (f"{o.slug}.{settings.HUB_BASE_DOMAIN}" for o in (org_a, org_b))
    lead_a, lead_b = _person(org_a, "prevent_lead"), _person(org_b, "prevent_lead")
    _, decide_token = api_token_create(actor=reviewer, organisation=org_a, name="load test decisions")
    _, search_token = api_token_create(actor=lead_b, organisation=org_b, name="load test searches")
    return {
        "host_a": host_a,
        "host_b": host_b,
        "cookie_a": _session_cookie(lead_a, host_a),
        "cookie_b": _session_cookie(lead_b, host_b),
        "decide_token": decide_token,
        "search_token": search_token,
        "assessed": assessed,
        "decided": decided_ids,
        "names": names,
        "pages_a": ["/", "/speakers/", "/exchange/", "/exchange/shared/", "/agreements/"]
        + [f"/speakers/{pk}/" for pk in decided_ids[:10]],
        "pages_b": ["/", "/exchange/", "/agreements/"],
    }


# --- the clients (a second process) ---------------------------------------------------------


class _Pool:
    """Request ids shared by the client threads: assessed ones are decided once, decided ones re-shared."""

    def __init__(self, assessed: list[int], decided: list[int]) -> None:
        self.lock = threading.Lock()
        self.assessed, self.decided = list(assessed), list(decided)

    def to_decide(self) -> int | None:
        with self.lock:
            return self.assessed.pop() if self.assessed else None

    def was_decided(self, pk: int) -> None:
        with self.lock:
            self.decided.append(pk)

    def to_share(self, rng: random.Random) -> int | None:
        with self.lock:
            return rng.choice(self.decided) if self.decided else None


_CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _call(
    connection: http.client.HTTPConnection,
    method: str,
    host: str,
    path: str,
    *,
    body: bytes | None = None,
    **headers: str,
) -> int:
    connection.request(method, path, body=body, headers={"Host": host, **headers})
    response = connection.getresponse()
    response.read()
    return response.status


def _json_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _one(
    kind: str, plan: dict[str, Any], pool: _Pool, rng: random.Random, conn: http.client.HTTPConnection
) -> tuple[str, int]:
    """Make one request of `kind`; returns the kind made (a page view when none is left to decide) and the status."""
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": _CSRF}
    if kind == "decide":
        pk = pool.to_decide()
        if pk is not None:
            body = json.dumps({"outcome": "approved", "reasons": "Lawful debate; no risk factors found."}).encode()
            path = f"/api/v1/speakers/requests/{pk}/decide/"
            status = _call(conn, "POST", plan["host_a"], path, body=body, **_json_headers(plan["decide_token"]))
            if status == 200:
                pool.was_decided(pk)
            return kind, status
        kind = "page"
    if kind == "share":
        pk = pool.to_share(rng)
        if pk is not None:
            cookie = f"{plan['cookie_a']}; csrftoken={_CSRF}"
            return kind, _call(
                conn, "POST", plan["host_a"], f"/speakers/{pk}/share/", body=b"", Cookie=cookie, **form_headers
            )
        kind = "page"
    if kind == "search":
        name = rng.choice(plan["names"])
        if rng.random() < 0.5:
            body = json.dumps({"name": name}).encode()
            path = "/api/v1/exchange/search/"
            return kind, _call(conn, "POST", plan["host_b"], path, body=body, **_json_headers(plan["search_token"]))
        from urllib.parse import urlencode

        cookie = f"{plan['cookie_b']}; csrftoken={_CSRF}"
        body = urlencode({"name": name}).encode()
        return kind, _call(conn, "POST", plan["host_b"], "/exchange/", body=body, Cookie=cookie, **form_headers)
    on_a = rng.random() < 0.7
    host, cookie, pages = (
        (plan["host_a"], plan["cookie_a"], plan["pages_a"])
        if on_a
        else (plan["host_b"], plan["cookie_b"], plan["pages_b"])
    )
    return "page", _call(conn, "GET", host, rng.choice(pages), Cookie=cookie)


def run_clients(plan: dict[str, Any], *, port: int, seconds: float, threads: int, seed: int = 1) -> dict[str, Any]:
    """Run `threads` clients against 127.0.0.1:`port` for `seconds`; returns the figures (see `summarise`)."""
    pool = _Pool(plan["assessed"], plan["decided"])
    samples: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                made, status = _one(kind, plan, pool, rng, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                made, status = kind, 599  # no answer at all: counted with the 5xx
            with lock:
                samples.append((made, status, time.perf_counter() - started))
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return summarise(samples, time.perf_counter() - started, threads=threads)


_EXPECTED = {"search": {200}, "page": {200}, "decide": {200}, "share": {302}}


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))]


def summarise(samples: list[tuple[str, int, float]], elapsed: float, *, threads: int) -> dict[str, Any]:
    """Per kind and overall: requests, req/s, p50/p95 (ms), 5xx and other unexpected statuses."""

    def figures(rows: list[tuple[str, int, float]], expected: set[int] | None) -> dict[str, Any]:
        times = sorted(t for _, _, t in rows)
        statuses: dict[int, int] = defaultdict(int)
        for _, status, _ in rows:
            statuses[status] += 1
        return {
            "requests": len(rows),
            "rps": round(len(rows) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "p95_ms": round(_percentile(times, 0.95) * 1000, 1) if times else None,
            "5xx": sum(n for s, n in statuses.items() if s >= 500),
            "unexpected": {
                str(s): n for s, n in sorted(statuses.items()) if s < 500 and expected is not None and s not in expected
            },
        }

    by_kind = {kind: figures([r for r in samples if r[0] == kind], _EXPECTED[kind]) for kind in KINDS}
    overall = figures(samples, None)
    overall["unexpected"] = {}
    for kind in KINDS:
        for status, n in by_kind[kind]["unexpected"].items():
            overall["unexpected"][status] = overall["unexpected"].get(status, 0) + n
    return {"seconds": round(elapsed, 1), "threads": threads, "kinds": by_kind, "overall": overall}


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table (as in README "Measured")."""
    lines = [
        f"{result['threads']} clients for {result['seconds']} s",
        "",
        "| kind | requests | req/s | p50 ms | p95 ms | 5xx | other unexpected |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in [*result["kinds"].items(), ("all", result["overall"])]:
        unexpected = ", ".join(f"{s}: {n}" for s, n in row["unexpected"].items()) or "none"
        cells = [name, row["requests"], row["rps"], row["p50_ms"], row["p95_ms"], row["5xx"], unexpected]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


# --- the whole run from the command line ----------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not listen on {port} within {timeout:.0f} s")


def _prepare(requests: int) -> dict[str, Any]:
    """Migrate the throwaway database, create two providers and seed them (in this process)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate_schemas", "--executor=multiprocessing", verbosity=0)
    from tenants.models import OrganisationKind
    from tenants.services import organisation_create

    org_a = organisation_create(
        actor=None, name="Loadbridge University", slug="loadbridge", kind=OrganisationKind.PROVIDER
    )
    org_b = organisation_create(
        actor=None, name="Stresswood University", slug="stresswood", kind=OrganisationKind.PROVIDER
    )
    return seed(org_a, org_b, requests=requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--requests", type=int, default=150, help="Assessed requests seeded for decisions.")
    parser.add_argument("--client", metavar="PLAN", help="Only run the clients with this plan file (JSON).")
    parser.add_argument("--port", type=int, help="With --client: the hub's port on 127.0.0.1.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON instead of a table.")
    args = parser.parse_args(argv)
    if args.client:
        plan = json.loads(Path(args.client).read_text(encoding="utf-8"))
        result = run_clients(plan, port=args.port, seconds=args.seconds, threads=args.threads)
        print(json.dumps(result) if args.json else table(result))  # noqa: T201
        return 0

    sys.path.insert(0, str(ROOT))
    from bench.throwaway_db import use_throwaway_database

    drop = use_throwaway_database("load")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"  # what `python3 dev.py serve` runs
    server = None
    try:
        started = time.perf_counter()
        plan = _prepare(args.requests)
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)  # noqa: T201
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"],
            cwd=ROOT, env=dict(os.environ),
        )  # fmt: skip
        _wait_for(port, server)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(plan, handle)
        try:
            command = [sys.executable, "-m", "bench.load_mixed", "--client", handle.name, "--port", str(port),
                       "--seconds", str(args.seconds), "--threads", str(args.threads)]  # fmt: skip
            if args.json:
                command.append("--json")
            return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
        finally:
            os.unlink(handle.name)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop()


if __name__ == "__main__":
    sys.exit(main())
