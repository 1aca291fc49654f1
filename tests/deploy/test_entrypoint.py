"""The image's entry point (deploy/entrypoint.sh), run with a stand-in `python` that records its calls.

The migrate role is what the compose `migrate` service and the Kubernetes `hub-migrate` Job run
before a rollout: it must migrate the public schema, then every organisation's, and then fail
(non-zero) when an organisation schema still misses a migration, so a rollout never starts on a
database the new code does not match.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ENTRYPOINT = Path(__file__).resolve().parents[2] / "deploy" / "entrypoint.sh"

# Records each call's arguments; fails the call whose arguments contain $FAIL_ON (if set).
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in *"${FAIL_ON:-<never>}"*) exit 3 ;; esac
exit 0
"""


def run_migrate_role(tmp_path: Path, fail_on: str = "") -> tuple[int, list[str]]:
    """(exit status, the `python` calls in order) of `entrypoint.sh migrate` with the stand-in python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}", "CALLS": str(calls)}
    if fail_on:
        env["FAIL_ON"] = fail_on
    result = subprocess.run(["/bin/sh", str(ENTRYPOINT), "migrate"], env=env, capture_output=True, timeout=30)
    lines = calls.read_text().splitlines() if calls.exists() else []
    return result.returncode, lines


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_migrate_role_migrates_public_then_organisations_then_verifies(tmp_path: Path) -> None:
    status, calls = run_migrate_role(tmp_path)
    assert status == 0
    assert calls == ["manage.py migrate_organisations --processes 4", "manage.py migrations_verify"]


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_migrate_role_fails_when_an_organisation_misses_a_migration(tmp_path: Path) -> None:
    status, calls = run_migrate_role(tmp_path, fail_on="migrations_verify")
    assert status == 3
    assert calls[-1] == "manage.py migrations_verify"


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_migrate_role_stops_at_a_failed_migration(tmp_path: Path) -> None:
    status, calls = run_migrate_role(tmp_path, fail_on="migrate_organisations")
    assert status == 3
    assert not any("migrations_verify" in call for call in calls)
