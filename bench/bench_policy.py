"""Cost of one sharing decision with 1,000 organisations and 5,000 agreements.

    .venv/bin/python -m bench.bench_policy [--scale 1.0]

Runs on a throwaway database (embedded PostgreSQL unless DATABASE_URL is set) that it
creates, migrates (public schema only) and drops. Organisations are inserted as rows only
(no tenant schemas: the policy never reads them). Agreements are spread over every state
(about 70 % active) with 2–4 parties each, a third of them network-style with 3–4 parties.

Reports the median and p95 of one `access_receive` decision (its terms through one server-side
prepared statement, then the pure `can_receive`) beside, in interleaved rounds of the same run:
the floor, the very same SQL as raw SQL through Django's cursor (rows only, no decision), and the
same SQL prepared on a bare psycopg cursor; the route before issue 14 (the same terms through the
ORM); and the naive ORM route that joins agreements, versions, parties and signatures and then
reads the flows out of each version's JSON in Python. Each figure is also emitted
(`bench.report.emit`) with its floor and the load average.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from bench.report import p50, p95
from bench.throwaway_db import use_throwaway_database

ORGANISATIONS = 1_000
AGREEMENTS = 5_000
QUERIES = 2_000
SEED = 20260501


def main() -> None:
    drop = use_throwaway_database("policy")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate_schemas", "--shared", verbosity=0)
        run()
    finally:
        drop()


def _organisations():
    from django.db import connection

    from tenants.models import Organisation, OrganisationKey, User

    connection.set_schema_to_public()
    orgs = Organisation.objects.bulk_create(
        Organisation(schema_name=f"org_bench_{i}", slug=f"bench-{i}", name=f"Bench {i}", kind="provider")
        for i in range(ORGANISATIONS)
    )
    keys = OrganisationKey.objects.bulk_create(
        OrganisationKey(
            organisation=o,
            purpose="signing",
            public_key=b"\0" * 32,
            wrapped_private_key=b"\0",
            master_key_id="bench",
            fingerprint=f"{o.pk:032x}",
        )
        for o in orgs
    )
    user = User.objects.create_user("bench@bench.example", None, full_name="Bench Runner")
    return orgs, {k.organisation_id: k for k in keys}, user


def _state(rng: random.Random) -> str:
    return rng.choices(
        ["active", "awaiting", "suspended", "expired", "terminated", "draft"], weights=[70, 10, 5, 5, 5, 5]
    )[0]


def _seed(rng: random.Random) -> list[tuple[int, int]]:
    """Insert the agreements in bulk; return (sender, recipient) pairs that appear in some flow."""
    from django.utils import timezone

    from agreements.flows import _version_rows
    from agreements.models import Agreement, AgreementFlow, AgreementParty, AgreementVersion, Signature

    orgs, keys, user = _organisations()
    today, now = date.today(), timezone.now()  # noqa: DTZ011
    specs = []
    for _ in range(AGREEMENTS):
        parties = rng.sample(orgs, rng.choice([2, 2, 3, 4]))
        specs.append((parties, _state(rng)))
    agreements = Agreement.objects.bulk_create(
        Agreement(
            title="Bench",
            drafted_by_organisation=p[0],
            drafted_by=user,
            suspended_at=now if s == "suspended" else None,
            terminates_at=now - timedelta(days=1) if s == "terminated" else None,
        )
        for p, s in specs
    )
    versions = AgreementVersion.objects.bulk_create(
        _version(a, p, s, user, today, now, rng) for a, (p, s) in zip(agreements, specs, strict=True)
    )
    for agreement, version in zip(agreements, versions, strict=True):
        agreement.current_version = version
    Agreement.objects.bulk_update(agreements, ["current_version"])
    AgreementParty.objects.bulk_create(
        AgreementParty(version=v, organisation=o, position=i)
        for v, (p, _) in zip(versions, specs, strict=True)
        for i, o in enumerate(p)
    )
    Signature.objects.bulk_create(
        Signature(
            version=v,
            organisation=o,
            signer=user,
            signer_name="Bench",
            signer_email="b@b",
            signer_role="s",
            signed_at=now,
            document_hash="0" * 64,
            key=keys[o.pk],
            key_fingerprint="",
            statement={},
            signature=b"\0",
        )
        for v, (p, s) in zip(versions, specs, strict=True)
        if s != "draft"
        for o in (p if s != "awaiting" else p[:1])
    )
    rows = []
    for agreement, version, (parties, _) in zip(agreements, versions, specs, strict=True):
        rows.extend(_version_rows(agreement, version, {o.slug: o.pk for o in parties}))
    AgreementFlow.objects.bulk_create(rows, batch_size=5000)
    print(f"seeded {len(orgs)} organisations, {len(agreements)} agreements, {len(rows)} flow rows")
    return [(r.sender_id, r.recipient_id) for r in rows]


def _version(agreement, parties, state, user, today, now, rng):  # noqa: ANN001, ANN202
    from agreements.models import AgreementVersion

    slugs = [o.slug for o in parties]
    start = today - timedelta(days=rng.randint(30, 300))
    expiry = today - timedelta(days=1) if state == "expired" else today + timedelta(days=rng.randint(30, 900))
    return AgreementVersion(
        agreement=agreement,
        number=1,
        created_by=user,
        title="Bench",
        purpose="p",
        purposes=["speaker_due_diligence", "network_reporting"],
        lawful_basis="6_1_e",
        data_items="d",
        flows=[{"kind": "speaker_check", "senders": slugs, "recipients": slugs, "max_level": "summary"}],
        retention_days=365,
        security="s",
        controllers="separate",
        legal_power="l",
        necessity="n",
        individual_rights="i",
        sharing_frequency="f",
        review_date=start,
        start_date=start,
        expiry_date=expiry,
        proposed_at=None if state == "draft" else now,
        fully_signed_at=now if state not in ("draft", "awaiting") else None,
    )


def naive_allows(source_id: int, recipient_id: int, level: int, purpose: str) -> bool:
    """The baseline: join agreements, versions, parties and signatures, then read the flows in Python."""
    from django.db.models import Count, F, OuterRef, Subquery
    from django.utils import timezone

    from agreements.flows import day_start
    from agreements.models import AgreementParty, AgreementVersion, Level, Signature

    def count(model):  # noqa: ANN001, ANN202
        rows = model.objects.filter(version=OuterRef("pk")).values("version").annotate(n=Count("*")).values("n")
        return Subquery(rows)

    now = timezone.now()
    versions = (
        AgreementVersion.objects.filter(pk=F("agreement__current_version"), parties__organisation=source_id)
        .filter(parties__organisation=recipient_id, agreement__suspended_at__isnull=True)
        .annotate(n_parties=count(AgreementParty), n_signed=count(Signature))
        .select_related("agreement")
    )
    slugs = {}
    for version in versions:
        if (version.n_signed or 0) < version.n_parties or not day_start(version.start_date) <= now < day_start(
            version.expiry_date
        ):
            continue
        ends = version.agreement.terminates_at
        if ends is not None and now >= ends or purpose not in version.purposes:
            continue
        if not slugs:
            from tenants.models import Organisation

            slugs = dict(Organisation.objects.filter(pk__in=[source_id, recipient_id]).values_list("pk", "slug"))
        for flow in version.flows:
            if (
                flow["kind"] == "speaker_check"
                and slugs[source_id] in flow["senders"]
                and slugs[recipient_id] in flow["recipients"]
                and level <= Level.from_code(flow["max_level"])
            ):
                return True
    return False


def _timed(calls) -> list[float]:  # noqa: ANN001
    timings = []
    for call in calls:
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _report(label: str, timings: list[float]) -> None:
    print(f"{label:<52} p50 {p50(timings):6.3f} ms   p95 {p95(timings):6.3f} ms   (n={len(timings)})")


def _floor_raw_sql(sql: str):  # noqa: ANN202
    """The same statement through Django's own (client-binding, unprepared) cursor: rows only, no decision."""
    from django.db import connection

    def run(source: int, recipient: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [source, "speaker_check", recipient])
            cursor.fetchall()

    return run


def _floor_prepared(sql: str):  # noqa: ANN202
    """The same statement prepared on a bare psycopg cursor: rows only, no Django, no decision."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)

    def run(source: int, recipient: int) -> None:
        cursor.execute(sql, [source, "speaker_check", recipient], prepare=True)
        cursor.fetchall()

    return run


def _orm_before(source: int, recipient: int) -> bool:
    """The policy as it was before issue 14: the same terms through the ORM (`_with_membership`), then `can_receive`."""
    from django.utils import timezone

    from agreements.models import AgreementFlow
    from agreements.policy import _TERM_FIELDS, _terms_from_row, _with_membership, can_receive

    rows = AgreementFlow.objects.filter(sender_id=source, kind="speaker_check", recipient_id=recipient)
    terms = [_terms_from_row(r) for r in _with_membership(rows).values_list(*_TERM_FIELDS)]
    return can_receive(
        terms,
        source_id=source,
        recipient_id=recipient,
        kind="speaker_check",
        level=2,
        purpose="speaker_due_diligence",
        at=timezone.now(),
    ).allowed


def run() -> None:
    from agreements.policy import SharingDenied, access_receive, recipients_for, terms_sql

    rng = random.Random(SEED)
    pairs = _seed(rng)
    org_ids = sorted({s for s, _ in pairs})
    # Half the queries are pairs under some agreement, half random pairs (mostly "no agreement").
    queries = [rng.choice(pairs) if i % 2 else tuple(rng.sample(org_ids, 2)) for i in range(QUERIES)]

    def decide(source: int, recipient: int) -> bool:
        try:
            access_receive(
                source_id=source, recipient_id=recipient, kind="speaker_check", level=2, purpose="speaker_due_diligence"
            )
        except SharingDenied:
            return False
        return True

    sql = terms_sql()["pair"]
    floor_raw, floor_prepared = _floor_raw_sql(sql), _floor_prepared(sql)
    checked = queries[:300]
    disagreements = sum(decide(s, r) != naive_allows(s, r, 2, "speaker_due_diligence") for s, r in checked)
    disagreements_before = sum(decide(s, r) != _orm_before(s, r) for s, r in checked)
    for s, r in queries[:50]:  # warm the connection and plan caches
        decide(s, r), naive_allows(s, r, 2, "speaker_due_diligence"), _orm_before(s, r)
        floor_raw(s, r), floor_prepared(s, r)
    # Interleaved rounds, so the other engineers' load falls on every contender alike.
    contenders = {
        "access_receive (prepared statement + can_receive)": decide,
        "floor: same SQL, raw, Django cursor (unprepared)": floor_raw,
        "floor: same SQL, prepared, bare psycopg cursor": floor_prepared,
        "before: same terms through the ORM + can_receive": _orm_before,
        "baseline: naive ORM join + JSON flows": lambda s, r: naive_allows(s, r, 2, "speaker_due_diligence"),
    }
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    for chunk in range(0, len(queries), 100):
        for name, call in contenders.items():
            timings[name] += _timed(lambda s=s, r=r, call=call: call(s, r) for s, r in queries[chunk : chunk + 100])
    for name, values in timings.items():
        _report(name, values)
    recipients = _timed(
        lambda s=s: recipients_for(source_id=s, kind="speaker_check", level=1, purpose="speaker_due_diligence")
        for s, _ in queries
    )
    _report("recipients_for (one source)", recipients)
    print(f"decisions compared with the baseline: {len(checked)}, disagreements: {disagreements}")
    print(f"decisions compared with the ORM route: {len(checked)}, disagreements: {disagreements_before}")
    print(f"load average: {_loadavg()}")
    _emit(timings, recipients, disagreements + disagreements_before)


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def _emit(timings: dict[str, list[float]], recipients: list[float], disagreements: int) -> None:
    from bench.report import emit

    names = list(timings)
    decide, raw, prepared, before, naive = (timings[n] for n in names)
    load = f"load {_loadavg()}; {ORGANISATIONS} orgs, {AGREEMENTS} agreements; disagreements {disagreements}"
    emit("policy", "access_receive p50", p50(decide), "ms", floor=p50(raw), floor_what="same SQL raw p50", note=load)
    emit(
        "policy",
        "access_receive p95",
        p95(decide),
        "ms",
        floor=p95(raw),
        floor_what="same SQL raw (unprepared) p95",
        target="p95 < 0.5 ms",
        met=p95(decide) < 0.5,
        note=load,
    )
    emit(
        "policy",
        "access_receive p95 vs prepared floor",
        p95(decide),
        "ms",
        floor=p95(prepared),
        floor_what="same SQL prepared, bare psycopg p95",
        note=load,
    )
    emit(
        "policy",
        "access_receive p95 vs ORM route (before)",
        p95(decide),
        "ms",
        floor=p95(before),
        floor_what="same terms via ORM + can_receive p95",
        note=load,
    )
    emit(
        "policy",
        "access_receive p95 vs naive",
        p95(decide),
        "ms",
        floor=p95(naive),
        floor_what="naive ORM join + JSON flows p95",
        note=load,
    )
    emit("policy", "recipients_for p95", p95(recipients), "ms", note=load)


def main_args() -> None:
    global ORGANISATIONS, AGREEMENTS, QUERIES  # noqa: PLW0603 (scale knobs of a script)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies organisations, agreements and queries")
    args = parser.parse_args()
    ORGANISATIONS = max(20, int(ORGANISATIONS * args.scale))
    AGREEMENTS = max(50, int(AGREEMENTS * args.scale))
    QUERIES = max(200, int(QUERIES * args.scale))
    main()


if __name__ == "__main__":
    main_args()
