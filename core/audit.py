"""The one function that records an audit event, the chains it forms, and their signed checkpoints.

Every service that changes something, and every read across an organisation boundary, calls
`audit_record` inside its own transaction, so the event and the change commit or roll back together.

Chains. Each organisation's events form their own chain (`org-<id>`); events with no organisation
form the `platform` chain. An event carries its chain, its place in it (`seq` 1, 2, ...), its
predecessor's id and hash, and the id reserved for its successor, so a deleted event is named by its
own id. Its public `hash` (SHA-256 of contents and links, `core.audit_offline.event_hash`) can be
checked by anyone holding an export; its `mac` (HMAC-SHA256 under the platform audit key, held only
wrapped by the master key in `core.WrappedSecret`) can only be made with that key, so an edit whose
later hashes were recomputed is still found, and named. Each chain's head row (`AuditChain`, sealed
the same way) says how far the chain runs, so a deleted tail is found; it is also the chain's lock,
so organisations append in parallel (bench/bench_audit.py measured both designs; README "Audit").

Checkpoints. `audit_checkpoint` (hourly from Celery beat, and `manage.py audit_checkpoint`) signs
each chain's length, first and last event ids and head hash with the platform's Ed25519 checkpoint
key (also held wrapped by the master key). Organisations download checkpoints (`checkpoint_export`)
and their log (`events_export`) and check later, offline, that the log still extends what they hold
(`python -m core.audit_offline`). `audit_verify` checks MACs, links, heads, stored checkpoints and
any checkpoint files it is given.

The tables are append-only: a trigger refuses UPDATE, DELETE and TRUNCATE of events and checkpoints
(and DELETE of chain heads) unless the transaction has set `hub.audit_maintenance` (see
`audit_maintenance`, for tests and repairs). That stops the application and careless hands, not a
database superuser; the keyed seals and checkpoints kept off the server are what catch one.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import crypto
from core.audit_offline import (
    CHECKPOINT_FORMAT,
    EVENT_KEYS,
    PLATFORM_CHAIN,
    ChainWalk,
    chain_name,
    checkpoint_message,
    checkpoint_problems,
    event_hash,
    head_message,
)
from core.keyring import secret_get_or_create
from core.models import AuditChain, AuditCheckpoint, AuditEvent
from core.prepared import fetch_prepared

__all__ = [
    "audit_checkpoint",
    "audit_maintenance",
    "audit_record",
    "audit_record_many",
    "audit_verify",
    "chain_name",
    "checkpoint_export",
    "checkpoint_public_key",
    "events_export",
]

AUDIT_KEY_NAME = "audit-chain-mac"
CHECKPOINT_KEY_NAME = "audit-checkpoint-signing"
MAINTENANCE_SETTING = "hub.audit_maintenance"

_secrets: dict[tuple[Any, ...], bytes] = {}


def _secret(name: str) -> bytes:
    """A platform secret, cached per database once the transaction that read (or made) it commits."""
    settings = connection.settings_dict
    cache_key = (settings["NAME"], settings.get("HOST"), settings.get("PORT"), name)
    hit = _secrets.get(cache_key)
    if hit is not None:
        return hit
    secret = secret_get_or_create(name)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _secrets.__setitem__(cache_key, secret))
    else:
        _secrets[cache_key] = secret
    return secret


def _sequence() -> str:
    settings = connection.settings_dict
    cache_key = (settings["NAME"], settings.get("HOST"), settings.get("PORT"), "sequence")
    if cache_key not in _secrets:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('public.core_auditevent', 'id')")
            _secrets[cache_key] = cursor.fetchone()[0].encode()
    return _secrets[cache_key].decode()


# --- recording -----------------------------------------------------------------------------


def _build(
    *,
    action: str,
    actor: Any = None,
    organisation_id: int | None = None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or target.pk
    return AuditEvent(
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "email", "") or ("system" if actor is None else actor)),
        organisation_id=organisation_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        # Stored exactly as hashed: JSON in, the same JSON back from the database.
        detail=json.loads(json.dumps(dict(detail or {}), default=str)),
    )


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organisation_id: int | None = None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its organisation's chain (the platform's when `organisation_id` is None).

    Callers pass identifiers and reasons in `detail`, never sensitive content. Joins the caller's
    transaction; locks only the one chain's head row until that transaction ends.
    """
    event = _build(
        action=action,
        actor=actor,
        organisation_id=organisation_id,
        target=target,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    return _append([event])[0]


def audit_record_many(events: Iterable[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append several events with one insert; each mapping takes `audit_record`'s arguments.

    Returns the events in the order given. Locks each chain involved once, in chain-name order,
    and writes the whole batch in one more statement (two in all; three the first time this
    process meets a chain).
    """
    built = [
        _build(**{k: v for k, v in fields.items() if k in _BUILD_ARGS})
        for fields in events  # type: ignore[arg-type]
    ]
    return _append(built) if built else []


_BUILD_ARGS = ("action", "actor", "organisation_id", "target", "target_type", "target_id", "detail")

# Append statements. Each is one fixed text whatever the batch (arrays through unnest), so each is
# prepared once per connection (core.prepared). Tables are qualified: their plans never depend on
# the tenant's search_path.
_EVENT_COLUMNS = (
    "id, occurred_at, actor_id, actor_label, organisation_id, action, target_type, target_id, detail, "
    "previous_hash, hash, chain, seq, previous_id, next_id, mac"
)


def _statements() -> dict[str, str]:
    if _SQL:
        return _SQL
    public = connection.ops.quote_name(getattr(settings, "PUBLIC_SCHEMA_NAME", "public"))
    chains, events = f"{public}.{AuditChain._meta.db_table}", f"{public}.{AuditEvent._meta.db_table}"
    # Lock every head of the batch in chain-name order (LockRows sits above the Sort, so rows are
    # locked in that order) and reserve each chain's new ids in the same statement.
    _SQL["lock"] = (
        "SELECT c.id, c.chain, c.seq, c.first_id, c.last_id, c.next_id, c.head_hash, "  # noqa: S608 (constants only)
        "ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, w.n)) "
        f"FROM {chains} c JOIN unnest(%s::text[], %s::int[]) AS w(chain, n) ON w.chain = c.chain "
        "ORDER BY c.chain FOR NO KEY UPDATE OF c"
    )
    _SQL["create"] = (
        f"INSERT INTO {chains} (chain, organisation_id, seq, first_id, last_id, next_id, head_hash, mac) "  # noqa: S608
        "SELECT chain, organisation_id, 0, n, NULL, n, '', '' FROM (SELECT w.chain, w.organisation_id, "
        "nextval(%s::regclass) AS n FROM unnest(%s::text[], %s::bigint[]) AS w(chain, organisation_id) "
        "ORDER BY w.chain) AS reserved ON CONFLICT (chain) DO NOTHING RETURNING chain"
    )
    # Every event of the batch and every head it moves, in one statement.
    _SQL["write"] = (
        f"WITH inserted AS (INSERT INTO {events} ({_EVENT_COLUMNS}) SELECT * FROM unnest("  # noqa: S608
        "%s::bigint[], %s::timestamptz[], %s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[], "
        "%s::text[], %s::text[]::jsonb[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::bigint[], "
        "%s::bigint[], %s::text[])) "
        f"UPDATE {chains} c SET seq = h.seq, last_id = h.last_id, next_id = h.next_id, head_hash = h.head_hash, "
        "mac = h.mac FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
        "AS h(id, seq, last_id, next_id, head_hash, mac) WHERE c.id = h.id RETURNING c.id"
    )
    return _SQL


_SQL: dict[str, str] = {}
# Chains whose head row was seen committed, per database: their batches skip the create statement.
# Heads are never deleted (a trigger refuses it outside maintenance); `_lock_heads` copes if one was.
_known_chains: set[tuple[Any, ...]] = set()

# Kept for the offline checker's and the tests' empty heads (`_empty_head`).
_CREATE_HEAD = (
    "INSERT INTO core_auditchain (chain, organisation_id, seq, first_id, last_id, next_id, head_hash, mac) "
    "SELECT %s, %s, 0, n, NULL, n, '', '' FROM (SELECT nextval(%s) AS n) AS reserved ON CONFLICT (chain) DO NOTHING"
)


def _chain_of(organisation_id: int | None) -> str:
    # One place that maps an event to its chain (bench/bench_audit.py swaps it to measure one global chain).
    return chain_name(organisation_id)


def _database_key() -> tuple[Any, ...]:
    settings_dict = connection.settings_dict
    return (settings_dict["NAME"], settings_dict.get("HOST"), settings_dict.get("PORT"))


def _create_heads(by_chain: dict[str, list[AuditEvent]]) -> None:
    names = sorted(by_chain)
    fetch_prepared(_statements()["create"], [_sequence(), names, [by_chain[name][0].organisation_id for name in names]])


def _lock_heads(by_chain: dict[str, list[AuditEvent]]) -> list[tuple[Any, ...]]:
    """Each chain's head (id, chain, seq, first_id, last_id, next_id, head_hash, reserved ids), locked, by name.

    One statement when every chain is known to exist; otherwise the missing heads are created
    first (in name order, before any lock of this call), then all are locked in name order.
    """
    database = _database_key()
    names = sorted(by_chain)
    if any((database, name) not in _known_chains for name in names):
        _create_heads(by_chain)
    rows = fetch_prepared(_statements()["lock"], [_sequence(), names, [len(by_chain[n]) for n in names]])
    if len(rows) != len(names):  # a head deleted under maintenance since this process saw it
        _known_chains.difference_update((database, name) for name in names)
        _create_heads(by_chain)
        rows = fetch_prepared(_statements()["lock"], [_sequence(), names, [len(by_chain[n]) for n in names]])
    seen = [(database, name) for name in names]
    transaction.on_commit(lambda: _known_chains.update(seen))
    return rows


def _append(built: list[AuditEvent]) -> list[AuditEvent]:
    """Append `built` to their chains: two statements for the whole batch, whatever the chains.

    1. lock every chain's head (in chain-name order) and reserve the new events' ids;
    2. insert every event and move every head on (one CTE).
    Hashes and seals are computed in between, here, because only this process holds the audit key.
    """
    key = _secret(AUDIT_KEY_NAME)
    by_chain: dict[str, list[AuditEvent]] = {}
    for event in built:
        by_chain.setdefault(_chain_of(event.organisation_id), []).append(event)
    # No savepoint: inside a caller's transaction a failure here must fail that transaction anyway.
    with transaction.atomic(savepoint=False):
        heads = []
        for head_id, chain, seq, first_id, last_id, next_id, head_hash, reserved in _lock_heads(by_chain):
            for event, successor in zip(by_chain[chain], reserved, strict=True):
                event.id, event.chain, seq = next_id, chain, seq + 1
                event.seq, event.previous_id, event.previous_hash, event.next_id = seq, last_id, head_hash, successor
                event.hash = event_hash(event_fields(event))
                event.mac = crypto.audit_mac(key, event.hash.encode())
                last_id, next_id, head_hash = event.id, successor, event.hash
            mac = _head_mac(key, chain, seq, first_id, last_id, next_id, head_hash)
            heads.append((head_id, seq, last_id, next_id, head_hash, mac))
        moved = fetch_prepared(_statements()["write"], [*_event_columns(built), *map(list, zip(*heads, strict=True))])
        if len(moved) != len(heads):
            raise DatabaseError(
                "audit: a chain head was not moved on"
            )  # never silently: the caller's transaction fails
    for event in built:
        event._state.adding, event._state.db = False, connection.alias
    return built


def _event_columns(built: list[AuditEvent]) -> list[list[Any]]:
    """The events as one list per column, in `_EVENT_COLUMNS` order (detail as JSON text)."""
    return [
        [e.id for e in built],
        [e.occurred_at for e in built],
        [e.actor_id for e in built],
        [e.actor_label for e in built],
        [e.organisation_id for e in built],
        [e.action for e in built],
        [e.target_type for e in built],
        [e.target_id for e in built],
        [json.dumps(e.detail) for e in built],
        [e.previous_hash for e in built],
        [e.hash for e in built],
        [e.chain for e in built],
        [e.seq for e in built],
        [e.previous_id for e in built],
        [e.next_id for e in built],
        [e.mac for e in built],
    ]


def _head_mac(
    key: bytes, chain: str, seq: int, first_id: int, last_id: int | None, next_id: int, head_hash: str
) -> str:
    head = {
        "chain": chain,
        "seq": seq,
        "first_id": first_id,
        "last_id": last_id,
        "next_id": next_id,
        "head_hash": head_hash,
    }
    return crypto.audit_mac(key, head_message(head))


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """An event in its public form: every field its hash covers (core.audit_offline.EVENT_KEYS)."""
    occurred: datetime = event.occurred_at
    return {
        "id": event.id,
        "chain": event.chain,
        "seq": event.seq,
        "previous_id": event.previous_id,
        "next_id": event.next_id,
        "previous_hash": event.previous_hash,
        "occurred_at": occurred.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "detail": event.detail,
    }


def _export(event: AuditEvent) -> dict[str, Any]:
    return {**event_fields(event), "hash": event.hash}


# --- checkpoints -----------------------------------------------------------------------------


def checkpoint_public_key() -> dict[str, str]:
    """The platform's checkpoint key for publishing.

    `{"algorithm": "Ed25519", "public_key": base64 of the raw 32 bytes, "fingerprint": 32 hex chars}`.

    The fingerprint is the first 128 bits of SHA-256 of the raw key (core.crypto.public_key_fingerprint).
    Creates the key (wrapped by the master key) on first use; raises core.keys.MasterKeyError without one.
    """
    public = crypto.signing_public_key(_secret(CHECKPOINT_KEY_NAME))
    return {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(public).decode(),
        "fingerprint": crypto.public_key_fingerprint(public),
    }


def _row_export(row: AuditCheckpoint) -> dict[str, Any]:
    return {"statement": row.statement, "signature": row.signature, "public_key": row.public_key}


def audit_checkpoint(
    chains: Iterable[str] | None = None, *, force: bool = False
) -> tuple[list[AuditCheckpoint], list[str]]:
    """Sign a checkpoint for each chain (all when `chains` is None) that grew since its last one.

    Before signing, checks the events since the chain's previous checkpoint (links, hashes, seals,
    head); a chain with problems gets no checkpoint and its problems are returned instead. `force`
    signs even a chain that has not grown (an empty chain gets a checkpoint at seq 0). Takes no
    lock: writers go on while it runs. Returns (checkpoints created, problems).
    """
    key = _secret(AUDIT_KEY_NAME)
    private = _secret(CHECKPOINT_KEY_NAME)
    public = crypto.signing_public_key(private)
    heads = AuditChain.objects.order_by("chain")
    if chains is not None:
        heads = heads.filter(chain__in=list(chains))
    created: list[AuditCheckpoint] = []
    problems: list[str] = []
    for head in heads:
        latest = AuditCheckpoint.objects.filter(chain=head.chain).order_by("-seq", "-id").first()
        if latest is not None and latest.seq >= head.seq and not force:
            continue
        found = _check_since(head, latest, key)
        if found:
            problems += found
            continue
        created.append(_sign(head, private, public))
    return created, problems


def _sign(head: AuditChain, private: bytes, public: bytes) -> AuditCheckpoint:
    signed_at = timezone.now()
    statement = {
        "format": CHECKPOINT_FORMAT,
        "chain": head.chain,
        "organisation_id": head.organisation_id,
        "seq": head.seq,
        "first_event_id": head.first_id if head.seq else None,
        "last_event_id": head.last_id,
        "head_hash": head.head_hash,
        "signed_at": signed_at.astimezone(UTC).isoformat(),
        "key_fingerprint": crypto.public_key_fingerprint(public),
    }
    return AuditCheckpoint.objects.create(
        chain=head.chain,
        organisation_id=head.organisation_id,
        seq=head.seq,
        last_event_id=head.last_id,
        head_hash=head.head_hash,
        signed_at=signed_at,
        key_fingerprint=statement["key_fingerprint"],
        statement=statement,
        signature=base64.b64encode(crypto.sign(private, checkpoint_message(statement))).decode(),
        public_key=base64.b64encode(public).decode(),
    )


def _check_since(head: AuditChain, latest: AuditCheckpoint | None, key: bytes) -> list[str]:
    """Problems in `head`'s chain after the checkpoint `latest` (the whole chain when None)."""
    start = latest.seq if latest is not None else 0
    walk = ChainWalk(head.chain, first_id=head.first_id, want={head.seq})
    events = AuditEvent.objects.filter(chain=head.chain, seq__gte=max(start, 1), seq__lte=head.seq).order_by("seq")
    seals = _Seals(key)
    for event in events.iterator(chunk_size=2000):
        if event.seq == start and latest is not None:
            if (event.id, event.hash) != (latest.last_event_id, latest.head_hash):
                walk.problems.append(f"event {event.id}: not the event checkpoint {latest.pk} signed at seq {start}")
            walk.last = (event.seq, event.id, event.hash, event.next_id)
            continue
        if walk.feed(_export(event)):
            seals.check(event)
    if latest is not None and walk.last is None and start:
        walk.last = (start, latest.last_event_id or 0, latest.head_hash, None)
    return walk.problems + seals.problems(head.chain) + _head_problems(head, walk, key)


class _Seals:
    """Checks events' MACs; reports the first bad one of a chain by id and counts the rest."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.bad: list[int] = []

    def check(self, event: AuditEvent) -> None:
        expected = crypto.audit_mac(self.key, event.hash.encode())
        if not crypto.constant_time_equals(expected.encode(), event.mac.encode()):
            self.bad.append(event.id)

    def problems(self, chain: str) -> list[str]:
        if not self.bad:
            return []
        more = f"; so do the {len(self.bad) - 1} events after it" if len(self.bad) > 1 else ""
        return [
            f"event {self.bad[0]}: its seal does not match: it was changed or written without the audit key "
            f"and its hash recomputed (chain {chain}{more})"
        ]


def _head_problems(head: AuditChain, walk: ChainWalk, key: bytes) -> list[str]:
    fields = {
        "chain": head.chain,
        "seq": head.seq,
        "first_id": head.first_id,
        "last_id": head.last_id,
        "next_id": head.next_id,
        "head_hash": head.head_hash,
    }
    problems = []
    if head.seq and not crypto.constant_time_equals(
        crypto.audit_mac(key, head_message(fields)).encode(), head.mac.encode()
    ):
        problems.append(f"chain {head.chain}: its head record was changed (its seal does not match)")
    problems += walk.against(head.seq, head.last_id or 0, head.head_hash, "the chain's head record")
    if walk.last is not None and walk.last[0] > head.seq:
        problems.append(
            f"event {walk.last[1]}: the chain runs to seq {walk.last[0]}, past its head record (seq {head.seq}): "
            "events were added outside the hub"
        )
    return problems


def checkpoint_export(organisation_id: int | None) -> dict[str, Any]:
    """The latest signed checkpoint of an organisation's chain (None: the platform's), as a JSON-ready dict.

    `{"statement": {format, chain, organisation_id, seq, first_event_id, last_event_id, head_hash,
    signed_at, key_fingerprint}, "signature": base64, "public_key": base64}`: what
    `python -m core.audit_offline --checkpoint` reads. Signs one first if the chain has none yet.
    Raises ValueError if the chain has problems (then no checkpoint is signed for it).
    """
    chain = chain_name(organisation_id)
    row = AuditCheckpoint.objects.filter(chain=chain).order_by("-seq", "-id").first()
    if row is None:
        if not AuditChain.objects.filter(chain=chain).exists():
            _empty_head(chain, organisation_id)
        created, problems = audit_checkpoint([chain], force=True)
        if problems:
            raise ValueError("; ".join(problems))
        row = created[0]
    return _row_export(row)


def _empty_head(chain: str, organisation_id: int | None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CREATE_HEAD, [chain, organisation_id, _sequence()])


def events_export(organisation_id: int | None) -> Iterator[dict[str, Any]]:
    """Every event of an organisation's chain (None: the platform's) in chain order, as JSON-ready dicts.

    Each has the keys in core.audit_offline.EXPORT_KEYS (contents, links and public hash); write
    one per line (JSON Lines) for `python -m core.audit_offline`. Streams; reads nothing else.
    """
    events = AuditEvent.objects.filter(chain=chain_name(organisation_id)).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        yield _export(event)


# --- verifying ---------------------------------------------------------------------------------


def audit_verify(events: Iterable[AuditEvent] | None = None, *, checkpoints: Iterable[Any] = ()) -> list[str]:
    """Return a description of every break in the audit chains (empty when all are intact).

    `events` is the whole log to check (default: every event); the chains' head records, every
    checkpoint stored in the database and each exported checkpoint in `checkpoints` (dicts as
    `checkpoint_export` returns, e.g. read from files kept off the server) are checked against it.
    Problems name the first missing or altered event by id. Needs the master key (the audit key
    is wrapped by it); raises core.keys.MasterKeyError without it.
    """
    key = _secret(AUDIT_KEY_NAME)
    problems, statements = _held_checkpoints(checkpoints, checkpoint_public_key()["fingerprint"])
    heads = {head.chain: head for head in AuditChain.objects.all()}
    walks: dict[str, tuple[ChainWalk, _Seals]] = {}

    def walk_of(chain: str) -> tuple[ChainWalk, _Seals]:
        if chain not in walks:
            head = heads.get(chain)
            held = [statement for statement, _ in statements.get(chain, [])]
            firsts = [s["first_event_id"] for s in held if s["first_event_id"]]
            first = head.first_id if head else (firsts[0] if firsts else None)
            want = {1} | {s["seq"] for s in held} | {s["seq"] + 1 for s in held}
            walks[chain] = (ChainWalk(chain, first_id=first, want=want), _Seals(key))
        return walks[chain]

    if events is None:
        source: Iterable[AuditEvent] = AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=2000)
    else:
        source = sorted(events, key=lambda e: (e.chain, e.seq or 0, e.id))
    for event in source:
        if not event.chain or event.seq is None:
            problems.append(f"event {event.id}: in no chain (not written by the hub's recorder)")
            continue
        walk, seals = walk_of(event.chain)
        if walk.feed(_export(event)):
            seals.check(event)
    for chain in sorted(set(walks) | set(heads) | set(statements)):
        walk, seals = walk_of(chain)
        problems += walk.problems + seals.problems(chain)
        head = heads.get(chain)
        problems += _head_problems(head, walk, key) if head else [f"chain {chain}: its head record is missing"]
        problems += _against_checkpoints(walk, statements.get(chain, []))
    return list(dict.fromkeys(problems))


def _held_checkpoints(
    files: Iterable[Any], trusted: str
) -> tuple[list[str], dict[str, list[tuple[dict[str, Any], str]]]]:
    """(problems, valid statements by chain with where each came from) for stored and given checkpoints."""
    problems: list[str] = []
    statements: dict[str, list[tuple[dict[str, Any], str]]] = {}
    held = [(_row_export(row), f"stored checkpoint {row.pk}") for row in AuditCheckpoint.objects.order_by("id")]
    held += [(export, f"checkpoint file {n}") for n, export in enumerate(files, start=1)]
    for export, name in held:
        found = checkpoint_problems(export, trusted)
        problems += [f"{name}: {p}" for p in found]
        if not found:
            statements.setdefault(export["statement"]["chain"], []).append((export["statement"], name))
    return problems, statements


def _against_checkpoints(walk: ChainWalk, held: list[tuple[dict[str, Any], str]]) -> list[str]:
    problems: list[str] = []
    since = 0
    for statement, name in sorted(held, key=lambda item: item[0]["seq"]):
        found = walk.against(statement["seq"], statement["last_event_id"] or 0, statement["head_hash"], name, since)
        problems += found
        if not found:
            since = statement["seq"]
    return problems


# --- maintenance -------------------------------------------------------------------------------


@contextlib.contextmanager
def audit_maintenance() -> Iterator[None]:
    """A transaction in which the append-only trigger lets audit rows be changed or deleted.

    For tests (simulating an attacker, cleaning up committed rows) and for an operator's documented
    repair; the application never uses it. A database superuser can always disable the trigger,
    which is why events are sealed and checkpoints are kept off the server.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [MAINTENANCE_SETTING])
        yield


# --- carrying events recorded before chains over (migration core 0003) --------------------------


def carry_over_legacy(event_model: Any, chain_model: Any) -> int:
    """Put events recorded under the old single hash chain into per-organisation chains; returns how many.

    Checks the old chain first (the old algorithm) and appends a platform event
    `audit.chain_carried_over` with the count and the ids of any old breaks, so a log that was already
    broken is not silently blessed. Needs the master key when there is anything to carry over.
    Uses the models it is given (the migration's historical ones).
    """
    legacy = event_model.objects.filter(chain="").order_by("id")
    if not legacy.exists():
        return 0
    key = secret_get_or_create(AUDIT_KEY_NAME)
    rows = list(legacy)
    breaks = _legacy_breaks(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence(), len(rows) + 1])
        spare = [r[0] for r in cursor.fetchall()]
    summary = event_model(
        id=None,
        occurred_at=timezone.now(),
        actor_id=None,
        actor_label="system",
        organisation_id=None,
        action="audit.chain_carried_over",
        target_type="",
        target_id="",
        detail={"events": len(rows), "legacy_breaks": breaks[:50]},
    )
    successors: dict[int, int] = {}
    last_in_chain: dict[str, Any] = {}
    for row in [*rows, summary]:
        if row is summary:
            row.id = spare.pop()
        chain = chain_name(row.organisation_id)
        if chain in last_in_chain:
            successors[last_in_chain[chain].id] = row.id
        last_in_chain[chain] = row
    state: dict[str, tuple[int, int | None, str, int]] = {}  # seq, last id, last hash, first id
    for row in [*rows, summary]:
        chain = chain_name(row.organisation_id)
        seq, last_id, last_hash, first_id = state.get(chain, (0, None, "", row.id))
        row.chain, row.seq, row.previous_id, row.previous_hash = chain, seq + 1, last_id, last_hash
        row.next_id = successors.get(row.id) or spare.pop()
        row.hash = event_hash(event_fields(row))
        row.mac = crypto.audit_mac(key, row.hash.encode())
        state[chain] = (seq + 1, row.id, row.hash, first_id)
    event_model.objects.bulk_update(
        rows, ["chain", "seq", "previous_id", "next_id", "previous_hash", "hash", "mac"], batch_size=1000
    )
    summary.save(force_insert=True)
    for chain, (seq, last_id, last_hash, first_id) in state.items():
        next_id = last_in_chain[chain].next_id
        organisation_id = last_in_chain[chain].organisation_id
        head = {"chain": chain, "seq": seq, "first_id": first_id, "last_id": last_id, "next_id": next_id}
        chain_model.objects.create(
            **head,
            organisation_id=organisation_id,
            head_hash=last_hash,
            mac=crypto.audit_mac(key, head_message({**head, "head_hash": last_hash})),
        )
    return len(rows)


def _legacy_breaks(rows: list[Any]) -> list[int]:
    """Ids where the old single chain (SHA-256 of previous hash and fields) was already broken."""
    breaks: list[int] = []
    previous = ""
    for row in rows:
        fields = {
            "occurred_at": row.occurred_at.isoformat(),
            "actor_id": row.actor_id,
            "actor_label": row.actor_label,
            "organisation_id": row.organisation_id,
            "action": row.action,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "detail": row.detail,
        }
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
        if row.previous_hash != previous or row.hash != crypto.sha256_hex(f"{row.previous_hash}|{body}".encode()):
            breaks.append(row.id)
        previous = row.hash
    return breaks


_ = EVENT_KEYS, PLATFORM_CHAIN  # re-exported names other modules read from here
