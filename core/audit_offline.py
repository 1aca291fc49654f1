"""Offline verification of an organisation's audit log against signed checkpoints it kept.

    python -m core.audit_offline --checkpoint checkpoint.json [--checkpoint older.json ...] \
        [--public-key KEY_OR_FINGERPRINT] events.jsonl

Imports nothing from Django and touches no database: anyone holding the files (and Python
with `cryptography`) can check them. `events.jsonl` is the log as the hub exports it
(`core.audit.events_export`, `manage.py audit_export`): one event per line, in chain order.
A checkpoint is a statement `{chain, organisation_id, seq, first_event_id, last_event_id,
head_hash, signed_at, key_fingerprint}` signed with the platform's Ed25519 checkpoint key
(`manage.py audit_public_key` prints the key and its fingerprint; pass either as
`--public-key` to pin it, otherwise compare the fingerprint printed here with the published one).

Checked: each checkpoint's signature, and that its key matches its fingerprint (and the pinned
key); that every event's public hash is the hash of its contents and links (id, seq, predecessor's
id and hash, the id reserved for its successor); that the log runs seq 1, 2, 3, ... without a gap;
and that it still extends every checkpoint (the event at the checkpoint's seq has the id and hash it
signed). So deletion (of the middle, the tail, or everything), truncation, reordering, editing and
recomputation are found. A deleted event is named by its own id (its predecessor reserved it);
an edited one by its id; a recomputed run by the range between the last checkpoint it still matches
and the first it does not (the hub's own `audit_verify` also checks each event's keyed seal, which
names the first recomputed event exactly, but needs the audit key).

Exit status 0 when all hold; 1 with one line per problem otherwise. The same functions check
the log on the server (`core.audit.audit_verify`), so both always agree on the public part.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core import crypto

EVENT_FORMAT = "partnership-hub/audit-event/v1"
CHECKPOINT_FORMAT = "partnership-hub/audit-checkpoint/v1"
PLATFORM_CHAIN = "platform"
# What an event's public hash covers, and so what an export carries (plus "hash").
EVENT_KEYS = (
    "id",
    "chain",
    "seq",
    "previous_id",
    "next_id",
    "previous_hash",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "target_type",
    "target_id",
    "detail",
)
EXPORT_KEYS = (*EVENT_KEYS, "hash")
STATEMENT_KEYS = (
    "format",
    "chain",
    "organisation_id",
    "seq",
    "first_event_id",
    "last_event_id",
    "head_hash",
    "signed_at",
    "key_fingerprint",
)
CHECKPOINT_KEYS = ("statement", "signature", "public_key")


def chain_name(organisation_id: int | None) -> str:
    """The chain an organisation's events form: `org-<id>`; events with no organisation form `platform`."""
    return PLATFORM_CHAIN if organisation_id is None else f"org-{organisation_id}"


def event_hash(event: Mapping[str, Any]) -> str:
    """The public SHA-256 (hex) of an event: its contents and its links, in canonical JSON.

    `event` maps every name in EVENT_KEYS (extra keys are ignored). Raises KeyError for a missing one.
    """
    body = {key: event[key] for key in EVENT_KEYS}
    return crypto.sha256_hex(EVENT_FORMAT.encode() + b"\n" + crypto.canonical_json(body))


def checkpoint_message(statement: Mapping[str, Any]) -> bytes:
    """The bytes a checkpoint's Ed25519 signature covers: a label and the statement's canonical JSON."""
    return CHECKPOINT_FORMAT.encode() + b"\n" + crypto.canonical_json(dict(statement))


def head_message(head: Mapping[str, Any]) -> bytes:
    """The bytes a chain head's keyed seal covers (the hub's own record of how far each chain runs)."""
    keys = ("chain", "seq", "first_id", "last_id", "next_id", "head_hash")
    return b"audit-head\n" + crypto.canonical_json({key: head[key] for key in keys})


@dataclass
class ChainWalk:
    """Walks one chain's events in order and collects every break, naming events by id.

    `first_id` is the id of the chain's first event if known (from its head or a checkpoint), so
    a deletion at the very start is named too. `want` lists seqs whose (id, hash) to remember,
    to compare with checkpoints afterwards.
    """

    chain: str
    first_id: int | None = None
    want: set[int] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    found: dict[int, tuple[int, str]] = field(default_factory=dict)
    last: tuple[int, int, str, int | None] | None = None  # seq, id, hash, next_id

    def feed(self, event: Mapping[str, Any]) -> bool:
        """Check one event after the previous ones; returns False when its hash does not match its contents."""
        eid, seq = event["id"], event["seq"]
        try:
            intact: bool = event_hash(event) == event["hash"]
        except (TypeError, ValueError):  # NaN, a non-text key: nothing the hub writes, so nothing it hashed
            intact = False
        if not intact:
            self.problems.append(f"event {eid}: contents changed after it was recorded")
        last = self.last
        if last is not None and seq <= last[0]:
            word = "repeated" if seq == last[0] else "out of order"
            self.problems.append(f"event {eid}: seq {seq} {word} after event {last[1]} (seq {last[0]})")
            return intact
        have = last[0] if last else 0
        if seq > have + 1:
            self.problems.append(self._gap(have, seq - 1))
        elif last is not None and (
            eid != last[3] or event["previous_id"] != last[1] or event["previous_hash"] != last[2]
        ):
            self.problems.append(f"event {eid}: does not follow event {last[1]} (its link to its predecessor changed)")
        elif last is None and (
            (self.first_id is not None and eid != self.first_id)
            or event["previous_id"] is not None
            or event["previous_hash"] != ""
        ):
            self.problems.append(f"event {eid}: claims to start chain {self.chain} but does not")
        self.last = (seq, eid, event["hash"], event["next_id"])
        if seq in self.want:
            self.found[seq] = (eid, event["hash"])
        return intact

    def _gap(self, have: int, to: int) -> str:
        missing = self.last[3] if self.last else self.first_id
        name = f"event {missing}" if missing is not None else f"the event at seq {have + 1}"
        more = f", and the {to - have - 1} events after it" if to > have + 1 else ""
        return f"{name}: missing{more} (chain {self.chain}, seq {have + 1}..{to})"

    def against(self, seq: int, last_event_id: int, head_hash: str, source: str, since: int = 0) -> list[str]:
        """Problems if the walked log does not extend `source`, which says the chain ran to `seq`.

        `since` is the seq of the last earlier checkpoint the log matched (0: none): a recomputed
        run is named as lying after it.
        """
        if seq <= 0:
            return []
        have = self.last[0] if self.last else 0
        if have < seq:
            more = f", and the {seq - have - 1} events after it" if seq > have + 1 else ""
            missing = self.last[3] if self.last else self.first_id
            name = f"event {missing}" if missing is not None else f"the event at seq {have + 1}"
            return [
                f"{name}: missing{more}: the log ends at seq {have} but {source} covers "
                f"seq {seq} (last event {last_event_id})"
            ]
        got = self.found.get(seq)
        if got is None or got == (last_event_id, head_hash):
            return []  # a gap already reported, or a match
        after = self.found.get(since + 1)
        start = f"event {after[0]}" if after else f"seq {since + 1}"
        return [
            f"{start}..event {got[0]}: changed and the chain recomputed (seq {since + 1}..{seq}): the event at "
            f"seq {seq} is not the one {source} signed (event {last_event_id}, hash {head_hash[:16]}…)"
        ]


# --- checkpoints -------------------------------------------------------------------------


def _b64(value: Any) -> bytes | None:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return None


def _statement_form(statement: Any) -> list[str]:
    if not isinstance(statement, dict):
        return ["statement: should be an object"]
    problems = [f"statement.{k}: missing" for k in STATEMENT_KEYS if k not in statement]
    problems += [f"statement.{k}: not part of the checkpoint format" for k in statement if k not in STATEMENT_KEYS]
    if problems:
        return problems
    if statement["format"] != CHECKPOINT_FORMAT:
        problems.append(f"statement.format: should be {CHECKPOINT_FORMAT}")
    for key in ("seq", "first_event_id", "last_event_id"):
        value = statement[key]
        if not (value is None or (isinstance(value, int) and not isinstance(value, bool))):
            problems.append(f"statement.{key}: should be a whole number")
    for key in ("chain", "head_hash", "signed_at", "key_fingerprint"):
        if not isinstance(statement[key], str):
            problems.append(f"statement.{key}: should be text")
    return problems


def checkpoint_problems(export: Any, trusted: str = "") -> list[str]:
    """Problems with one exported checkpoint (empty: its signature holds).

    `trusted` pins the platform key: its base64 public key or its fingerprint; empty trusts the
    enclosed key (whose fingerprint must then be compared with the published one).
    """
    if not isinstance(export, dict):
        return ["the checkpoint is not a JSON object"]
    problems = [f"{k}: missing" for k in CHECKPOINT_KEYS if k not in export]
    if problems:
        return problems
    problems = _statement_form(export["statement"])
    if problems:
        return problems
    public, signature = _b64(export["public_key"]), _b64(export["signature"])
    if public is None or len(public) != crypto.KEY_BYTES or signature is None:
        return ["the public key or signature is not valid base64 of the right length"]
    fingerprint = crypto.public_key_fingerprint(public)
    if fingerprint != export["statement"]["key_fingerprint"]:
        problems.append("the enclosed public key does not match the statement's key fingerprint")
    if trusted and trusted not in (fingerprint, base64.b64encode(public).decode()):
        problems.append(f"signed by key {fingerprint}, not by the pinned platform key")
    if not crypto.verify(public, checkpoint_message(export["statement"]), signature):
        problems.append("the signature is not valid: the checkpoint was forged or changed")
    return problems


# --- the whole check ----------------------------------------------------------------------


def _event_form(line_no: int, event: Any) -> list[str]:
    if not isinstance(event, dict):
        return [f"line {line_no}: not a JSON object"]
    missing = [k for k in EXPORT_KEYS if k not in event]
    if missing:
        return [f"line {line_no}: missing {', '.join(missing)}"]
    for key in ("id", "seq"):
        if not isinstance(event[key], int) or isinstance(event[key], bool):
            return [f"line {line_no}: {key} should be a whole number"]
    return []


def verify_log(checkpoints: list[Any], events: Iterable[Any], *, trusted: str = "") -> tuple[list[str], list[str]]:
    """(problems, confirmations) for an exported log against exported checkpoints of its chain.

    Checkpoints whose signature fails are reported and not used. Every event must belong to the
    checkpoints' chain (a checkpoint of another organisation's chain is reported).
    """
    problems: list[str] = []
    confirmations: list[str] = []
    good: list[dict[str, Any]] = []
    for n, export in enumerate(checkpoints, start=1):
        found = checkpoint_problems(export, trusted)
        problems += [f"checkpoint {n}: {p}" for p in found]
        if not found:
            statement = export["statement"]
            good.append(statement)
            confirmations.append(
                f"checkpoint {n}: chain {statement['chain']} seq {statement['seq']} signed {statement['signed_at']} "
                f"by key {statement['key_fingerprint']}"
            )
    chains = {s["chain"] for s in good}
    if len(chains) > 1:
        problems.append(f"the checkpoints are for different chains: {', '.join(sorted(chains))}")
    chain = next(iter(chains)) if len(chains) == 1 else None
    first_ids = [s["first_event_id"] for s in good if s["first_event_id"] is not None]
    want = {s["seq"] for s in good} | {s["seq"] + 1 for s in good} | {1}
    walk = ChainWalk(chain or "", first_id=first_ids[0] if first_ids else None, want=want)
    count = 0
    for line_no, event in enumerate(events, start=1):
        form = _event_form(line_no, event)
        if form:
            problems += form
            continue
        if chain is not None and event["chain"] != chain:
            problems.append(
                f"event {event['id']}: belongs to chain {event['chain']}, not the checkpoint's chain {chain}"
            )
            continue
        walk.feed(event)
        count += 1
    problems += walk.problems
    since = 0
    for statement in sorted(good, key=lambda s: s["seq"]):
        source = f"the checkpoint signed {statement['signed_at']}"
        found = walk.against(statement["seq"], statement["last_event_id"], statement["head_hash"], source, since)
        problems += found
        if not found:
            since = statement["seq"]
    confirmations.append(f"{count} events read")
    return problems, confirmations


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"duplicate key {', '.join(repeated)} in one object")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def loads_strict(text: str) -> Any:
    """Parse JSON as the hub writes it: a key twice in one object, NaN or Infinity raise ValueError.

    `json.loads` keeps the last of two equal keys (what a hash would cover) while a person reading
    the file sees the first, and accepts NaN, which no hash here can cover.
    """
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return loads_strict(handle.read())


def _read_events(path: str) -> list[Any]:
    events = []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    events.append(loads_strict(line))
                except ValueError as exc:
                    raise ValueError(f"{path} line {line_no}: {exc}") from None
    return events


def main(argv: list[str]) -> int:
    """The command line: prints one line per confirmation, `FAILED <problem>` per problem; 0 intact, 1 not."""
    parser = argparse.ArgumentParser(prog="python -m core.audit_offline", description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", action="append", required=True, help="a signed checkpoint (repeatable)")
    parser.add_argument("--public-key", default="", help="the platform's public key (base64) or its fingerprint")
    parser.add_argument("events", help="the exported log, one JSON event per line")
    args = parser.parse_args(argv)
    try:
        checkpoints = [_read_json(path) for path in args.checkpoint]
        events = _read_events(args.events)
    except (OSError, ValueError) as exc:
        print(f"FAILED cannot read the files: {exc}")  # noqa: T201
        return 1
    problems, confirmations = verify_log(checkpoints, events, trusted=args.public_key.strip())
    for line in confirmations:
        print(line)  # noqa: T201
    for line in problems:
        print(f"FAILED {line}")  # noqa: T201
    print("verification failed" if problems else "the log is intact and extends every checkpoint")  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
