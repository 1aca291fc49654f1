"""What the fault tests run inside a hub process (`python -m tests.faults.hub_script <command> …`).

Each command sets Django up against the private cluster (DATABASE_URL), does one thing with the
hub's real services and prints one JSON object on its last line of output:

    setup                      organisations, people, an agreement in force, decided requests, sessions
    share ORG REQUEST_ID       share (again) a decided request's checks, as its reviewer
    sign-prepare               a new agreement, proposed and signed by alderley; prints its id
    sign AGREEMENT_ID          brackenford's signatory signs it (the last signature: it comes into force)
    import ROWS                alderley's admin imports ROWS decided requests from a CSV
    rotate                     `manage.py master_key_rewrap`
    invariants                 the rows that must go together, checked; the audit chain verified
    open-all                   every wrapped key unwrapped and every current shared check opened

`--kill MODULE.ATTR:N` (any command) wraps that function so that its Nth call kills this process
with SIGKILL before running: a crash at a chosen point, with the fault hook kept here, out of the
application code. Fictional names only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
from collections import Counter
from typing import Any

PASSWORD = "correct-horse-battery"
HOST_SUFFIX = ".hub.localhost"


def install_fault(spec: str) -> None:
    """Make the `count`th call of `module.attr` (spec "module.attr:count") SIGKILL this process."""
    target, _, count = spec.rpartition(":")
    module_name, _, attr = target.rpartition(".")
    module = importlib.import_module(module_name)
    original = getattr(module, attr)
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls >= int(count):
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(module, attr, wrapper)


def _org(slug: str) -> Any:
    from tenants.models import Organisation

    return Organisation.objects.get(slug=slug)


def _member(organisation: Any, *roles: str, **fields: Any) -> Any:
    import secrets

    from tenants import services
    from tests.factories import UserFactory

    # Each process starts the factory's sequence again: a random address keeps emails unique.
    fields.setdefault("email", f"person-{secrets.token_hex(6)}@test.example")
    user = UserFactory(**fields)
    services.membership_grant(actor=None, organisation=organisation, user=user, roles=list(roles))
    return user


def _cookie(organisation: Any, user: Any) -> str:
    """A signed-in session with the second factor passed, as tests.conftest.client_on makes one."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import verify_second_factor

    client = Client(HTTP_HOST=f"{organisation.slug}{HOST_SUFFIX}")
    client.force_login(user)
    verify_second_factor(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _people(slug: str) -> dict[str, Any]:
    from tenants.models import Membership

    found: dict[str, Any] = {}
    for membership in Membership.objects.filter(organisation__slug=slug).select_related("user"):
        for role in membership.roles:
            found.setdefault(role, membership.user)
    return found


def setup() -> dict[str, Any]:
    """Two universities with an agreement in force, decided requests at alderley, and sessions for the load."""
    from django_tenants.utils import tenant_context

    from tenants import services
    from tenants.models import OrganisationKind, Role
    from tests.agreements.conftest import Drafting
    from tests.speakers.conftest import SPEAKERS, approve, assess, submit

    create = services.organisation_create
    alderley = create(actor=None, name="Alderley University", slug="alderley", kind=OrganisationKind.PROVIDER)
    brackenford = create(actor=None, name="Brackenford University", slug="brackenford", kind=OrganisationKind.PROVIDER)
    drafting = Drafting(_member)
    agreement = drafting.active([alderley, brackenford])
    reviewers = [_member(alderley, Role.REVIEWER) for _ in range(3)]
    organiser = _member(alderley, Role.ORGANISER)
    _member(alderley, Role.ORG_ADMIN)
    searcher = _member(brackenford, Role.PREVENT_LEAD)
    requests = []
    with tenant_context(alderley):
        for n in range(6):
            speakers = [SPEAKERS[0].__class__(name=f"Dr Ilse Marchetti-Obi {n}", affiliation="Institute of Place",
                                              topic="Housing")]  # fmt: skip
            request = submit(organiser, speakers=speakers, title=f"Debating the future of cities {n}")
            assess(reviewers[0], request)
            approve(reviewers[1], request)
            requests.append(request.pk)
        cookies = [_cookie(alderley, user) for user in reviewers]
    with tenant_context(brackenford):
        searcher_cookie = _cookie(brackenford, searcher)
    return {
        "agreement": agreement.pk,
        "requests": requests,
        "reviewer_cookies": cookies,
        "searcher_cookie": searcher_cookie,
        "searcher_id": searcher.pk,
        "organisations": {"alderley": alderley.pk, "brackenford": brackenford.pk},
    }


def share(slug: str, request_id: int) -> dict[str, Any]:
    from django_tenants.utils import tenant_context

    from speakers.models import EventRequest
    from speakers.services.exchange import event_request_share
    from tenants.models import Role

    organisation = _org(slug)
    with tenant_context(organisation):
        count = event_request_share(
            actor=_people(slug)[Role.REVIEWER], event_request=EventRequest.objects.get(pk=request_id)
        )
    return {"shared": count}


def sign_prepare() -> dict[str, Any]:
    from tests.agreements.conftest import Drafting

    drafting = Drafting(_member)
    alderley, brackenford = _org("alderley"), _org("brackenford")
    agreement = drafting.draft([alderley, brackenford], title="Speaker checks, second agreement")
    drafting.propose(agreement)
    drafting.sign(agreement, alderley)
    return {"agreement": agreement.pk}


def sign(agreement_id: int) -> dict[str, Any]:
    from agreements import services
    from agreements.models import Agreement
    from tenants.models import Role

    brackenford = _org("brackenford")
    agreement = Agreement.objects.get(pk=agreement_id)
    signatory = _people("brackenford").get(Role.SIGNATORY) or _member(brackenford, Role.SIGNATORY)
    version = agreement.pending_version or agreement.current_version
    signature = services.agreement_sign(
        actor=signatory, organisation=brackenford, agreement=agreement, version_number=version.number
    )
    return {"signature": signature.pk}


def import_rows(rows: int) -> dict[str, Any]:
    import csv
    import io

    from django_tenants.utils import tenant_context

    from speakers.csv_format import export_header
    from speakers.services import event_requests_import
    from tenants.models import Role

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=export_header(2, 2))
    writer.writeheader()
    for n in range(rows):
        writer.writerow({
            "title": f"Archive film evening {n}", "starts_at": "2025-02-11 18:30", "venue": "Cinema 1",
            "format": "in_person", "open_to_public": "yes", "expected_audience": "80",
            "organising_body": "Film Society", "speaker_1_name": f"Siosaia Tupou {n}",
            "speaker_1_affiliation": "Pacific Film Archive", "speaker_1_topic": "Oral history on film",
            "submitted_on": "2025-01-06", "risk_level": "low", "higher_risk": "no",
            "free_speech_considerations": "Lawful.", "outcome": "approved", "decided_on": "2025-01-20",
            "decider_role": "reviewer", "reasons": "No risk factors.",
        })  # fmt: skip
    alderley = _org("alderley")
    with tenant_context(alderley):
        result = event_requests_import(actor=_people("alderley")[Role.ORG_ADMIN], csv_text=out.getvalue())
    return {"imported": result.imported}


def rotate() -> dict[str, Any]:
    from django.core.management import call_command

    call_command("master_key_rewrap", stdout=sys.stderr)
    return {"rotated": True}


def _tenant_schemas() -> list[Any]:
    from tenants.models import Organisation

    return [o for o in Organisation.objects.exclude(schema_name="public").order_by("pk")]


def invariants() -> dict[str, Any]:
    """Problems with rows that must go together (empty lists = all or nothing held), with counts."""
    from core.audit import audit_verify

    counts: dict[str, int] = {}
    problems = _share_problems(counts) + _signature_problems(counts) + _tenant_problems(counts)
    from core.models import AuditEvent

    counts["audit_events"] = AuditEvent.objects.count()
    return {"problems": problems, "audit": audit_verify(), "counts": counts}


def _share_problems(counts: dict[str, int]) -> list[str]:
    """Every shared check has both envelopes, both archive keys, a recipient key with its grant, its
    name tokens (if current) and exactly one share audit event; versions run 1..n with one current."""
    from agreements.models import Level
    from core.models import AuditEvent
    from sharing.models import ChannelGrant, Envelope, EnvelopeKey, NameToken, SharedCheck

    problems: list[str] = []
    checks = SharedCheck.objects.filter(recipient__isnull=True)
    events = Counter(
        AuditEvent.objects.filter(action__in=["exchange.share", "exchange.correct"]).values_list("target_id", flat=True)
    )
    for check in checks:
        levels = sorted(Envelope.objects.filter(check_row=check).values_list("level", flat=True))
        if levels != [Level.SUMMARY, Level.FULL]:
            problems.append(f"check {check.pk}: envelopes at levels {levels}")
        keys = EnvelopeKey.objects.filter(envelope__check_row=check)
        if keys.filter(channel__agreement__isnull=True).count() != 2:
            problems.append(f"check {check.pk}: not 2 archive keys")
        shared = keys.filter(channel__agreement__isnull=False)
        if check.is_current and check.withdrawn_at is None and not shared.exists():
            problems.append(f"check {check.pk}: current but no recipient key")
        if shared.exclude(channel__in=ChannelGrant.objects.values("channel")).exists():
            problems.append(f"check {check.pk}: a key on a channel with no grant")
        if check.is_current and not NameToken.objects.filter(check_row=check).exists():
            problems.append(f"check {check.pk}: no name tokens")
        if events[str(check.pk)] != 1:
            problems.append(f"check {check.pk}: {events[str(check.pk)]} share audit events (1 expected)")
    orphans = {int(t) for t in events} - set(checks.values_list("pk", flat=True))
    if orphans:
        problems.append(f"share audit events for missing checks {sorted(orphans)}")
    problems += _version_problems(checks)
    counts["shared_checks"] = checks.count()
    return problems


def _version_problems(checks: Any) -> list[str]:
    """Each shared record's versions run 1..n and exactly one is current."""
    from django.db.models import Count

    problems = []
    for row in checks.values("source_id", "source_ref").annotate(n=Count("pk")).order_by():
        same = checks.filter(source_id=row["source_id"], source_ref=row["source_ref"])
        versions = sorted(same.values_list("version", flat=True))
        current = same.filter(is_current=True).count()
        if versions != list(range(1, len(versions) + 1)) or current != 1:
            problems.append(f"{row['source_ref']}: versions {versions}, {current} current")
    return problems


def _signature_problems(counts: dict[str, int]) -> list[str]:
    """Each signature has its audit event and no other; a version is in force iff every required party signed."""
    from agreements.models import AgreementVersion, Signature
    from agreements.services import required_signer_ids
    from core.models import AuditEvent

    problems: list[str] = []
    events = Counter(
        (e.target_id, e.organisation_id, e.detail.get("version"))
        for e in AuditEvent.objects.filter(action="agreement.sign")
    )
    signatures = Counter(
        (str(s.version.agreement_id), s.organisation_id, s.version.number)
        for s in Signature.objects.select_related("version")
    )
    if events != signatures:
        problems.append(f"signatures {dict(signatures)} != sign audit events {dict(events)}")
    for version in AgreementVersion.objects.select_related("agreement"):
        signed = set(version.signatures.values_list("organisation_id", flat=True))
        complete = required_signer_ids(version.agreement, version) <= signed
        if complete != (version.fully_signed_at is not None):
            problems.append(f"version {version.pk}: all signed {complete}, in force {version.fully_signed_at}")
        in_force_events = AuditEvent.objects.filter(
            action="agreement.fully_signed", target_id=str(version.agreement_id), detail__version=version.number
        ).count()
        if in_force_events != (1 if version.fully_signed_at else 0):
            problems.append(f"version {version.pk}: {in_force_events} in-force audit events")
    counts["signatures"] = Signature.objects.count()
    return problems


def _tenant_problems(counts: dict[str, int]) -> list[str]:
    """In each organisation: imported requests match the rows their import events name, each with its
    decision; every welfare concern has its audit event."""
    from django_tenants.utils import tenant_context

    from core.models import AuditEvent
    from speakers.models import Decision, EventRequest
    from welfare.models import Concern

    problems: list[str] = []
    counts["imported_requests"] = counts["concerns"] = 0
    for organisation in _tenant_schemas():
        with tenant_context(organisation):
            events = AuditEvent.objects.filter(organisation_id=organisation.pk)
            imported = EventRequest.objects.filter(imported=True)
            audited = sum(e.detail.get("rows", 0) for e in events.filter(action="speakers.import"))
            if imported.count() != audited:
                problems.append(f"{organisation.slug}: {imported.count()} imported requests, {audited} audited")
            if imported.exclude(pk__in=Decision.objects.values("request_id")).exists():
                problems.append(f"{organisation.slug}: imported requests without their decision")
            concerns, raised = Concern.objects.count(), events.filter(action="welfare.concern_raised").count()
            if concerns != raised:
                problems.append(f"{organisation.slug}: {concerns} concerns, {raised} audit events")
            counts["imported_requests"] += imported.count()
            counts["concerns"] += concerns
    return problems


def open_all() -> dict[str, Any]:
    """Unwrap every organisation key and platform secret, and open every current check as its source and a recipient."""
    from core.keyring import _unwrap
    from core.models import WrappedSecret
    from sharing.models import SharedCheck
    from sharing.selectors import check_open
    from tenants.keys import private_key
    from tenants.models import OrganisationKey, Role

    failures: list[str] = []
    for key in OrganisationKey.objects.all():
        try:
            private_key(key)
        except Exception as exc:  # noqa: BLE001 - reported, the test asserts there is none
            failures.append(f"organisation key {key.pk}: {type(exc).__name__}")
    for secret in WrappedSecret.objects.all():
        try:
            _unwrap(secret)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"secret {secret.name}: {type(exc).__name__}")
    opened = 0
    readers = [(_org("alderley"), None), (_org("brackenford"), _people("brackenford")[Role.PREVENT_LEAD])]
    for check in SharedCheck.objects.filter(recipient__isnull=True, is_current=True, withdrawn_at__isnull=True):
        for organisation, user in readers:
            try:
                view = check_open(organisation=organisation, user=user, check_id=check.pk)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"check {check.pk} at {organisation.slug}: {type(exc).__name__}")
                continue
            if view.error or not view.content.get("speaker_name"):
                failures.append(f"check {check.pk} at {organisation.slug}: {view.error or 'empty'}")
            else:
                opened += 1
    return {
        "failures": failures,
        "opened": opened,
        "master_key_ids": sorted(set(OrganisationKey.objects.values_list("master_key_id", flat=True))),
    }


COMMANDS = {
    "setup": setup,
    "share": lambda slug, pk: share(slug, int(pk)),
    "sign-prepare": sign_prepare,
    "sign": lambda pk: sign(int(pk)),
    "import": lambda rows: import_rows(int(rows)),
    "rotate": rotate,
    "invariants": invariants,
    "open-all": open_all,
}


def serve() -> None:
    """Answer commands from stdin, one JSON line each ({"command", "args", "env"}), one JSON line back.

    Saves starting Django for every check. Before each command the environment's `env` is applied
    (the master keys may change between commands), cached keys are forgotten, and the database
    connection is closed so the next query opens a new one (PostgreSQL may have restarted since).
    """
    from django.db import connection, connections

    from core.keys import reset_cache

    base = dict(os.environ)
    answers = sys.stdout
    sys.stdout = sys.stderr  # whatever a command prints stays out of the answers
    for line in sys.stdin:
        message = json.loads(line)
        os.environ.clear()
        os.environ.update({**base, **message.get("env", {})})
        reset_cache()
        connections.close_all()
        connection.set_schema_to_public()
        try:
            answer = {"result": COMMANDS[message["command"]](*message.get("args", []))}
        except Exception as exc:  # noqa: BLE001 - handed back to the test, which fails with it
            import traceback

            answer = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-3000:]}
        print(json.dumps(answer, default=str), file=answers, flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("args", nargs="*")
    parser.add_argument("--kill", default="")
    options = parser.parse_args(argv)

    import django

    django.setup()
    if options.command == "serve":
        serve()
        return
    if options.kill:
        install_fault(options.kill)
    result = COMMANDS[options.command](*options.args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
