"""Bulk sharing throughput: sealed checks per second through `sharing.bulk.checks_share_bulk`.

    .venv/bin/python -m bench.bench_bulk [--checks 20000] [--batches 100,1000,5000] [--single 300] [--profile]

On a throwaway database (embedded PostgreSQL unless DATABASE_URL is set), dropped at the end,
seeded like bench_exchange (1,000 organisation rows with real X25519 exchange keys, 5,000
agreements in every state). For each batch size it shares `--checks` new checks, one call per
batch, rotating over the source organisations, and reports items/s (wall time, commit
included). In the same run:
  * the floor: COPY of the same number of rows (checks, envelopes, wrapped keys, tokens) of
    random bytes of the same sizes into the same tables, with no policy and no crypto;
  * the naive baseline: the one-by-one path (`services.check_share`), one check per call.
Every check stays sealed per the design: two envelopes, a data key each, wrapped per channel,
and blind-index tokens. Projections are generated per call, so memory stays bounded.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.bench_exchange import SEED, Projection, fictional_name, seed_organisations_with_keys
from bench.throwaway_db import use_throwaway_database

TABLES = ("sharing_sharedcheck", "sharing_envelope", "sharing_envelopekey", "sharing_nametoken")


def _load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def seed_world(rng: random.Random) -> list[Any]:
    """The policy benchmark's organisations and agreements plus real exchange keys; the source organisations."""
    from agreements.policy import Level, recipients_for
    from sharing.services import KIND, PURPOSE

    orgs = seed_organisations_with_keys(rng)
    return [o for o in orgs if recipients_for(source_id=o.pk, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE)]


class Requests:
    """Fresh request ids and fictional names, about four checks per name."""

    def __init__(self, rng: random.Random, names: int) -> None:
        self.rng = rng
        self.names = [fictional_name(rng) for _ in range(max(names, 10))]
        self.next_id = 0

    def batch(self, size: int) -> list[Projection]:
        out = []
        for _ in range(size):
            self.next_id += 1
            out.append(Projection(self.next_id, self.rng.choice(self.names), "2027-10-31"))
        return out


def _counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def _batches(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def run_bulk(sources: list[Any], requests: Requests, checks: int, size: int) -> tuple[float, dict[str, int]]:
    """Share `checks` checks in calls of `size`; (items/s, rows written per table)."""
    from sharing.bulk import checks_share_bulk

    before = _counts()
    shared, start = 0, time.perf_counter()
    for n, count in enumerate(_batches(checks, size)):
        shared += checks_share_bulk(actor=None, source=sources[n % len(sources)], projections=requests.batch(count))
    elapsed = time.perf_counter() - start
    after = _counts()
    return shared / elapsed, {t: after[t] - before[t] for t in TABLES}


def run_single(sources: list[Any], requests: Requests, checks: int) -> float:
    """`check_share` one check per call. Match notifications are off (these organisations have no
    tenant schema to look in, and the bulk path sends none either); everything else runs."""
    from sharing import matches
    from sharing.services import check_share

    finders, matches._finders[:] = list(matches._finders), []
    try:
        start = time.perf_counter()
        for n in range(checks):
            (projection,) = requests.batch(1)
            check_share(actor=None, source=sources[n % len(sources)], projection=projection)
        return checks / (time.perf_counter() - start)
    finally:
        matches._finders[:] = finders


def _sizes() -> dict[str, int]:
    """Mean stored sizes of the sealed columns, so the floor writes rows of the same width."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT avg(length(sealed))::int FROM sharing_envelope")
        sealed = cursor.fetchone()[0] or 400
        cursor.execute("SELECT avg(length(wrapped_data_key))::int FROM sharing_envelopekey")
        wrapped = cursor.fetchone()[0] or 61
    return {"sealed": sealed, "wrapped": wrapped}


_floor_ref = 0


def run_floor(sources: list[Any], rows: dict[str, int], size: int) -> float:
    """COPY the same rows as one bulk run wrote, of random bytes and no crypto, in calls of `size` checks."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from sharing.bulk import _ids

    widths = _sizes()
    checks = rows["sharing_sharedcheck"]
    per_check = {t: rows[t] / checks for t in TABLES}
    expires = timezone.now() + dt.timedelta(days=300)
    global _floor_ref
    done, start = 0, time.perf_counter()
    for n, count in enumerate(_batches(checks, size)):
        source = sources[n % len(sources)]
        envelopes = round(count * per_check["sharing_envelope"])
        keys = round(count * per_check["sharing_envelopekey"])
        tokens = round(count * per_check["sharing_nametoken"])
        with transaction.atomic(), connection.cursor() as cursor:
            check_ids = _ids("sharing_sharedcheck", count)
            envelope_ids = _ids("sharing_envelope", envelopes)
            now = timezone.now()
            with cursor.cursor.copy(
                "COPY sharing_sharedcheck (id, source_id, kind, source_ref, version, is_current, created_at, "
                "expires_at) FROM STDIN"
            ) as copy:
                for cid in check_ids:
                    _floor_ref += 1
                    copy.write_row((cid, source.pk, "speaker_check", f"floor:{_floor_ref}", 1, True, now, expires))
            with cursor.cursor.copy(
                "COPY sharing_envelope (id, check_id, level, sealed, created_at) FROM STDIN"
            ) as copy:
                for i, eid in enumerate(envelope_ids):
                    copy.write_row((eid, check_ids[i // 2], 1 + i % 2, os.urandom(widths["sealed"]), now))
            cursor.execute("SELECT id FROM sharing_channelkey ORDER BY id LIMIT 16")
            channels = [r[0] for r in cursor.fetchall()]
            with cursor.cursor.copy(
                "COPY sharing_envelopekey (envelope_id, channel_id, wrapped_data_key, expires_at) FROM STDIN"
            ) as copy:
                for i in range(keys):
                    copy.write_row(
                        (
                            envelope_ids[i % envelopes],
                            channels[(i // envelopes) % len(channels)],
                            os.urandom(widths["wrapped"]),
                            expires,
                        )
                    )
            with cursor.cursor.copy("COPY sharing_nametoken (check_id, digest) FROM STDIN") as copy:
                for i in range(tokens):
                    copy.write_row((check_ids[i % count], os.urandom(32).hex()))
        done += count
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=20_000, help="checks shared per batch size")
    parser.add_argument("--batches", default="100,1000,5000", help="comma-separated checks per call")
    parser.add_argument("--single", type=int, default=300, help="checks shared one by one (check_share)")
    parser.add_argument("--sources", type=int, default=20, help="source organisations the calls rotate over")
    parser.add_argument("--profile", action="store_true", help="cProfile the bulk runs; print the top 40")
    args = parser.parse_args()
    sizes = [int(s) for s in args.batches.split(",") if s]
    drop = use_throwaway_database("bulk")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bench.report import emit
        from sharing.bulk import checks_share_bulk

        call_command("migrate_schemas", "--shared", verbosity=0)
        rng = random.Random(SEED)
        sources = seed_world(rng)[: args.sources]
        requests = Requests(rng, args.checks // 4)
        start = time.perf_counter()
        for source in sources:  # first shares create the channels and grants: timed apart
            checks_share_bulk(actor=None, source=source, projections=requests.batch(1))
        print(
            f"{len(sources)} source organisations; first share of each (creates channels and grants): "
            f"{(time.perf_counter() - start) / len(sources) * 1000:.0f} ms each; load {_load()}"
        )
        single = run_single(sources, requests, args.single) if args.single else None
        if single is not None:
            print(f"naive: check_share one by one, {args.single} checks: {single:,.0f} items/s")
        profiler = cProfile.Profile() if args.profile else None
        for size in sizes:
            if profiler:
                profiler.enable()
            rate, rows = run_bulk(sources, requests, args.checks, size)
            if profiler:
                profiler.disable()
            floor = run_floor(sources, rows, size)
            per_check = ", ".join(f"{rows[t] / rows[TABLES[0]]:.2f} {t.split('_')[1]}" for t in TABLES[1:])
            load = _load()
            print(
                f"bulk, {size:>5} per call: {rate:>8,.0f} items/s | floor (COPY random bytes, same rows, no "
                f"crypto): {floor:>8,.0f} items/s | ratio {rate / floor:.2f} | per check: {per_check} | load {load}"
            )
            emit(
                "bulk",
                f"bulk share, {size} per call, {args.checks} checks",
                rate,
                "items/s",
                floor=floor,
                floor_what="COPY of the same rows of random bytes, no crypto",
                target=">= 5,000 items/s",
                met=rate >= 5000,
                note=f"load {load}",
            )
            if single is not None:
                emit(
                    "bulk",
                    f"bulk share, {size} per call, vs one-by-one check_share",
                    rate,
                    "items/s",
                    floor=single,
                    floor_what="check_share, one check per call (naive)",
                    note=f"load {load}",
                )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
            print(out.getvalue())
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
