#!/usr/bin/env python3
"""The production topology on one machine, without containers, and a smoke test through it.

    python deploy/topology.py                 # start, smoke-test, stop; exit 0 when every check passed
    python deploy/topology.py --keep-running  # ... then stay up until Ctrl-C (prints the URLs)

From the PRODUCTION settings (hub.settings.production), on loopback only:

1. PostgreSQL: a throwaway database (``hub_topology_<pid>_<random>``) on the server DATABASE_URL
   names, or on the embedded one (hub.embedded_db) when it is unset; migrated, seeded with the
   fictional demo network (demo_seed), and dropped at the end.
2. Redis: REDIS_URL, or ``--redis-url`` (default redis://127.0.0.1:6379/9): broker and channel
   layer. Give each concurrent run its own Redis (or database number): two runs on one would
   take each other's tasks and live events.
3. Two uvicorn web processes on two free ports, a Celery worker and Celery beat.
4. The smoke test, through BOTH web processes: sign in with the second factor; share a check
   (web 1) and find it in the exchange from another organisation (web 2); a live notification
   crossing processes (a socket on web 1 receives what a form posted to web 2 caused); the
   exchange sweep queued through the broker and executed by the worker (a lapsed check shredded).
5. Stops everything it started (each in its own process group), also on failure, Ctrl-C or SIGTERM.

Plain HTTP on loopback: production settings keep HTTPS on unless ``HUB_HTTPS=false``, an explicit
switch they already document for a hub reached over plain HTTP on loopback. This script sets it
for its own children only, binds every server to 127.0.0.1 (it refuses anything else), and sets
no other relaxation: DEBUG stays off, the master key comes only from HUB_MASTER_KEY (a fresh
random one per run), the secret key is random, and the development master-key file is refused.

Runs with the project's virtualenv (it needs psycopg, redis, websockets and django-otp); it never
imports Django itself: every hub process is a child with the production environment.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
BASE_DOMAIN = "hub.localhost"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
# The fictional demo network (hub/demo.py): its published password and the people the smoke test plays.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (the published demo password, README)
SHARER = "amara.okafor@northmoor.example"  # Prevent lead at Northmoor: shares a check
SEARCHER = "priya.raman@eastbrook.example"  # Prevent lead at Eastbrook: searches the exchange
OFFICER = "kofi.asante@northmoor-college.example"  # safeguarding officer at the college: live socket
RAISER = "rhiannon.evans@northmoor-college.example"  # staff at the college: raises a welfare concern
SHARED_TITLE = "The ethics of gene editing"  # a decided Northmoor request
SHARED_SPEAKER = "Hiroshi Takeda"
CONCERN_SUBJECT = ("Ottilie", "Brannagh-Vasquez")  # fictional; must never travel over the live channel

STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress on stdout, with the seconds since the start."""
    print(f"[topology +{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class SmokeFailure(Exception):
    """A smoke check failed; the message says which and what was seen (never a name or a secret)."""


def check(condition: object, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    say(f"  ok: {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


# --- processes ---------------------------------------------------------------------------------------------


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Processes:
    """Every process this run started, each the leader of its own process group; stopped in reverse order."""

    folder: Path
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str]) -> Child:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own argv: this interpreter and the hub's commands)
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # single-threaded here, so preexec_fn is safe
            )
        child = Child(name, process, log)
        self.children.append(child)
        say(f"started {name} (pid {process.pid}); log {log}")
        return child

    def run(self, name: str, argv: list[str], timeout: float) -> None:
        """Run a one-off command (migrate, seed) to completion; SmokeFailure with its log's tail if it fails."""
        child = self.start(name, argv)
        try:
            code = child.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SmokeFailure(f"{name} did not finish within {timeout:.0f} s:\n{child.tail()}") from None
        if code != 0:
            raise SmokeFailure(f"{name} exited with {code}:\n{child.tail()}")

    def stop_all(self) -> None:
        for child in reversed(self.children):
            if child.process.poll() is not None:
                continue
            try:
                os.killpg(child.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 15
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with _ignored(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait(timeout=5)
            say(f"stopped {child.name} (exit {child.process.returncode})")

    def alive(self) -> None:
        for child in self.children:
            if child.name in {"migrate", "seed", "enqueue-sweep"}:
                continue
            if child.process.poll() is not None:
                raise SmokeFailure(f"{child.name} exited with {child.process.returncode}:\n{child.tail()}")


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when this script dies, even by SIGKILL (Linux's PR_SET_PDEATHSIG).

    Elsewhere (or if prctl is missing) nothing happens, and only the script's own stop ends its children.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@contextmanager
def _ignored(*errors: type[BaseException]) -> Iterator[None]:
    try:
        yield
    except errors:
        pass


def wait_for_http(port: int, child: Child, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise SmokeFailure(f"{child.name} exited with {child.process.returncode}:\n{child.tail()}")
        try:
            conn = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": BASE_DOMAIN})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SmokeFailure(f"{child.name} did not answer /healthz within {timeout:.0f} s:\n{child.tail()}")


def wait_for_log(child: Child, marker: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise SmokeFailure(f"{child.name} exited with {child.process.returncode}:\n{child.tail()}")
        if marker in child.log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SmokeFailure(f"{child.name} did not log {marker!r} within {timeout:.0f} s:\n{child.tail()}")


# --- the database ------------------------------------------------------------------------------------------


def server_url() -> tuple[str, str]:
    """(URL of an existing database on the server, what it is) — DATABASE_URL, or the embedded server."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, "DATABASE_URL"
    sys.path.insert(0, str(ROOT))
    from hub.embedded_db import embedded_database_url

    return embedded_database_url(), "the embedded PostgreSQL"


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


# DROP DATABASE waits for an immediate checkpoint, which takes minutes on a busy shared server; it
# runs in its own process so the run can stop waiting for it (`--drop-wait`) and let it finish alone.
_DROPPER = (
    "import os, psycopg\n"
    "with psycopg.connect(os.environ['TOPOLOGY_ADMIN_URL'], autocommit=True) as c:\n"
    "    c.execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % os.environ['TOPOLOGY_DROP'])\n"
)


@contextmanager
def throwaway_database(url: str, drop_wait: float) -> Iterator[str]:
    """A new, empty database on `url`'s server, dropped afterwards; yields its URL.

    The drop is waited for up to `drop_wait` seconds; after that it goes on in its own process
    (its pid is printed) and this returns.
    """
    import psycopg

    name = f"hub_topology_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    say(f"created the throwaway database {name}")
    try:
        yield with_database(url, name)
    finally:
        env = {**os.environ, "TOPOLOGY_ADMIN_URL": url, "TOPOLOGY_DROP": name}
        # Its own session and no inherited output: left running, it must hold neither our terminal nor our pipe.
        dropper = subprocess.Popen(  # noqa: S603 (this interpreter and a constant script)
            [sys.executable, "-c", _DROPPER],
            env=env,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            code = dropper.wait(timeout=drop_wait)
            say(f"dropped the throwaway database {name}" if code == 0 else f"could not drop {name} (exit {code})")
        except subprocess.TimeoutExpired:
            say(f"the server is slow to drop {name}: dropping goes on in the background (pid {dropper.pid})")


def query(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def totp_code(database_url: str, email: str) -> str:
    """The code `email`'s confirmed authenticator accepts next (its key read from the throwaway database)."""
    from django_otp.oath import TOTP

    rows = query(
        database_url,
        "SELECT d.key, d.step, d.t0, d.digits, d.drift, d.last_t FROM public.otp_totp_totpdevice d "
        "JOIN public.tenants_user u ON u.id = d.user_id WHERE u.email = %s AND d.confirmed ORDER BY d.id DESC LIMIT 1",
        (email,),
    )
    if not rows:
        raise SmokeFailure("a demo person who needs a code has no authenticator")
    key, step, t0, digits, drift, last_t = rows[0]
    totp = TOTP(bytes.fromhex(key), step, t0, digits, drift)
    while last_t + 1 > totp.t() + 1:  # used this step already, beyond the one step ahead tolerated: wait
        time.sleep(0.5)
    totp.time = t0 + (max(totp.t(), last_t + 1) - drift) * step
    return f"{totp.token():0{digits}d}"


# --- HTTP as a browser would -------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """One person's cookies (the session cookie is set for the base domain, so it goes to every host)."""

    database_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, host: str, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Host": host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            body = urlencode(form or {})
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode(errors="replace")
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            conn.close()

    def sign_in(self, port: int, email: str) -> None:
        """Through /login/ and the code step, on the public site of the web process at `port`."""
        page = self.request(port, BASE_DOMAIN, "GET", "/login/")
        check(page.status == 200 and "csrftoken" in self.cookies, f"{email}: the sign-in page answers (port {port})")
        answer = self.request(port, BASE_DOMAIN, "POST", "/login/", {"username": email, "password": DEMO_PASSWORD})
        location = answer.headers.get("location", "")
        if answer.status == 302 and urlparse(location).path == "/login/code/":
            code = totp_code(self.database_url, email)
            answer = self.request(port, BASE_DOMAIN, "POST", "/login/code/", {"code": code})
            check(answer.status == 302, f"{email}: the second factor is accepted (port {port})")
        check(answer.status == 302 and "sessionid" in self.cookies, f"{email}: signed in (port {port})")


def org_host(slug: str) -> str:
    return f"{slug}.{BASE_DOMAIN}"


# --- the run -----------------------------------------------------------------------------------------------


def production_env(database_url: str, redis_url: str, ports: list[int], folder: Path) -> dict[str, str]:
    """The environment of every hub process: production settings, loopback, fresh secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "CELERY_"))}
    origins = [f"http://{host}:{port}" for port in ports for host in (BASE_DOMAIN, f"*.{BASE_DOMAIN}")]
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        HUB_MASTER_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        HUB_HTTPS="false",  # plain HTTP, loopback only (see the module docstring)
        HUB_BASE_DOMAIN=BASE_DOMAIN,
        DJANGO_ALLOWED_HOSTS=f"{BASE_DOMAIN},.{BASE_DOMAIN}",
        DJANGO_CSRF_TRUSTED_ORIGINS=",".join(origins),
        HUB_PUBLIC_URL=f"http://{BASE_DOMAIN}:{ports[0]}",
        HUB_DATA_DIR=str(folder / "data"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(folder / "mail"),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_topology(procs: Processes, ports: list[int], folder: Path) -> None:
    python = sys.executable
    say("migrating the throwaway database (production settings)")
    procs.run("migrate", [python, "manage.py", "migrate_schemas", "-v", "0"], timeout=600)
    say("seeding the fictional demo network (demo_seed)")
    procs.run("seed", [python, "manage.py", "demo_seed", "--port", str(ports[0])], timeout=600)
    webs = []
    for n, port in enumerate(ports, start=1):
        webs.append(
            (port, procs.start(
                f"web{n}",
                [python, "-m", "uvicorn", "hub.asgi:application", "--host", LOOPBACK, "--port", str(port),
                 "--ws", "websockets", "--log-level", "warning"],
            ))
        )  # fmt: skip
    worker = procs.start(
        "worker",
        [python, "-m", "celery", "-A", "hub", "worker", "--pool", "solo", "--loglevel", "INFO", "-n", "topology@%h"],
    )
    beat = procs.start(
        "beat",
        [python, "-m", "celery", "-A", "hub", "beat", "--loglevel", "INFO",
         "--schedule", str(folder / "celerybeat-schedule")],
    )  # fmt: skip
    for port, web in webs:
        wait_for_http(port, web)
        say(f"{web.name} answers on http://{BASE_DOMAIN}:{port}/ (connect to {LOOPBACK}:{port})")
    wait_for_log(worker, " ready.")
    say("the worker is ready")
    wait_for_log(beat, "beat: Starting")
    say("beat is running")


def smoke(procs: Processes, database_url: str, ports: list[int]) -> None:
    web1, web2 = ports
    schema_of = dict(query(database_url, "SELECT slug, schema_name FROM public.tenants_organisation"))

    say(f"smoke 1/4: sign in with the second factor, on web1 ({web1}) and web2 ({web2})")
    sharer, searcher = Browser(database_url), Browser(database_url)
    sharer.sign_in(web1, SHARER)
    searcher.sign_in(web2, SEARCHER)
    # One session, both processes: the session lives in the database, not in a process.
    check(sharer.request(web2, org_host("northmoor"), "GET", "/").status == 200, "web1's session works on web2")

    say("smoke 2/4: share a check (web1), find it in the exchange from Eastbrook (web2)")
    northmoor = schema_of["northmoor"]
    (request_id,) = query(
        database_url,
        f'SELECT id FROM "{northmoor}".speakers_eventrequest WHERE title = %s',  # noqa: S608 (schema from the db)
        (SHARED_TITLE,),
    )[0]
    (northmoor_id,) = query(database_url, "SELECT id FROM public.tenants_organisation WHERE slug = 'northmoor'")[0]
    count_sql = "SELECT count(*) FROM public.sharing_sharedcheck WHERE source_id = %s"
    before = query(database_url, count_sql, (northmoor_id,))[0][0]
    shared = sharer.request(web1, org_host("northmoor"), "POST", f"/speakers/{request_id}/share/")
    after = query(database_url, count_sql, (northmoor_id,))[0][0]
    check(shared.status == 302 and after > before, f"Northmoor shared the check ({before} -> {after} shared rows)")
    found = searcher.request(web2, org_host("eastbrook"), "POST", "/exchange/", {"name": SHARED_SPEAKER})
    check(
        found.status == 200 and SHARED_SPEAKER in found.body and "University of Northmoor" in found.body,
        "Eastbrook's exchange search finds Northmoor's check",
    )

    say("smoke 3/4: a live notification crossing processes (socket on web1, concern raised on web2)")
    officer, raiser = Browser(database_url), Browser(database_url)
    officer.sign_in(web2, OFFICER)
    raiser.sign_in(web1, RAISER)
    received = live_notification(officer, raiser, web1, web2)
    check(received, "the officer's socket on web1 received the notification caused on web2")
    check(not any(part in json.dumps(received) for part in CONCERN_SUBJECT), "the live event names no one")

    say("smoke 4/4: the exchange sweep queued through the broker and executed by the worker")
    lapsed = query(
        database_url,
        "UPDATE public.sharing_sharedcheck SET expires_at = now() - interval '1 minute' "
        "WHERE id = (SELECT id FROM public.sharing_sharedcheck WHERE source_id = %s AND is_current "
        "AND destroyed_at IS NULL ORDER BY id DESC LIMIT 1) RETURNING id",
        (northmoor_id,),
    )
    check(lapsed, "one shared check lapses (its retention ends now)")
    procs.run(
        "enqueue-sweep",
        [sys.executable, "-c", "import django; django.setup(); from sharing.tasks import exchange_sweep_task as t; "
         "print(t.delay().id)"],
        timeout=120,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    destroyed = None
    while time.monotonic() < deadline and not destroyed:
        procs.alive()
        destroyed = query(database_url, "SELECT destroyed_at FROM public.sharing_sharedcheck WHERE id = %s", lapsed[0])
        destroyed = destroyed and destroyed[0][0]
        time.sleep(0.5)
    check(destroyed, "the worker ran the sweep: the lapsed check was shredded")
    worker_log = next(c for c in procs.children if c.name == "worker").log.read_text(errors="replace")
    check(re.search(r"Task sharing\.exchange_sweep\[[^\]]+\] succeeded", worker_log), "the worker logged the task")
    procs.alive()


def live_notification(officer: Browser, raiser: Browser, web1: int, web2: int) -> list[dict]:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    host = org_host("northmoor-college")
    cookie = "; ".join(f"{k}={v}" for k, v in officer.cookies.items())
    with connect(
        f"ws://{host}:{web1}/ws/presence/",
        sock=socket.create_connection((LOOPBACK, web1)),
        additional_headers={"Cookie": cookie, "Origin": f"http://{host}:{web1}"},
        open_timeout=20,
    ) as ws:
        hello = json.loads(ws.recv(timeout=20))
        check(hello.get("type") == "hello", "the officer's socket on web1 is open")
        raiser.request(web2, host, "GET", "/welfare/concerns/new/")
        posted = raiser.request(
            web2,
            host,
            "POST",
            "/welfare/concerns/new/",
            {
                "subject_kind": "student",
                "subject_given_name": CONCERN_SUBJECT[0],
                "subject_family_name": CONCERN_SUBJECT[1],
                "observed_on": (datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=2)).isoformat(),
                "what_happened": "Spoke of a 'coming war' to classmates after the seminar.",
            },
        )
        check(posted.status == 302, "a member of staff raised a concern through web2")
        got: list[dict] = []
        deadline = time.monotonic() + 20
        while not got and (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(ws.recv(timeout=left))
            except (TimeoutError, ConnectionClosed):
                break
            if message.get("type") == "notification":
                got.append(message)
        return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument("--keep-running", action="store_true", help="After the smoke test, stay up until Ctrl-C.")
    parser.add_argument(
        "--drop-wait", type=float, default=600, help="Seconds to wait for the throwaway database's drop (default 600)."
    )
    parser.add_argument("--host", default=LOOPBACK, help="Only 127.0.0.1: this topology is for loopback.")
    args = parser.parse_args(argv)
    if args.host != LOOPBACK:
        parser.error("this topology serves plain HTTP and binds to 127.0.0.1 only; put real hosts behind TLS")

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        say(f"Redis does not answer at {args.redis_url}: {type(error).__name__}")
        return 2
    url, where = server_url()
    say(f"PostgreSQL: {where}; Redis: {args.redis_url}")
    folder = Path(tempfile.mkdtemp(prefix="hub-topology-"))
    ports = [free_port(), free_port()]
    code = 1
    try:
        with throwaway_database(url, args.drop_wait) as database_url:
            procs = Processes(folder, production_env(database_url, args.redis_url, ports, folder))
            try:
                start_topology(procs, ports, folder)
                smoke(procs, database_url, ports)
                say("SMOKE TEST PASSED")
                code = 0
                if args.keep_running:
                    say(f"serving http://{BASE_DOMAIN}:{ports[0]}/ and :{ports[1]}/ (Ctrl-C to stop)")
                    while True:
                        procs.alive()
                        time.sleep(1)
            except SmokeFailure as failure:
                say(f"SMOKE TEST FAILED: {failure}")
                for child in procs.children:
                    say(f"--- last lines of {child.name} ---\n{child.tail(15)}")
            except KeyboardInterrupt:
                say("interrupted")
                code = code if args.keep_running else 130
            finally:
                say("stopping everything this run started")
                procs.stop_all()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
