"""HTTP throughput of the served hub: the pooled database connections against a new connection per request.

    .venv/bin/python -m bench.bench_http [--requests 800] [--workers N] [--concurrency 8] [--no-pgbouncer]

On a throwaway database (DATABASE_URL's server, else the embedded one) it seeds what
`bench.load_mixed` seeds (two providers under an agreement in force, speaker requests, shared
checks, signed-in sessions and API tokens), then serves it with uvicorn (`--workers`, default one
per core, `hub.settings.dev` with DEBUG off) once per database mode, all in one run:

* `unpooled`: `HUB_DB_POOL=0`, a new PostgreSQL connection per request (the baseline);
* `pooled`: Django's psycopg pool in each worker (the default; `HUB_DB_POOL_MAX` per worker);
* `pgbouncer-tx` / `pgbouncer-session`: no pool in Django, PgBouncer in front in transaction /
  session mode (only when `pgbouncer` is installed; it is for this measurement only).

For each mode, a second process (`bench.http_load`) runs `--concurrency` keep-alive clients
against each target in turn: the exchange search API (`POST /api/v1/exchange/search/`), the
dashboard, the agreements list and the speaker-request register. It prints p50/p95 and req/s per
target and mode, emits each beside the unpooled figure of the same run, and runs a search_path
probe through PgBouncer's transaction mode (two clients, one server connection).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.throwaway_db import ROOT, use_throwaway_database

TARGETS = {
    # name: (host key in the plan, method, path, issue's p95 target in ms, req/s target)
    "search API": ("host_b", "POST", "/api/v1/exchange/search/", 50.0, 250.0),
    "dashboard": ("host_a", "GET", "/", 60.0, None),
    "agreements": ("host_a", "GET", "/agreements/", 60.0, None),
    "register": ("host_a", "GET", "/speakers/", 60.0, None),
}


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _start_pgbouncer(server_url: str, database: str, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """PgBouncer on a free port with two aliases of `database`: `<db>_tx` (transaction) and `<db>_session`.

    Plus `probe_tx`, transaction mode with ONE server connection, for the search_path probe.
    """
    from bench.load_mixed import _free_port

    parsed = urlparse(server_url)
    port = _free_port()
    host = parsed.hostname or "127.0.0.1"
    server_port = parsed.port or 5432
    user = parsed.username or "postgres"
    target = f"host={host} port={server_port} dbname={database} user={user}"
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{database}_tx = {target} pool_mode=transaction\n"
        f"{database}_session = {target} pool_mode=session\n"
        f"probe_tx = {target} pool_mode=transaction pool_size=1\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {workdir / 'users.txt'}\n"
        "max_client_conn = 400\ndefault_pool_size = 16\n"
        f"logfile = {workdir / 'pgbouncer.log'}\npidfile = {workdir / 'pgbouncer.pid'}\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    workdir.chmod(0o777)
    for name in ("users.txt", "pgbouncer.ini"):
        (workdir / name).chmod(0o644)
    command = [shutil.which("pgbouncer") or "pgbouncer", str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, cwd=workdir)  # noqa: S603
    from bench.load_mixed import _wait_for

    _wait_for(port, process, timeout=15)
    return process, port


def search_path_probe(port: int, schemas: tuple[str, str]) -> str:
    """Two clients of PgBouncer's transaction mode, one server connection: does B's SET reach A?"""
    import psycopg

    first = psycopg.connect(host="127.0.0.1", port=port, dbname="probe_tx", user="postgres", autocommit=True)
    second = psycopg.connect(host="127.0.0.1", port=port, dbname="probe_tx", user="postgres", autocommit=True)
    try:
        first.execute(f'SET search_path = "{schemas[0]}", public')
        second.execute(f'SET search_path = "{schemas[1]}", public')
        seen = first.execute("SHOW search_path").fetchone()[0]
    finally:
        first.close()
        second.close()
    return seen


def _serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    from bench.load_mixed import _free_port, _wait_for

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "hub.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    _wait_for(port, server)
    time.sleep(2 if workers > 1 else 0.5)  # the other workers finish importing
    return server, port


def _load(plan: dict[str, Any], port: int, target: str, requests: int, concurrency: int, names: str) -> dict[str, Any]:
    host_key, method, path, _, _ = TARGETS[target]
    command = [sys.executable, "-m", "bench.http_load", "--port", str(port), "--host", plan[host_key],
               "--method", method, "--path", path, "-n", str(requests), "-c", str(concurrency),
               "--warmup", "5"]  # fmt: skip
    if method == "POST":
        command += ["--token", plan["search_token"], "--names", names]
    else:
        command += ["--cookie", plan["cookie_a"]]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(result.stdout)


def _modes(args: argparse.Namespace, server_url: str, database: str, workdir: Path) -> tuple[dict, Any, str | None]:
    """{mode: server environment}, the PgBouncer process (or None) and the probe's answer (or None)."""
    base = dict(os.environ, DJANGO_DEBUG="0", HUB_LOG_LEVEL="WARNING")
    modes: dict[str, dict[str, str]] = {
        "unpooled": {**base, "HUB_DB_POOL": "0"},
        "pooled": {**base, "HUB_DB_POOL": "1", "HUB_DB_POOL_MAX": str(args.pool_max), "HUB_DB_POOL_MIN": "2"},
    }
    if args.no_pgbouncer:
        return modes, None, None
    if not (shutil.which("pgbouncer") and server_url):
        print("pgbouncer not installed (or no DATABASE_URL): PgBouncer modes skipped", file=sys.stderr)
        return modes, None, None
    bouncer, bouncer_port = _start_pgbouncer(server_url, database, workdir)
    through = urlparse(os.environ["DATABASE_URL"])._replace(netloc=f"postgres@127.0.0.1:{bouncer_port}")
    for mode in ("tx", "session"):
        url = urlunparse(through._replace(path=f"/{database}_{mode}"))
        modes[f"pgbouncer-{mode}"] = {**base, "HUB_DB_POOL": "0", "DATABASE_URL": url}
    return modes, bouncer, search_path_probe(bouncer_port, ("loadbridge", "stresswood"))


def _print_table(results: dict[str, dict[str, dict[str, Any]]], args: argparse.Namespace, load: str) -> None:
    print(
        f"\nHTTP, uvicorn with {args.workers} worker(s), {args.concurrency} concurrent keep-alive clients in a"
        f" second process, {args.requests} timed requests per row; load average {load}\n"
    )
    print("| target | mode | p50 ms | p95 ms | req/s | non-200 |")
    print("|---|---|---|---|---|---|")
    for target in TARGETS:
        for mode in results:
            f = results[mode][target]
            print(
                f"| {target} | {mode} | {f['p50_ms']} | {f['p95_ms']} | {f['throughput_rps']} |"
                f" {f['errors']} {f['error_statuses'] or ''} |"
            )


def _emit_all(results: dict[str, dict[str, dict[str, Any]]], args: argparse.Namespace, load: str) -> None:
    from bench.report import emit

    for target, (_, _, _, p95_target, rps_target) in TARGETS.items():
        baseline = results["unpooled"][target]
        for mode, by_target in results.items():
            f = by_target[target]
            for what, key, unit, goal in (
                ("p50", "p50_ms", "ms", None),
                ("p95", "p95_ms", "ms", p95_target),
                ("throughput", "throughput_rps", "req/s", rps_target),
            ):
                met = None if goal is None else (f[key] < goal if unit == "ms" else f[key] >= goal)
                emit(
                    "http",
                    f"{target} {what}, {mode}, {args.workers} workers, {args.concurrency} clients",
                    f[key],
                    unit,
                    floor=None if mode == "unpooled" else baseline[key],
                    floor_what="" if mode == "unpooled" else "unpooled (new connection per request), same run",
                    target="" if goal is None else (f"< {goal:g} ms" if unit == "ms" else f">= {goal:g} req/s"),
                    met=met,
                    note=f"load average {load}; {f['errors']} non-200 of {f['requests']}",
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=800, help="Timed requests per target and mode (scale).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pool-max", type=int, default=8, help="HUB_DB_POOL_MAX per worker in the pooled mode.")
    parser.add_argument("--seed-requests", type=int, default=60, help="Speaker requests seeded (scale).")
    parser.add_argument("--no-pgbouncer", action="store_true", help="Skip the PgBouncer modes.")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    drop = use_throwaway_database("http")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"  # what `python3 dev.py serve` runs
    os.environ["HUB_DB_POOL"] = "0"  # this process only seeds
    database = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    bouncer = None
    try:
        from bench.load_mixed import _prepare

        started = time.perf_counter()
        plan = _prepare(args.seed_requests)
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        names = workdir / "names.txt"
        names.write_text("\n".join(plan["names"]), encoding="utf-8")
        from django.db import connections

        connections.close_all()
        modes, bouncer, probe = _modes(args, server_url, database, workdir)
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for mode, env in modes.items():
            server, port = _serve(env, args.workers)
            try:
                results[mode] = {}
                for target in TARGETS:
                    results[mode][target] = _load(plan, port, target, args.requests, args.concurrency, str(names))
                    print(f"  {mode:18} {target:11} {json.dumps(results[mode][target])}", file=sys.stderr, flush=True)
            finally:
                server.terminate()
                server.wait(timeout=30)
        load = _loadavg()
        _print_table(results, args, load)
        if probe is not None:
            leaked = "stresswood" in probe
            print(
                f"\nPgBouncer transaction mode, two clients on one server connection: client A set loadbridge, "
                f"client B set stresswood, A then saw search_path = {probe!r}"
                + (": B's organisation leaked into A's session" if leaked else "")
            )
        print()
        _emit_all(results, args, load)
    finally:
        if bouncer is not None:
            bouncer.terminate()
            bouncer.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
        drop()


if __name__ == "__main__":
    main()
