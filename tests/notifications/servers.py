"""Real processes for the live-channel and worker tests: Redis, uvicorn servers and a Celery worker.

Each runs as a subprocess against the test run's own database (the tests that use them
commit their data with `committing_db`, so the subprocesses see it) and is stopped by the
fixture that started it. Nothing here touches the development database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS_SETTINGS = "tests.notifications.subprocess_settings"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis URL for this test run; skips the test when there is no Redis at all.

    REDIS_URL from the environment (CI) when set and answering; otherwise a private
    `redis-server` on a free port (so two test runs on one machine never share channel
    groups or a broker queue); otherwise 127.0.0.1:6379 database 13 if something answers there.
    """
    wanted = os.environ.get("REDIS_URL")
    if wanted and _answers(wanted):
        yield wanted
        return
    binary = shutil.which("redis-server")
    if binary:
        port = free_port()
        folder = tempfile.mkdtemp(prefix="hub-redis-")
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port, process, "redis-server")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(process)
            shutil.rmtree(folder, ignore_errors=True)
        return
    fallback = "redis://127.0.0.1:6379/13"
    if _answers(fallback):
        yield fallback
        return
    pytest.skip("No Redis: REDIS_URL is unset or silent, no redis-server binary, and nothing on 127.0.0.1:6379.")


def run_database_url() -> str:
    """DATABASE_URL pointing at the database this test run uses (per-run `test_…` database)."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    assert name.startswith("test_"), name
    base = os.environ.get("DATABASE_URL")
    if base:
        return urlunparse(urlparse(base)._replace(path=f"/{name}"))
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{s.get('USER') or 'postgres'}@/{name}?host={host}&port={s.get('PORT') or 5432}"
    return f"postgresql://{s.get('USER') or 'postgres'}@{host}:{s.get('PORT') or 5432}/{name}"


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a server or worker on the test database (`extra` added, e.g. REDIS_URL)."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE=SUBPROCESS_SETTINGS,
        DATABASE_URL=run_database_url(),
        PYTHONPATH=str(ROOT),
        HUB_ALLOW_DEV_MASTER_KEY="1",
    )
    env.update(extra)
    return env


@contextmanager
def uvicorn_servers(env: dict[str, str], count: int = 1, app: str = "hub.asgi:application") -> Iterator[list[int]]:
    """`count` uvicorn processes serving `app` with `env`, started side by side; yields their ports."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                app,
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
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_for_port(port, process, f"uvicorn {app}", timeout=60)
        yield ports
    finally:
        for process in processes:
            _stop(process)


@contextmanager
def celery_worker(env: dict[str, str], *, beat: bool = False) -> Iterator[subprocess.Popen]:
    """A `celery -A hub worker` process (one solo process) with `env`; yields it once it is ready."""
    log = tempfile.NamedTemporaryFile(prefix="hub-worker-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "celery", "-A", "hub", "worker", "--pool", "solo", "--loglevel", "INFO"]
    if beat:
        command.append("--beat")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 40
        while b" ready." not in Path(log.name).read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("celery worker did not start:\n" + Path(log.name).read_text()[-3000:])
            time.sleep(0.1)
        yield process
    finally:
        _stop(process)
        log.close()
        os.unlink(log.name)


@contextmanager
def tenant_rows_removed(*schemas: str) -> Iterator[None]:
    """Afterwards delete the notifications, preferences and concerns committed in `schemas`.

    `committing_db` removes public rows only; these tenant rows point at people it removes.
    """
    from django_tenants.utils import schema_context

    from notifications.models import Notification, Preference
    from welfare.models import Concern

    try:
        yield
    finally:
        for schema in schemas:
            with schema_context(schema):
                Notification.objects.all().delete()
                Preference.objects.all().delete()
                Concern.objects.all().delete()
