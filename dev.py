#!/usr/bin/env python3
"""Partnership Hub's two commands. Each sets itself up: virtual environment, dependencies, database.

    python3 dev.py serve      run the hub with the demo network on http://localhost:8000
    python3 dev.py test       run the whole test suite (extra arguments go to pytest)

With DATABASE_URL unset, both use an embedded PostgreSQL kept in ./var (ignored by git).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = [ROOT / "requirements" / name for name in ("base.txt", "test.txt", "constraints.txt")]
STAMP = VENV / ".requirements.sha256"
CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def requirements_digest() -> str:
    digest = hashlib.sha256()
    for path in REQUIREMENTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_virtualenv() -> None:
    """Create .venv and install the pinned requirements when they changed since last time."""
    if not VENV_PYTHON.exists():
        say("creating virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = requirements_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("installing dependencies (first run takes a minute or two)")
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    requirements = ROOT / "requirements"
    subprocess.run(
        [*pip, "-r", str(requirements / "test.txt"), "-c", str(requirements / "constraints.txt")], check=True
    )
    STAMP.write_text(wanted)


def reexec_in_virtualenv() -> None:
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__)), *sys.argv[1:]])


def ensure_database_url() -> None:
    """Start the embedded PostgreSQL unless DATABASE_URL names a server, and export its URL."""
    if os.environ.get("DATABASE_URL"):
        say("using DATABASE_URL")
        return
    sys.path.insert(0, str(ROOT))
    from hub.embedded_db import embedded_database_url

    os.environ["DATABASE_URL"] = embedded_database_url()
    say(f"using the embedded PostgreSQL in {ROOT / 'var' / 'pgdata'}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def serve_environment(port: str) -> None:
    """Links made outside a request (emails the worker sends, invitations) name the port served on.

    Sets `HUB_PUBLIC_URL` to `http://<HUB_BASE_DOMAIN>:<port>` unless it is set already.
    """
    base = os.environ.get("HUB_BASE_DOMAIN", "hub.localhost")
    os.environ.setdefault("HUB_PUBLIC_URL", f"http://{base}:{port}")


def web_workers() -> int:
    """How many uvicorn worker processes `serve` runs: HUB_WEB_WORKERS, else one per core with Redis, else 1.

    Live notifications travel over the Channels layer. Without REDIS_URL that layer is in-memory,
    one per process: a notification sent while handling a request in one worker never reaches a
    WebSocket held by another. So without Redis the default is one worker (correct, slower);
    with REDIS_URL it is `os.cpu_count()`. HUB_WEB_WORKERS overrides either (with a warning when
    it asks for several workers without Redis). Raises ValueError when HUB_WEB_WORKERS is not a
    positive integer.
    """
    wanted = os.environ.get("HUB_WEB_WORKERS", "").strip()
    if wanted:
        count = int(wanted)
        if count < 1:
            raise ValueError(f"HUB_WEB_WORKERS={wanted}: need a positive integer")
        if count > 1 and not os.environ.get("REDIS_URL"):
            say(f"warning: {count} workers without REDIS_URL: live notifications reach only the worker that sent them")
        return count
    return (os.cpu_count() or 1) if os.environ.get("REDIS_URL") else 1


def pool_max_for(workers: int) -> int:
    """Connections each process's pool may open (HUB_DB_POOL_MAX, else what fits the connection budget).

    Every web worker and the background worker has its own pool. HUB_DB_CONNECTIONS (default 60:
    PostgreSQL's default `max_connections` is 100, and migrations, psql and other clients need
    some) is shared among them: budget // (workers + 1), between 2 and 8.
    """
    if os.environ.get("HUB_DB_POOL_MAX", "").strip():
        return int(os.environ["HUB_DB_POOL_MAX"])
    budget = int(os.environ.get("HUB_DB_CONNECTIONS", "60"))
    return max(2, min(8, budget // (workers + 1)))


def serve(args: list[str]) -> int:
    port = os.environ.get("PORT", "8000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    serve_environment(port)
    ensure_database_url()
    workers = web_workers()
    os.environ["HUB_DB_POOL_MAX"] = str(pool_max_for(workers))  # the background worker's pool too
    say("applying migrations")
    manage("migrate_schemas", "--executor=multiprocessing", "-v", "0")
    # Checks indexed under older name rules (sharing/NAMES.md) are found again; a no-op when none are.
    manage("exchange_reindex")
    manage("demo_seed", "--port", port)
    say("starting the background worker (emails, daily digests and sweeps; Redis when REDIS_URL is set)")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hub", "worker", "--beat", "--pool=solo", "--loglevel=WARNING",
         "--schedule", str(ROOT / "var" / "celerybeat-schedule")],
        cwd=ROOT,
    )  # fmt: skip
    why = (
        " (one, as REDIS_URL is unset: live notifications reach every tab)"
        if workers == 1 and not os.environ.get("REDIS_URL")
        else ""
    )
    say(
        f"serving on http://localhost:{port}/ with {workers} uvicorn worker(s){why}, each with up to"
        f" {os.environ['HUB_DB_POOL_MAX']} pooled database connections (Ctrl-C to stop)"
    )
    server = [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1", "--port", port,
              "--workers", str(workers)]  # fmt: skip
    try:
        return subprocess.run([*server, *args], cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it when we can (root with apt-get)."""
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env, stdout=subprocess.DEVNULL)
    else:
        say(f"no Chromium at {CHROMIUM} and cannot install it: browser tests will be skipped")


def test(args: list[str]) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
    ensure_chromium()
    ensure_database_url()
    command = [sys.executable, "-m", "pytest", "--durations=15", *args]
    return subprocess.run(command, cwd=ROOT).returncode


COMMANDS = {"serve": serve, "test": test}


def main() -> int:
    if sys.version_info < (3, 11):
        print("Partnership Hub needs Python 3.11 or newer.", file=sys.stderr)
        return 2
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_virtualenv()
    reexec_in_virtualenv()
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
