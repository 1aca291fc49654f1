"""Migrate the public schema, then every organisation's, in parallel, showing progress; then verify."""

from __future__ import annotations

import functools
import multiprocessing
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tenants.provisioning import organisation_schemas, organisations_missing_migrations


def _migrate_one(schema_name: str, *, in_worker: bool = False) -> tuple[str, float, str]:
    """(schema, seconds, "" or the error); a worker process closes its connection after."""
    start = time.perf_counter()
    try:
        call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    except Exception as exc:  # noqa: BLE001 (reported per schema; the run goes on)
        # A migration error names migrations, tables and constraints, never rows.
        first_line = (str(exc).splitlines() or [""])[0][:300]
        return schema_name, time.perf_counter() - start, f"{type(exc).__name__}: {first_line}"
    finally:
        if in_worker:
            connections.close_all()
    return schema_name, time.perf_counter() - start, ""


class Command(BaseCommand):
    help = (
        "Migrate the public schema, then every organisation schema (N worker processes), printing "
        "n/N organisations and the elapsed time; then check that every schema records every "
        "migration (as `migrations_verify`). Exits non-zero if any schema failed or misses one."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--processes", type=int, default=2, help="Worker processes (default 2; 1 = in process).")
        parser.add_argument("--skip-public", action="store_true", help="Do not migrate the public schema first.")
        parser.add_argument("--schema", action="append", help="Migrate only this organisation schema (repeatable).")

    def handle(self, *args: Any, processes: int, skip_public: bool, schema: list[str] | None, **options: Any) -> None:
        start = time.perf_counter()
        if not skip_public:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
            self.stdout.write(f"public schema migrated ({time.perf_counter() - start:.1f} s)")
        names = schema or organisation_schemas()
        total = len(names)
        failed: list[tuple[str, str]] = []
        for done, (name, seconds, error) in enumerate(self._run(names, processes), start=1):
            if error:
                failed.append((name, error))
            state = f"FAILED ({error})" if error else "ok"
            elapsed = time.perf_counter() - start
            self.stdout.write(f"[{done}/{total}] {name} {state} in {seconds:.2f} s; elapsed {elapsed:.1f} s")
        missing = organisations_missing_migrations(names)
        for name, lacking in missing.items():
            self.stdout.write(f"{name}: still misses {len(lacking)} migrations")
        self.stdout.write(
            f"{total - len(failed)}/{total} organisations migrated in {time.perf_counter() - start:.1f} s; "
            f"{len(missing)} miss migrations"
        )
        if failed or missing:
            raise CommandError(f"{len(failed)} organisation schemas failed; {len(missing)} miss migrations.")

    def _run(self, names: list[str], processes: int):  # noqa: ANN202 (a generator of _migrate_one results)
        if processes <= 1 or len(names) <= 1:
            for name in names:
                yield _migrate_one(name)
            return
        connections.close_all()  # forked workers must not share the parent's connection
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with context.Pool(processes=processes) as pool:
            yield from pool.imap_unordered(functools.partial(_migrate_one, in_worker=True), names)
