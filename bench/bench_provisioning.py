"""Provisioning cost: one organisation (median of 20), and a no-op migrate_schemas over 100.

    .venv/bin/python -m bench.bench_provisioning

Runs on a throwaway database (embedded PostgreSQL unless DATABASE_URL is set) and drops it.
Baseline in the same run: a bare `CREATE SCHEMA` + Django `migrate` of the tenant apps is
what provisioning must cost at least; the standard migrate executor is the baseline for
the multiprocessing one.
"""

from __future__ import annotations

import statistics
import time

from bench.throwaway_db import use_throwaway_database


def main() -> None:
    drop = use_throwaway_database("provisioning")
    try:
        import django

        django.setup()
        run()
    finally:
        drop()


def _timed(func, *args, **kwargs) -> float:  # noqa: ANN001
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def run() -> None:
    from django.core.management import call_command

    from tenants.services import organisation_create

    call_command("migrate_schemas", "-v", "0")
    create_times = [
        _timed(organisation_create, actor=None, name=f"Bench College {n}", slug=f"bench-{n}", kind="provider")
        for n in range(20)
    ]
    bare = [_timed(_bare_schema, f"bare_{n}") for n in range(5)]
    print(
        f"provision one organisation: median {statistics.median(create_times) * 1000:.0f} ms, "
        f"p95 {sorted(create_times)[18] * 1000:.0f} ms over 20 "
        f"(bare CREATE SCHEMA + migrate baseline: median {statistics.median(bare) * 1000:.0f} ms over 5)"
    )
    for n in range(20, 100):
        organisation_create(actor=None, name=f"Bench College {n}", slug=f"bench-{n}", kind="provider")
    multi = _timed(call_command, "migrate_schemas", "--executor=multiprocessing", "-v", "0")
    standard = _timed(call_command, "migrate_schemas", "-v", "0")
    print(
        f"no-op migrate_schemas over 100 organisations (+ public, + 5 bare): "
        f"multiprocessing {multi:.1f} s, standard {standard:.1f} s"
    )


def _bare_schema(name: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command("migrate_schemas", "--tenant", "--schema", name, "-v", "0")


if __name__ == "__main__":
    main()
