"""The exchange at scale: 1,000 organisations, 5,000 agreements, 1,000,000 shared speaker checks.

    .venv/bin/python -m bench.bench_exchange [--checks 100000] [--searches 300] [--http-requests 2000]

On a throwaway database (embedded PostgreSQL unless DATABASE_URL is set), dropped at the end.
In one run it reports:
  * seeding throughput of the bulk path (sharing.bulk.checks_share_bulk), items/s;
  * (a) search through the service layer: policy + blind-index lookup + unwrap + unseal + audit;
  * (b) the floor: the same lookup as raw SQL on a plaintext, indexed column of the same table;
  * (c) the naive design: a loop over tenant schemas (100 sampled, extrapolated to 1,000);
  * HTTP p50/p95 of the search endpoint under a fixed concurrent load from a second process.
Names are synthetic and fictional (syllables), about four checks per distinct name.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.throwaway_db import ROOT, use_throwaway_database

SEED = 20261129
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "na",
    "ri",
    "se",
    "to",
    "vu",
    "an",
    "el",
    "or",
    "da",
    "fe",
    "ha",
    "jo",
    "ne",
    "sa",
    "ti",
    "ba",
    "ku",
    "ye",
    "zo",
    "ma",
    "le",
]


def fictional_name(rng: random.Random) -> str:
    def word(parts: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    return f"{word(rng.choice([2, 3]))} {word(rng.choice([2, 3, 3]))}"


@dataclass
class Projection:
    request_id: int
    name: str
    expires_on: str
    decided_on: str = field(default="2026-11-01")

    def per_speaker(self, *, full: bool = False) -> list[dict[str, Any]]:
        record = {
            "speaker_name": self.name,
            "request_id": self.request_id,
            "event_date": "2026-12-01",
            "event_format": "in_person",
            "open_to_public": True,
            "outcome": "approved_with_mitigations",
            "mitigations": ["Independent chair", "Recording"],
            "decided_on": self.decided_on,
            "expires_on": self.expires_on,
        }
        if full:
            record["rationale"] = "Lawful speech; independent chair and recording agreed with the organiser."
        return [record]


def _percentiles(timings: list[float]) -> str:
    ordered = sorted(timings)
    return (
        f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.2f} ms"
        f" over {len(ordered)}"
    )


def seed_organisations_with_keys(rng: random.Random) -> list[Any]:
    """The policy benchmark's 1,000 organisations and 5,000 agreements, each organisation with a real
    X25519 exchange key pair wrapped by the master key. Returns the organisations, by id."""
    from bench.bench_policy import _seed
    from core import crypto
    from core.keys import load_master_key
    from tenants.keys import _context
    from tenants.models import Organisation, OrganisationKey

    _seed(rng)
    orgs = list(Organisation.objects.exclude(schema_name="public").order_by("pk"))
    master = load_master_key()
    keys = []
    for org in orgs:
        private, public = crypto.generate_exchange_keypair()
        keys.append(
            OrganisationKey(
                organisation=org,
                purpose="exchange",
                public_key=public,
                wrapped_private_key=crypto.wrap_with_master(master, private, context=_context(org.pk, "exchange")),
                master_key_id=crypto.master_key_id(master),
                fingerprint=f"x{org.pk}",
            )
        )
    OrganisationKey.objects.bulk_create(keys)
    return orgs


def seed(checks: int, rng: random.Random) -> tuple[list[Any], list[str], dict[str, int]]:
    from django.db import connection

    from sharing.bulk import checks_share_bulk
    from sharing.services import NothingToShare

    orgs = seed_organisations_with_keys(rng)
    names = [fictional_name(rng) for _ in range(max(checks // 4, 10))]
    per_org = checks // len(orgs)
    owner: dict[str, int] = {}
    shared, request_id, start = 0, 0, time.perf_counter()
    for org in orgs:
        batch = []
        for _ in range(per_org):
            request_id += 1
            name = rng.choice(names)
            owner.setdefault(name, org.pk)
            batch.append(Projection(request_id, name, "2027-10-31"))
        try:
            shared += checks_share_bulk(actor=None, source=org, projections=batch)
        except NothingToShare:
            continue
        if org.pk % 100 == 0:
            rate = shared / (time.perf_counter() - start)
            print(f"  seeded {shared:,} checks ({rate:,.0f} items/s)", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - start
    print(
        f"seeding (bulk path): {shared:,} checks in {elapsed:.0f} s = {shared / elapsed:,.0f} items/s "
        f"(each: 2 envelopes, 3+ wrapped keys, 3 blind-index tokens)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size after seeding: {cursor.fetchone()[0]}")
    return orgs, names, owner


def add_plaintext_floor(names: list[str]) -> None:
    """(b): a plaintext name column on the same table, filled and indexed, for the floor query only."""
    from django.db import connection

    from sharing.names import name_words

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE sharing_sharedcheck ADD COLUMN bench_name text")
        cursor.execute("CREATE TEMP TABLE bench_tokens (digest text, name text)")
        from sharing.keys import blind_index_key, blind_tokens
        from sharing.names import index_tokens

        key = blind_index_key()
        with cursor.cursor.copy("COPY bench_tokens (digest, name) FROM STDIN") as copy:
            for name in names:
                # Only the every-word `name:` token names one word set; the others (middle names left
                # out, `init:`) are shared by different names.
                words = " ".join(sorted(name_words(name)))
                for digest in blind_tokens([t for t in index_tokens(name) if t == f"name:{words}"], key=key):
                    copy.write_row((digest, words))
        cursor.execute("CREATE INDEX ON bench_tokens (digest)")
        cursor.execute(
            "UPDATE sharing_sharedcheck s SET bench_name = t.name FROM sharing_nametoken n "
            "JOIN bench_tokens t ON t.digest = n.digest WHERE n.check_id = s.id"
        )
        cursor.execute("CREATE INDEX bench_name_idx ON sharing_sharedcheck (bench_name)")
        # Fresh statistics for every table (what autovacuum gives a live database), for both sides.
        cursor.execute("ANALYZE")


def floor_search(name: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    from sharing.names import name_words

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, source_id, version, expires_at FROM sharing_sharedcheck WHERE bench_name = %s "
            "AND is_current AND withdrawn_at IS NULL AND destroyed_at IS NULL AND expires_at > now()",
            [" ".join(sorted(name_words(name)))],
        )
        return cursor.fetchall()


def make_naive_schemas(orgs: list[Any], rng: random.Random, names: list[str], per_org: int) -> list[str]:
    """(c): 100 tenant-style schemas, each with its own plaintext table of that organisation's checks."""
    from django.db import connection

    schemas = []
    with connection.cursor() as cursor:
        for org in orgs[:100]:
            schema = f"naive_{org.pk}"
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            cursor.execute(
                f'CREATE TABLE "{schema}".speaker_check (id serial primary key, name text, outcome text, '
                f"decided_on date, mitigations text)"
            )
            with cursor.cursor.copy(
                f'COPY "{schema}".speaker_check (name, outcome, decided_on, mitigations) FROM STDIN'
            ) as copy:
                for _ in range(per_org):
                    copy.write_row((rng.choice(names).lower(), "approved", "2026-11-01", "Independent chair"))
            cursor.execute(f'CREATE INDEX ON "{schema}".speaker_check (name)')
            schemas.append(schema)
    return schemas


def naive_search(schemas: list[str], name: str) -> int:
    from django.db import connection

    found = 0
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                f'SELECT id, outcome, decided_on FROM "{schema}".speaker_check WHERE name = %s', [name.lower()]
            )
            found += len(cursor.fetchall())
    return found


def visible_pairs(count: int) -> list[tuple[int, str]]:
    """(organisation, name) pairs where the organisation holds a grant to a check of that name."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.recipient_id, s.bench_name FROM sharing_sharedcheck s TABLESAMPLE SYSTEM (1) "
            "JOIN sharing_envelope e ON e.check_id = s.id AND e.level = 2 "
            "JOIN sharing_envelopekey k ON k.envelope_id = e.id "
            "JOIN sharing_channelkey c ON c.id = k.channel_id AND c.agreement_id IS NOT NULL "
            "JOIN sharing_channelgrant g ON g.channel_id = c.id LIMIT %s",
            [count],
        )
        return cursor.fetchall()


def _timed_search(org: Any, name: str) -> tuple[float, int]:
    from sharing.selectors import speaker_check_search

    start = time.perf_counter()
    found = speaker_check_search(organisation=org, user=None, name=name)
    return time.perf_counter() - start, len(found)


def statements_of(org: Any, name: str) -> tuple[int, int, int]:
    """(statements, reads, found) of one search, counted with Django's CaptureQueriesContext.

    Reads are the SELECTs other than the audit recorder's chain-head locks (its own statements).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharing.selectors import speaker_check_search

    with CaptureQueriesContext(connection) as captured:
        found = speaker_check_search(organisation=org, user=None, name=name)
    sql = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    reads = [s for s in sql if s.startswith(("SELECT", "WITH")) and "CORE_AUDITCHAIN" not in s]
    return len(sql), len(reads), len(found)


def never_assessed(rng: random.Random, names: list[str], count: int) -> list[str]:
    """Fictional names of the same shape that no check holds (longer words than any seeded one)."""
    taken = set(names)
    found: list[str] = []
    while len(found) < count:
        name = f"{fictional_name(rng)}{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}"
        if name not in taken:
            found.append(name)
    return found


def compare(
    orgs: list[Any], names: list[str], searches: int, rng: random.Random, schemas: list[str], checks: int
) -> None:
    from bench.report import emit, p50, p95

    by_pk = {o.pk: o for o in orgs}
    random_queries = [(rng.choice(orgs), rng.choice(names)) for _ in range(searches)]
    unknown_queries = [(rng.choice(orgs), name) for name in never_assessed(rng, names, searches // 2)]
    visible_queries = [(by_pk[org_id], name) for org_id, name in visible_pairs(searches) if org_id in by_pk]
    for org, name in random_queries[:20]:  # warm: the blind-index key cache, plans, content types
        _timed_search(org, name)
    hits: list[float] = []
    misses: list[float] = []
    floor: list[float] = []
    naive: list[float] = []
    sample = random_queries + unknown_queries + visible_queries
    rng.shuffle(sample)
    for org, name in sample:
        elapsed, found = _timed_search(org, name)
        (hits if found else misses).append(elapsed)
    for _, name in sample:
        start = time.perf_counter()
        floor_search(name)
        floor.append(time.perf_counter() - start)
    for _, name in random_queries[:50]:
        start = time.perf_counter()
        naive_search(schemas, name)
        naive.append((time.perf_counter() - start) * (len(orgs) / len(schemas)))
    ms = 1000.0
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"load average (1 min) at the end of the searches: {load}")
    print(
        f"(a) hub search, service layer (policy + index + unwrap + unseal + audit), all: {_percentiles(hits + misses)}"
    )
    print(f"    hits (>= 1 result opened and audited): {_percentiles(hits)}")
    print(f"    misses (nothing the searcher may see; {len(unknown_queries)} never assessed): {_percentiles(misses)}")
    print(f"(b) floor, raw SQL on an indexed plaintext column: {_percentiles(floor)}")
    print(
        f"(c) naive loop over tenant schemas ({len(schemas)} sampled, x{len(orgs) // len(schemas)} "
        f"extrapolated): {_percentiles(naive)}"
    )
    floor_p50, floor_p95 = p50(floor) * ms, p95(floor) * ms
    scale = f"{checks // 1000}k checks, load {load}"
    target = "p95 ≤ 3× the raw-SQL floor"
    for label, samples in (("hits", hits), ("misses", misses)):
        if not samples:
            continue
        value95 = p95(samples) * ms
        print(f"    {label}: p95 / floor p95 = {value95 / floor_p95:.1f}x")
        emit(
            "exchange",
            f"search {label} p50, service layer ({scale})",
            p50(samples) * ms,
            "ms",
            floor=floor_p50,
            floor_what="raw SQL on an indexed plaintext column, p50",
        )
        emit(
            "exchange",
            f"search {label} p95, service layer ({scale})",
            value95,
            "ms",
            floor=floor_p95,
            floor_what="raw SQL on an indexed plaintext column, p95",
            target=target,
            met=value95 <= 3 * floor_p95,
        )
    emit(
        "exchange",
        f"naive loop over tenant schemas p95 ({scale})",
        p95(naive) * ms,
        "ms",
        floor=floor_p95,
        floor_what="raw SQL on an indexed plaintext column, p95",
    )
    hit_org, hit_name = visible_queries[0] if visible_queries else random_queries[0]
    for label, (org, name) in (("hit", (hit_org, hit_name)), ("miss", unknown_queries[0])):
        total, reads, found = statements_of(org, name)
        print(f"statements per {label}: {total} ({reads} read{'s' if reads != 1 else ''}; found {found})")
        emit(
            "exchange",
            f"statements per search {label}",
            total,
            "statements",
            note=f"{reads} read statement(s); the rest are the openings and the audit recorder's writes",
        )
        emit(
            "exchange", f"read statements per search {label}", reads, "statements", target="one or two", met=reads <= 2
        )


def http_load(orgs: list[Any], names: list[str], requests: int, concurrency: int) -> None:
    """Serve the bench database with uvicorn and load the search endpoint from a second process."""
    from django.db import connection

    from tenants import services as tenant_services
    from tenants.models import Domain, User

    org = orgs[0]
    org.create_schema(check_if_exists=True, verbosity=0)
    connection.set_schema_to_public()
    Domain.objects.create(domain=f"{org.slug}.hub.localhost", tenant=org, is_primary=True)
    user = User.objects.create_user("load@bench.example", None, full_name="Load Runner")
    tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=["prevent_lead"])
    _, token = tenant_services.api_token_create(actor=user, organisation=org, name="load")
    port = 8199
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="hub.settings.dev", DJANGO_DEBUG="0", HUB_LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "hub.asgi:application",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(6)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(names[:5000]))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.http_load",
                "--port",
                str(port),
                "--host",
                f"{org.slug}.hub.localhost",
                "--token",
                token,
                "--names",
                handle.name,
                "-n",
                str(requests),
                "-c",
                str(concurrency),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout)
        print(
            f"HTTP POST /api/v1/exchange/search/ under load ({figures['concurrency']} concurrent clients in a second "
            f"process, uvicorn with 2 workers): p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"{figures['throughput_rps']} req/s, {figures['errors']} errors {figures['error_statuses']} over "
            f"{figures['requests']} requests"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
        Path(handle.name).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=100_000, help="shared checks to seed (1000000 for 1M)")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--http-requests", type=int, default=0, help="0: no HTTP part (see bench/bench_http.py)")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    drop = use_throwaway_database("exchange")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate_schemas", "--shared", verbosity=0)
        rng = random.Random(SEED)
        orgs, names, _ = seed(args.checks, rng)
        add_plaintext_floor(names)
        schemas = make_naive_schemas(orgs, rng, names, args.checks // len(orgs))
        compare(orgs, names, args.searches, rng, schemas, args.checks)
        if args.http_requests:
            http_load(orgs, names, args.http_requests, args.concurrency)
    finally:
        drop()


if __name__ == "__main__":
    main()
