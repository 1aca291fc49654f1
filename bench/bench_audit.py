"""Audit writes under concurrent writers: one global chain against one chain per organisation.

    .venv/bin/python -m bench.bench_audit [--writers 8] [--events 300] [--work-ms 1] [--scale 1.0]

Runs on a throwaway database (embedded PostgreSQL unless DATABASE_URL is set) that it creates,
migrates (public schema only) and drops. `--writers` processes (not threads: no shared interpreter
lock) each write `--events` events for their own organisation, each in its own transaction, as a
service does: `audit_record`, then `--work-ms` of the rest of the service's transaction (a
`pg_sleep`) before the commit, the time a chain's lock is held beyond the insert itself. The same
code runs twice: once with every event mapped to one chain (`core.audit._chain_of` replaced: the
old design's one global lock), once with one chain per organisation (the hub's design).

Prints, for both, side by side: events per second, the wait for the chain's lock (the head row's
`SELECT ... FOR NO KEY UPDATE`) p50/p95, and one `audit_record` p50/p95; then the ratio, and
emits each per-organisation figure beside the single-chain one (`bench.report.emit`) with the load
average. Finally it checks that `audit_verify` finds both logs intact. `--scale` multiplies the
events per writer (run_all uses a small one).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from typing import Any

from bench.throwaway_db import use_throwaway_database


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _writer(args: tuple[str, int, int, float, Any]) -> tuple[list[float], list[float]]:
    mode, organisation_id, events, work_ms, start = args
    from django.db import connection, transaction

    from core import audit

    if mode == "global":
        audit._chain_of = lambda organisation_id: "global"  # type: ignore[assignment]
    waits: list[float] = []
    totals: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if "FOR NO KEY UPDATE" in sql:  # the head lock (core.audit `_statements()["lock"]`)
                waits.append(time.perf_counter() - began)

    start.wait()
    with connection.execute_wrapper(timed):
        for n in range(events):
            began = time.perf_counter()
            with transaction.atomic():
                audit.audit_record(action="bench.event", organisation_id=organisation_id, detail={"n": n})
                if work_ms:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_sleep(%s)", [work_ms / 1000])
            totals.append(time.perf_counter() - began)
    connection.close()
    return waits, totals


def _run(mode: str, writers: int, events: int, work_ms: float, base: int) -> dict[str, float]:
    context = multiprocessing.get_context("fork")
    start = context.Manager().Barrier(writers)
    jobs = [(mode, base + w, events, work_ms, start) for w in range(writers)]
    began = time.perf_counter()
    with context.Pool(writers) as pool:
        results = pool.map(_writer, jobs)
    elapsed = time.perf_counter() - began
    waits = [w for result in results for w in result[0]]
    totals = [t for result in results for t in result[1]]
    return {
        "events/s": writers * events / elapsed,
        "lock wait p50 ms": 1000 * statistics.median(waits),
        "lock wait p95 ms": 1000 * _percentile(waits, 0.95),
        "record p50 ms": 1000 * statistics.median(totals),
        "record p95 ms": 1000 * _percentile(totals, 0.95),
    }


def _emit(results: dict[str, dict[str, float]], args: argparse.Namespace, *, intact: bool) -> None:
    from bench.report import emit

    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    one, per = results["one global chain"], results["chain per organisation"]
    note = f"{args.writers} writers x {args.events} events, {args.work_ms} ms work; load {load}; verify intact {intact}"
    emit(
        "audit",
        "events/s, chain per organisation",
        per["events/s"],
        "events/s",
        floor=one["events/s"],
        floor_what="one global chain (single-chain lock)",
        target="no global serialisation: above the single chain",
        met=per["events/s"] > one["events/s"],
        note=note,
    )
    for metric in ("lock wait p50 ms", "lock wait p95 ms", "record p50 ms", "record p95 ms"):
        emit(
            "audit",
            metric.replace(" ms", ""),
            per[metric],
            "ms",
            floor=one[metric],
            floor_what="one global chain",
            note=note,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--work-ms", type=float, default=1.0)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies --events")
    args = parser.parse_args()
    args.events = max(20, int(args.events * args.scale))
    drop = use_throwaway_database("audit")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from core.audit import audit_record, audit_verify

        call_command("migrate_schemas", "--shared", verbosity=0)
        for organisation_id in range(1, 2 * args.writers + 1):  # chains and keys exist before timing
            audit_record(action="bench.warm", organisation_id=organisation_id)
        audit_record(action="bench.warm", organisation_id=None)
        connections.close_all()  # the writers are forked: each opens its own connection
        results = {
            "one global chain": _run("global", args.writers, args.events, args.work_ms, 1),
            "chain per organisation": _run("per-org", args.writers, args.events, args.work_ms, args.writers + 1),
        }
        names = list(results)
        print(f"{args.writers} writer processes x {args.events} events, {args.work_ms} ms of work after each record")
        print(f"{'':22} {names[0]:>18} {names[1]:>24}   ratio")
        for metric in results[names[0]]:
            one, per = results[names[0]][metric], results[names[1]][metric]
            print(f"{metric:22} {one:>18.1f} {per:>24.1f}   {per / one if one else 0:.2f}x")
        connections.close_all()
        problems = audit_verify()
        print(f"audit_verify: {'intact' if not problems else problems[:3]}")
        _emit(results, args, intact=not problems)
    finally:
        drop()


if __name__ == "__main__":
    main()
