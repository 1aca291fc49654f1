"""Browser tests: a real hub (uvicorn + its own database + the demo network) driven by Debian's Chromium.

The server runs in a subprocess against a database of its own, created for the session
and dropped afterwards, so it sees only committed data, exactly as a person's browser does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from hub.demo import DEMO_PASSWORD
from tests.signin_helpers import browser_sign_in

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class RunningHub:
    port: int
    database_url: str

    def url(self, slug: str | None = None, path: str = "/") -> str:
        host = settings.HUB_BASE_DOMAIN if slug is None else f"{slug}.{settings.HUB_BASE_DOMAIN}"
        return f"http://{host}:{self.port}{path}"

    def manage(self, *args: str) -> str:
        """Run a management command against the running hub's database."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=_server_env(self), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    if host.startswith("/"):
        return f"postgres://{auth}@/{name}?host={host}"
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{name}"


def _admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=host or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )


def _server_env(hub: RunningHub) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=hub.database_url,
        DJANGO_SETTINGS_MODULE="hub.settings.dev",
        DJANGO_DEBUG="0",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"http://{settings.HUB_BASE_DOMAIN}:{hub.port},"
        f"http://*.{settings.HUB_BASE_DOMAIN}:{hub.port}",
    )
    return env


# Package scope: the server and the browser stop when the browser tests are done, so the event
# loop Playwright's sync API keeps in this thread does not outlive them (async_to_sync refuses
# to run while one exists).
@pytest.fixture(scope="package")
def hub_server() -> Iterator[RunningHub]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (python3 dev.py test installs it when run as root)")
    name = f"hub_e2e_{os.getpid()}"
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    hub = RunningHub(port=_free_port(), database_url=_database_url(name))
    hub.manage("migrate_schemas", "-v", "0")
    hub.manage("demo_seed", "--port", str(hub.port))
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1", "--port", str(hub.port)],
        cwd=ROOT,
        env=_server_env(hub),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(hub, server)
        yield hub
    finally:
        server.terminate()
        server.wait(timeout=10)
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_up(hub: RunningHub, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"hub server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{hub.port}/healthz")
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("hub server did not start within 30 s")


@pytest.fixture(scope="package")
def browser(hub_server: RunningHub) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's loop in this thread would trip Django's async-safety check; these tests
    # never touch the test database themselves.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


AXE_RESULTS = ROOT / "var" / "axe-results.txt"


class Audit:
    """Runs axe-core on each page a test visits; every page's result is kept for var/axe-results.txt."""

    def __init__(self, log: dict[str, list[str]]) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.log = log
        self.names: list[str] = []

    def check(self, page: object, name: str) -> None:
        page.wait_for_load_state("load")  # type: ignore[attr-defined]
        found = self.axe.run(page).response["violations"]
        self.names.append(name)
        self.log[name] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in found
        ]

    def assert_clean(self) -> None:
        failing = {name: self.log[name] for name in self.names if self.log[name]}
        assert failing == {}, "\n".join(f"{name}: {found}" for name, found in failing.items())


@pytest.fixture(scope="package")
def axe_log() -> Iterator[dict[str, list[str]]]:
    log: dict[str, list[str]] = {}
    yield log
    AXE_RESULTS.parent.mkdir(exist_ok=True)
    lines = [f"{name}: {len(found)} violation(s)" + "".join(f"\n    {v}" for v in found) for name, found in log.items()]
    AXE_RESULTS.write_text("\n".join(lines) + "\n")


@pytest.fixture
def audit(axe_log: dict[str, list[str]]) -> Audit:
    """`audit.check(page, "name")` after each page; `audit.assert_clean()` at the end: 0 axe violations."""
    return Audit(axe_log)


@pytest.fixture
def signed_in_page(browser: object, hub_server: RunningHub) -> Iterator[Callable[[str], object]]:
    """`signed_in_page(email)`: a fresh browser context signed in as that demo person, on the public site."""
    contexts = []

    def open_as(email: str, password: str = DEMO_PASSWORD) -> object:
        context = browser.new_context()  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_sign_in(page, lambda path: hub_server.url(path=path), email, password, hub_server.database_url)
        page.wait_for_url(hub_server.url(path="/"))
        return page

    yield open_as
    for context in contexts:
        context.close()
