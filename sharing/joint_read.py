"""The exchange's reads in one statement: candidates, policy terms, keys, grants, titles, names.

A search (or the opening of one check, or the source's register) needs, for every candidate
check: the check's identity, its source's name, the policy terms of every flow from that
source to the reader (with the network-membership flag the policy computes), every envelope
key the reader holds a grant for, with its envelope, channel, grant, the reader's wrapped
private key and the agreement's title, and the blind-index key's identity (so the cached
key is confirmed in the same round trip, see `sharing.keys.IndexKeyCache`). One SELECT
returns all of it as one row of JSON arrays, set-based: its shape never depends on what
matched, so a miss and a hit the reader may not see run the same statement.

Nothing is decided here. The rows become `FlowTerms` for `agreements.policy.can_receive`
(through `sharing.services.allowed_under_agreement`), and nothing is unwrapped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from agreements.policy import MEMBER_KINDS, NETWORK_KINDS, FlowTerms
from core.prepared import fetch_prepared
from sharing.keys import INDEX_KEY_IDENTITY_SQL, INDEX_SECRET
from sharing.models import SharedCheck
from tenants.models import KeyPurpose, LinkKind, OrganisationKind

# Which candidates: by blind-index digest (the search), by id (opening one check), or a given list.
# Each is (the ids matched, the filter on the matched rows).
BY_DIGESTS = (
    "SELECT DISTINCT t.check_id AS id FROM sharing_nametoken t WHERE t.digest = ANY(%(digests)s)",
    "s.kind = %(kind)s AND {readable}",
)
BY_ID = ("SELECT %(check_id)s::bigint AS id", "s.recipient_id IS NULL AND {readable}")
# A given list is the source's register: its own checks in any state; anyone else's only while readable.
BY_IDS = ("SELECT unnest(%(ids)s::bigint[]) AS id", "(s.source_id = %(reader)s OR {readable})")
_READABLE = "s.is_current AND s.withdrawn_at IS NULL AND s.destroyed_at IS NULL AND s.expires_at > %(at)s"

# `agreements.policy._with_membership`, as SQL over the same rows: the recipient's tie to a network
# sender (or the sender's tie to a network recipient) for the network kinds; true otherwise.
_TO_MEMBER = (
    "EXISTS (SELECT 1 FROM tenants_organisationlink l WHERE "
    "(l.source_id = f.recipient_id AND l.target_id = f.sender_id AND l.kind = %(member_of)s) OR "
    "(l.source_id = f.sender_id AND l.target_id = f.recipient_id AND l.kind = %(convened_by)s))"
)
_FROM_MEMBER = (
    "EXISTS (SELECT 1 FROM tenants_organisationlink l WHERE "
    "(l.source_id = f.sender_id AND l.target_id = f.recipient_id AND l.kind = %(member_of)s) OR "
    "(l.source_id = f.recipient_id AND l.target_id = f.sender_id AND l.kind = %(convened_by)s))"
)
_FROM_NETWORK = "(f.kind = ANY(%(network_kinds)s) AND so.kind = ANY(%(convening)s))"
_TO_NETWORK = "(f.kind = ANY(%(member_kinds)s) AND ro.kind = ANY(%(convening)s))"
_IN_NETWORK = (
    f"CASE WHEN {_FROM_NETWORK} AND {_TO_NETWORK} THEN ({_TO_MEMBER} AND {_FROM_MEMBER}) "
    f"WHEN {_FROM_NETWORK} THEN {_TO_MEMBER} WHEN {_TO_NETWORK} THEN {_FROM_MEMBER} ELSE true END"
)

# Only constants are formatted in; every value is a bound parameter.
# Each step is a MATERIALIZED CTE so the plan runs in this order whatever the statistics say:
# the few matched ids, then their checks, then their envelope keys, then the rest by primary key.
_STATEMENT = f"""
WITH matched AS MATERIALIZED ({{matched}}),
candidate AS MATERIALIZED (
    SELECT s.id, s.source_id, s.kind, s.source_ref, s.version, s.recipient_id, s.created_at, o.name AS source_name
    FROM matched m
    JOIN sharing_sharedcheck s ON s.id = m.id
    JOIN tenants_organisation o ON o.id = s.source_id
    WHERE {{where}}
),
held AS MATERIALIZED (
    SELECT e.check_id, e.id AS envelope_id, e.level, e.sealed, k.id AS key_id, k.channel_id, k.wrapped_data_key
    FROM candidate c
    JOIN sharing_envelope e ON e.check_id = c.id
    JOIN sharing_envelopekey k ON k.envelope_id = e.id
    WHERE k.expires_at > %(at)s
)
SELECT
    ({INDEX_KEY_IDENTITY_SQL}),
    (SELECT json_agg(json_build_array(c.id, c.source_id, c.kind, c.source_ref, c.version, c.recipient_id,
                                      c.source_name) ORDER BY c.created_at DESC, c.id DESC)
     FROM candidate c),
    (SELECT json_agg(json_build_array(f.agreement_id, f.version_id, f.sender_id, f.recipient_id, f.kind,
                                      f.max_level, f.purposes, f.retention_days, f.valid_from, f.valid_until,
                                      f.is_current, f.all_signed, f.suspended, f.terminates_at,
                                      f.special_condition, {_IN_NETWORK}))
     FROM agreements_agreementflow f
     JOIN tenants_organisation so ON so.id = f.sender_id
     JOIN tenants_organisation ro ON ro.id = f.recipient_id
     WHERE f.recipient_id = %(reader)s AND f.kind = %(kind)s AND f.sender_id <> %(reader)s
       AND f.sender_id IN (SELECT c.source_id FROM candidate c)),
    (SELECT json_agg(json_build_array(h.check_id, h.envelope_id, h.level, encode(h.sealed, 'base64'),
                                      ch.id, ch.agreement_id, ch.recipient_id, ch.sender_id, ch.level,
                                      encode(h.wrapped_data_key, 'base64'), encode(g.wrapped, 'base64'),
                                      ok.id, ok.organisation_id, ok.master_key_id,
                                      encode(ok.wrapped_private_key, 'base64'), a.title)
                     ORDER BY h.level DESC, h.key_id)
     FROM held h
     JOIN sharing_channelkey ch ON ch.id = h.channel_id
     JOIN sharing_channelgrant g ON g.channel_id = h.channel_id AND g.recipient_id = %(reader)s
     JOIN tenants_organisationkey ok ON ok.id = g.recipient_key_id
     LEFT JOIN agreements_agreement a ON a.id = ch.agreement_id
     WHERE ch.kind = %(kind)s AND ok.purpose = %(exchange)s)
"""  # noqa: S608


@dataclass(frozen=True)
class KeyRow:
    """One envelope key the reader holds a grant for, with everything needed to open it."""

    check_id: int
    envelope_id: int
    level: int
    sealed: bytes
    channel_id: int
    agreement_id: int | None
    channel_recipient_id: int | None
    sender_id: int
    channel_level: int
    wrapped_data_key: bytes
    grant_wrapped: bytes
    private_key_id: int
    private_key_organisation_id: int
    master_key_id: str
    wrapped_private_key: bytes
    agreement_title: str


@dataclass
class JointRead:
    """What the statement returned: the candidates (newest first), names, terms and keys (highest level first)."""

    index_key_identity: str | None
    checks: list[SharedCheck]
    source_names: dict[int, str]
    terms: dict[int, list[FlowTerms]]
    keys: list[KeyRow]


@cache
def _statement(matched: str, condition: str) -> str:
    return _STATEMENT.format(matched=matched, where=condition.format(readable=_READABLE))


def joint_read(
    *, where: tuple[str, str], reader_id: int, kind: str, at: dt.datetime, params: dict[str, Any] | None = None
) -> JointRead:
    """Run the one statement for the candidates `where` selects (`BY_DIGESTS`, `BY_ID` or `BY_IDS`).

    `params` fills the candidate filter (`digests`, `check_id` or `ids`). One statement, always,
    returning one row; the caller's decisions go through the policy.
    """
    values = {
        "index_secret": INDEX_SECRET,
        "reader": reader_id,
        "kind": str(kind),
        "at": at,
        "exchange": str(KeyPurpose.EXCHANGE),
        "member_of": str(LinkKind.MEMBER_OF),
        "convened_by": str(LinkKind.CONVENED_BY),
        "network_kinds": sorted(NETWORK_KINDS),
        "member_kinds": sorted(MEMBER_KINDS),
        "convening": [str(OrganisationKind.NETWORK), str(OrganisationKind.PREVENT_GROUP)],
        **(params or {}),
    }
    matched, condition = where  # constants above, never input: three statement texts in all
    # Prepared once per connection (core.prepared): planning this join cost more than running it.
    [(identity, checks, terms, keys)] = fetch_prepared(_statement(matched, condition), values)
    return _parsed(identity, checks or [], terms or [], keys or [])


def _parsed(identity: str | None, checks: list[list[Any]], terms: list[list[Any]], keys: list[list[Any]]) -> JointRead:
    read = JointRead(identity, [], {}, {}, [])
    for check_id, source_id, kind, source_ref, version, recipient_id, source_name in checks:
        read.checks.append(
            SharedCheck(
                id=check_id,
                source_id=source_id,
                kind=kind,
                source_ref=source_ref,
                version=version,
                recipient_id=recipient_id,
            )
        )
        read.source_names[source_id] = source_name
    for row in terms:
        flow = _flow_terms(row)
        read.terms.setdefault(flow.sender_id, []).append(flow)
    for row in keys:
        (check_id, envelope_id, level, sealed, channel_id, agreement_id, channel_recipient_id, sender_id) = row[:8]
        (channel_level, wrapped_data_key, grant_wrapped, key_id, key_org, master_key_id, wrapped_private) = row[8:15]
        read.keys.append(
            KeyRow(
                check_id=check_id,
                envelope_id=envelope_id,
                level=level,
                sealed=_bytes(sealed),
                channel_id=channel_id,
                agreement_id=agreement_id,
                channel_recipient_id=channel_recipient_id,
                sender_id=sender_id,
                channel_level=channel_level,
                wrapped_data_key=_bytes(wrapped_data_key),
                grant_wrapped=_bytes(grant_wrapped),
                private_key_id=key_id,
                private_key_organisation_id=key_org,
                master_key_id=master_key_id,
                wrapped_private_key=_bytes(wrapped_private),
                agreement_title=row[15] or "",
            )
        )
    return read


def _bytes(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _flow_terms(row: list[Any]) -> FlowTerms:
    """The policy's `FlowTerms` for one `agreements_agreementflow` row of the statement (same fields, same meaning)."""
    (agreement_id, version_id, sender_id, recipient_id, kind, max_level, purposes, retention_days) = row[:8]
    (valid_from, valid_until, is_current, all_signed, suspended, terminates_at, special, in_network) = row[8:]
    return FlowTerms(
        agreement_id=agreement_id,
        version_id=version_id,
        sender_id=sender_id,
        recipient_id=recipient_id,
        kind=kind,
        max_level=max_level,
        purposes=frozenset(purposes),
        retention_days=retention_days,
        valid_from=_moment(valid_from),  # type: ignore[arg-type]
        valid_until=_moment(valid_until),  # type: ignore[arg-type]
        is_current=is_current,
        all_signed=all_signed,
        suspended=suspended,
        terminates_at=_moment(terminates_at),
        special_condition=special,
        recipient_in_network=in_network,
    )
