"""deploy/topology.py for real: PostgreSQL, Redis, two web processes, a worker and beat from the production
settings on loopback, a smoke test through both web processes, and everything stopped afterwards.

It runs in the normal suite (no marker skips it): about a minute on two idle cores, several on a
loaded machine. Redis is a private `redis-server` when the machine has one
(tests/notifications/servers.py), so a parallel run of the suite never shares its broker queue or
channel groups; PostgreSQL is the run's own server (DATABASE_URL) or the embedded one, in a
throwaway database the script creates and drops.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notifications.servers import redis_server

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "topology.py"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def _env() -> dict[str, str]:
    # The script builds the hub's environment itself; nothing of the test settings may leak into it.
    return {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "HUB_ALLOW_DEV_MASTER_KEY"}}


def _pids(output: str) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"started (\S+) \(pid (\d+)\)", output)}


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie (exited, not yet reaped by a parent that has itself gone) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_the_topology_passes_its_smoke_test_and_ctrl_c_stops_everything_it_started(redis_url):
    """One run: the smoke test through both web processes, then Ctrl-C while it keeps serving."""
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--redis-url", redis_url, "--drop-wait", "20", "--keep-running"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:  # ends at the script's exit, if it fails before serving
            lines.append(line)
            if "(Ctrl-C to stop)" in line:
                break
        serving = "".join(lines)
        assert "SMOKE TEST PASSED" in serving, serving[-6000:]
        pids = _pids(serving)
        assert {"web1", "web2", "worker", "beat"} <= set(pids)
        assert not any(_gone(pids[name]) for name in ("web1", "web2", "worker", "beat"))  # still serving
        process.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(lines) + rest
    assert process.returncode == 0, output[-3000:]  # the smoke test passed; Ctrl-C is how one stops serving
    for expected in (
        "second factor is accepted (port",
        "web1's session works on web2",
        "Northmoor shared the check",
        "Eastbrook's exchange search finds Northmoor's check",
        "received the notification caused on web2",
        "the live event names no one",
        "the worker ran the sweep: the lapsed check was shredded",
        "stopping everything this run started",
    ):
        assert expected in output, expected
    assert all(_gone(pid) for pid in pids.values()), output[-3000:]


def test_it_refuses_to_serve_plain_http_beyond_loopback():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--host", "0.0.0.0"],  # noqa: S104 (the address it must refuse)
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "127.0.0.1 only" in done.stderr
