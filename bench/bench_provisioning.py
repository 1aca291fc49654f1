"""Provisioning cost (issue 14) and migrating many organisations at deploy (issue 15).

    .venv/bin/python -m bench.bench_provisioning [--samples 20] [--baseline 5] [--orgs 100] [--processes 2]

Runs on a throwaway database (embedded PostgreSQL unless DATABASE_URL is set) and drops it.
In one run, beside each other:

* `organisation_create` (schema by checked replay, host, key pairs, audit, commit): median, p95;
* the floor: `CREATE SCHEMA` + the same DDL replayed in one batch, committed, nothing else;
* the baseline: a bare `CREATE SCHEMA` + `migrate_schemas` of it (what provisioning cost before);
* `migrate_organisations` over `--orgs` organisations with nothing to apply: `--processes`
  workers against one process, and `migrations_verify` over all of them.

Times depend on the machine's load; the ratios to the floor and baseline are the figures to read.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

from bench.report import emit, p95
from bench.throwaway_db import use_throwaway_database

BENCH = "provisioning"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20, help="organisations created by the hub (timed)")
    parser.add_argument("--baseline", type=int, default=5, help="schemas made by real migrate (timed)")
    parser.add_argument("--orgs", type=int, default=100, help="organisations for the migrate-all run")
    parser.add_argument("--processes", type=int, default=2, help="worker processes for migrate_organisations")
    args = parser.parse_args()
    drop = use_throwaway_database("provisioning")
    try:
        import django

        django.setup()
        run(samples=args.samples, baseline=args.baseline, orgs=args.orgs, processes=args.processes)
    finally:
        drop()


def _ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def run(*, samples: int, baseline: int, orgs: int, processes: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from tenants import provisioning
    from tenants.services import organisation_create

    call_command("migrate_schemas", "--shared", "-v", "0")
    start = time.perf_counter()
    script = provisioning.script()
    recording = time.perf_counter() - start

    created: list[float] = []
    floor: list[float] = []
    for n in range(samples):
        # Interleaved, so load changes hit both alike.
        start = time.perf_counter()
        organisation_create(actor=None, name=f"Bench College {n}", slug=f"bench-{n}", kind="provider")
        created.append(time.perf_counter() - start)
        start = time.perf_counter()
        with transaction.atomic():
            provisioning.replay_sql(schema_name=f"floor_{n}", sql=script.sql)
        floor.append(time.perf_counter() - start)
    migrated: list[float] = []
    for n in range(baseline):
        start = time.perf_counter()
        with transaction.atomic():
            provisioning.schema_provision(schema_name=f"bare_{n}", replay=False)
        migrated.append(time.perf_counter() - start)
    created, floor, migrated = _ms(created), _ms(floor), _ms(migrated)
    load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"

    print(f"load average (1 min) {load}; script: {script.statements} statements, recorded in {recording:.1f} s")
    print(f"{'':44} {'median ms':>10} {'p95 ms':>10}")
    for label, values in (
        (f"organisation_create (hub), n={samples}", created),
        (f"CREATE SCHEMA + DDL in one batch (floor), n={samples}", floor),
        (f"CREATE SCHEMA + migrate (baseline), n={baseline}", migrated),
    ):
        print(f"{label:44} {statistics.median(values):10.0f} {p95(values):10.0f}")
    median = statistics.median(created)
    emit(
        BENCH,
        "provision one organisation, median",
        median,
        "ms",
        floor=statistics.median(floor),
        floor_what="CREATE SCHEMA + the same DDL in one batch, same run",
        target="median < 100 ms",
        met=median < 100,
        note=f"load {load}",
    )
    emit(
        BENCH,
        "provision one organisation, p95",
        p95(created),
        "ms",
        floor=p95(floor),
        floor_what="CREATE SCHEMA + the same DDL in one batch, same run",
        note=f"load {load}",
    )
    emit(
        BENCH,
        "baseline: CREATE SCHEMA + migrate_schemas, median",
        statistics.median(migrated),
        "ms",
        floor=median,
        floor_what="organisation_create by checked replay, same run",
        note=f"load {load}; ratio = speed-up of the replay",
    )
    emit(BENCH, "recording the script (once per process and migration graph)", recording * 1000, "ms")
    _migrate_many(orgs=orgs, already=samples, processes=processes, load=load)


def _migrate_many(*, orgs: int, already: int, processes: int, load: str) -> None:
    from django.core.management import call_command

    from tenants.services import organisation_create

    for n in range(already, orgs):
        organisation_create(actor=None, name=f"Bench College {n}", slug=f"bench-{n}", kind="provider")
    count = max(orgs, already)
    timings: dict[int, float] = {}
    for workers in sorted({processes, 1}, reverse=True):
        out = io.StringIO()
        start = time.perf_counter()
        call_command("migrate_organisations", "--skip-public", "--processes", str(workers), stdout=out)
        timings[workers] = time.perf_counter() - start
        lines = out.getvalue().splitlines()
        progress = [line for line in lines if line.startswith("[")]
        print(f"migrate_organisations --processes {workers}: {len(progress)} progress lines, e.g.")
        for line in progress[:2] + progress[-1:]:
            print("   ", line)
        print("   ", lines[-1])
    start = time.perf_counter()
    call_command("migrations_verify", stdout=io.StringIO())
    verify = time.perf_counter() - start
    print(f"migrations_verify over {count} organisations: {verify * 1000:.0f} ms")
    emit(
        BENCH,
        f"no-op migrate of {count} organisations, {processes} processes",
        timings[processes],
        "s",
        floor=timings[1],
        floor_what="the same, 1 process, same run",
        note=f"load {load}",
    )
    emit(BENCH, f"migrations_verify over {count} organisations", verify * 1000, "ms", note=f"load {load}")


if __name__ == "__main__":
    main()
