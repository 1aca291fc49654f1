"""The fault suite's own hub: a private PostgreSQL cluster, migrated and provisioned once per test session.

Everything the fault tests break (PostgreSQL, Redis, the processes running services) is started
here or in the tests, on free loopback ports and in temporary folders; the machine's servers and
the test run's own database are never touched. The hub's code runs only in subprocesses
(uvicorn, `manage.py`, `tests/faults/hub_script.py`), which read DATABASE_URL and the master key
from the environment that `PrivateHub.env` builds.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults.servers import ROOT, PrivatePostgres, hub_env, run_hub

DATABASE = "hub"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: starts and breaks its own PostgreSQL, Redis and hub processes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


def new_master_key() -> str:
    """A fresh master key in the format HUB_MASTER_KEY takes (URL-safe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass
class PrivateHub:
    """The private cluster, the master key(s) the hub is configured with, and what `setup` provisioned."""

    postgres: PrivatePostgres
    folder: Path
    master_key: str
    previous_keys: str = ""
    world: dict[str, Any] = field(default_factory=dict)
    helper: subprocess.Popen[str] | None = None

    @property
    def database_url(self) -> str:
        return self.postgres.url(DATABASE)

    def env(self, **extra: str) -> dict[str, str]:
        """A hub process's environment: the private database and the current master key(s), plus `extra`."""
        keys = {"HUB_MASTER_KEY_PREVIOUS": self.previous_keys} if self.previous_keys else {}
        return hub_env(self.database_url, self.master_key, str(self.folder), **{**keys, **extra})

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run `tests/faults/hub_script.py <args>` (or `manage.py …` with args[0] == 'manage')."""
        return run_hub(self.env(**extra), *args)

    def json(self, command: str, *args: str, **extra: str) -> dict[str, Any]:
        """Run a hub_script command that must succeed (in the long-lived helper process) and return its answer.

        `extra` overrides the environment for this command (e.g. HUB_MASTER_KEY during a rotation).
        """
        if self.helper is None or self.helper.poll() is not None:
            self.helper = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.hub_script", "serve"],
                cwd=ROOT, env=self.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
        keys = {"HUB_MASTER_KEY": self.master_key, "HUB_MASTER_KEY_PREVIOUS": self.previous_keys}
        assert self.helper.stdin is not None and self.helper.stdout is not None
        self.helper.stdin.write(json.dumps({"command": command, "args": list(args), "env": {**keys, **extra}}) + "\n")
        self.helper.stdin.flush()
        line = self.helper.stdout.readline()
        assert line, f"the helper process ended ({self.helper.poll()})"
        answer = json.loads(line)
        assert "error" not in answer, f"{command} {args} failed: {answer['error']}\n{answer['traceback']}"
        return answer["result"]

    def close(self) -> None:
        if self.helper is not None and self.helper.poll() is None:
            assert self.helper.stdin is not None
            self.helper.stdin.close()
            try:
                self.helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.helper.kill()


@pytest.fixture(scope="session")
def private_hub() -> Iterator[PrivateHub]:
    """initdb, start, migrate, provision (about 25 s); stopped and deleted at the end of the session."""
    postgres = PrivatePostgres()
    folder = Path(tempfile.mkdtemp(prefix="hub-faults-data-"))
    try:
        started = time.monotonic()
        postgres.init()
        postgres.start()
        postgres.create_database(DATABASE)
        ready = time.monotonic()
        hub = PrivateHub(postgres=postgres, folder=folder, master_key=new_master_key())
        migrated = hub.run("manage", "migrate_schemas", "--shared", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        done = time.monotonic()
        hub.world = hub.json("setup")
        print(
            f"\nprivate cluster: initdb and start {ready - started:.1f} s, migrate {done - ready:.1f} s, "
            f"organisations and people {time.monotonic() - done:.1f} s"
        )
        try:
            yield hub
        finally:
            hub.close()
    finally:
        postgres.remove()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
