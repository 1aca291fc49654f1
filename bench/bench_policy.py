"""Cost of one sharing decision with 1,000 organisations and 5,000 agreements.

    .venv/bin/python -m bench.bench_policy

Runs on a throwaway database (embedded PostgreSQL unless DATABASE_URL is set) that it
creates, migrates (public schema only) and drops. Organisations are inserted as rows only
(no tenant schemas: the policy never reads them). Agreements are spread over every state
(about 70 % active) with 2–4 parties each, a third of them network-style with 3–4 parties.

Reports the median and p95 of one `access_receive` decision and one `recipients_for` list,
against a baseline: the naive ORM route that joins agreements, versions, parties and
signatures and then reads the flows out of each version's JSON in Python.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

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
    p95 = statistics.quantiles(timings, n=20)[18]
    print(f"{label:<44} median {statistics.median(timings):6.3f} ms   p95 {p95:6.3f} ms   (n={len(timings)})")


def run() -> None:
    from agreements.policy import SharingDenied, access_receive, recipients_for

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

    disagreements = sum(decide(s, r) != naive_allows(s, r, 2, "speaker_due_diligence") for s, r in queries[:300])
    for s, r in queries[:50]:  # warm the connection and plan caches
        decide(s, r)
        naive_allows(s, r, 2, "speaker_due_diligence")
    _report("access_receive (one decision)", _timed(lambda s=s, r=r: decide(s, r) for s, r in queries))
    _report(
        "baseline: naive ORM join + JSON flows",
        _timed(lambda s=s, r=r: naive_allows(s, r, 2, "speaker_due_diligence") for s, r in queries),
    )
    _report(
        "recipients_for (one source)",
        _timed(
            lambda s=s: recipients_for(source_id=s, kind="speaker_check", level=1, purpose="speaker_due_diligence")
            for s, _ in queries
        ),
    )
    print(f"decisions compared with the baseline: 300, disagreements: {disagreements}")


if __name__ == "__main__":
    main()
