"""Live notifications at 1,000 open sockets: two uvicorn processes on Redis vs one on the in-memory layer.

    DATABASE_URL=postgresql://… .venv/bin/python bench/notifications_ws.py [--clients 1000] [--stream 200]

On a throwaway database it creates one organisation and N people (each a member with a
session), then for each setup:

* **redis**: two uvicorn processes (`bench.notify_app`, the hub's application plus a
  benchmark-only notify endpoint) with REDIS_URL set, clients split evenly over both; the
  notifications are committed in process 1.
* **memory**: one uvicorn process with the in-memory channel layer, every client on it.

It opens N WebSocket clients (`websockets`, asyncio; 50 handshakes in flight) and reports
connections per second; then a stream of `notify()` calls, each one transaction to one
random person, 20 ms apart; then one broadcast (`notify()` to all N people in one
transaction). Latency is receipt time minus the time the transaction committed, both
`time.time()` on this machine. Redis: REDIS_URL if set, else a private `redis-server`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway_db import use_throwaway_database  # noqa: E402

SLUG = "benchmark"
UNUSABLE = "!"  # Django's mark for an unusable password: the benchmark's people sign in by session only
HOST = f"{SLUG}.hub.localhost"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process on {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def _redis():
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("No REDIS_URL and no redis-server binary: cannot run the Redis setup.")
    port, folder = _free_port(), tempfile.mkdtemp(prefix="bench-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _servers(count: int, redis_url: str | None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="hub.settings.test")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.notify_app:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--backlog",
                "4096",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_port(port, process)
        yield ports
    finally:
        for process in processes:
            _stop(process)


def _seed(clients: int) -> list[tuple[int, str]]:
    """One organisation, `clients` members each with a live session. Returns [(user_id, session_key)]."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from tenants import services
    from tenants.models import Membership, OrganisationKind, User

    call_command("migrate_schemas", "--shared", "-v", "0")
    org = services.organisation_create(
        actor=None, name="Benchmark Organisation", slug=SLUG, kind=OrganisationKind.PROVIDER
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@bench.example", full_name=f"Bench Person {i}", password=UNUSABLE)
            for i in range(clients)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, organisation=org, roles=["reviewer"]) for u in users])
    expires = timezone.now() + timezone.timedelta(hours=2)
    sessions = []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = SessionStore().encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        sessions.append(Session(session_key=key, session_data=data, expire_date=expires))
    Session.objects.bulk_create(sessions)
    return [(u.pk, s.session_key) for u, s in zip(users, sessions, strict=True)]


class Client:
    def __init__(self, user_id: int, port: int, ws) -> None:  # noqa: ANN001
        self.user_id, self.port, self.ws = user_id, port, ws
        self.received: dict[int, float] = {}

    async def listen(self) -> None:
        try:
            async for raw in self.ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "notification":
                    self.received[message["payload"]["id"]] = now
        except Exception:  # noqa: BLE001 - a closed socket ends listening
            return


async def _open_all(people: list[tuple[int, str]], ports: list[int]) -> tuple[list[Client], float, int]:
    from django.conf import settings
    from websockets.asyncio.client import connect

    limit = asyncio.Semaphore(50)
    failures = 0

    async def one(index: int, user_id: int, key: str) -> Client | None:
        nonlocal failures
        port = ports[index % len(ports)]
        async with limit:
            try:
                ws = await connect(
                    f"ws://{HOST}:{port}/ws/presence/",
                    host="127.0.0.1",
                    port=port,
                    origin=f"http://{HOST}:{port}",
                    additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"},
                    open_timeout=60,
                    max_queue=None,
                )
                hello = json.loads(await asyncio.wait_for(ws.recv(), 60))
                assert hello["type"] == "hello", hello
            except Exception as error:  # noqa: BLE001
                failures += 1
                if failures <= 3:
                    print(f"  connect failed: {error!r}")
                return None
        return Client(user_id, port, ws)

    started = time.perf_counter()
    opened = await asyncio.gather(*(one(i, uid, key) for i, (uid, key) in enumerate(people)))
    elapsed = time.perf_counter() - started
    return [c for c in opened if c is not None], elapsed, failures


def _post_notify(port: int, users: list[int] | None, interval: float) -> dict[int, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/__bench/notify",
        data=json.dumps({"users": users, "interval": interval}).encode(),
        headers={"Host": HOST, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - our own http:// URL
        return {int(k): v for k, v in json.loads(response.read()).items()}


def _figures(label: str, stamps: dict[int, float], clients: list[Client], expected: int) -> str:
    arrivals = {}
    for client in clients:
        arrivals.update(client.received)
    latencies = sorted((arrivals[n] - t) * 1000 for n, t in stamps.items() if n in arrivals)
    if not latencies:
        return f"  {label}: nothing received of {expected}"
    p95 = latencies[min(len(latencies) - 1, int(round(0.95 * (len(latencies) - 1))))]
    return (
        f"  {label}: received {len(latencies)}/{expected}; commit→receipt min {latencies[0]:.1f} ms, "
        f"p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


async def _run_setup(name: str, people, ports: list[int], stream: int) -> list[str]:  # noqa: ANN001
    lines = [f"{name}: {len(people)} clients over {len(ports)} process(es)"]
    clients, elapsed, failures = await _open_all(people, ports)
    lines.append(
        f"  connection set-up: {len(clients)} open in {elapsed:.2f} s = {len(clients) / elapsed:.0f} connections/s"
        f" ({failures} failed)"
    )
    listeners = [asyncio.create_task(c.listen()) for c in clients]
    notifier = ports[0]
    chosen = [random.choice(clients).user_id for _ in range(stream)]
    stamps = await asyncio.to_thread(_post_notify, notifier, chosen, 0.02)
    await asyncio.sleep(2)
    lines.append(_figures(f"stream of {stream} notify() to one person each", stamps, clients, len(stamps)))
    if len(ports) > 1:
        elsewhere = {c.user_id for c in clients if c.port != notifier}
        cross = {n: t for n, t, u in zip(stamps, stamps.values(), chosen, strict=True) if u in elsewhere}
        lines.append(_figures("  of which to clients on process 2", cross, clients, len(cross)))
    started = time.perf_counter()
    stamps = await asyncio.to_thread(_post_notify, notifier, None, 0)
    call = time.perf_counter() - started
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        got = sum(1 for c in clients for n in c.received if n in stamps)
        if got >= len(stamps):
            break
        await asyncio.sleep(0.2)
    lines.append(_figures(f"broadcast: one notify() to all {len(stamps)}", stamps, clients, len(stamps)))
    lines.append(
        f"    the notifier's request (store, commit, hand {len(stamps)} messages to the layer): {call * 1000:.0f} ms"
    )
    for client in clients:
        await client.ws.close()
    for task in listeners:
        task.cancel()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--stream", type=int, default=200)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))

    drop = use_throwaway_database("notifications_ws")
    try:
        import django

        django.setup()
        started = time.perf_counter()
        people = _seed(args.clients)
        print(f"seeded 1 organisation, {len(people)} people with sessions in {time.perf_counter() - started:.1f} s")
        from django.db import connections

        connections.close_all()
        print(f"machine: {os.cpu_count()} cores; load average before {os.getloadavg()[0]:.1f}", flush=True)
        if os.environ.get("BENCH_PERSON_SENDS_MAX") is not None:
            print(f"PERSON_SENDS_MAX overridden: {os.environ['BENCH_PERSON_SENDS_MAX']}", flush=True)
        with _redis() as redis_url, _servers(2, redis_url) as ports:
            print("\n".join(asyncio.run(_run_setup("redis, 2 processes", people, ports, args.stream))), flush=True)
        with _servers(1, None) as ports:
            print("\n".join(asyncio.run(_run_setup("in-memory, 1 process", people, ports, args.stream))), flush=True)
        print(f"load average after {os.getloadavg()[0]:.1f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
