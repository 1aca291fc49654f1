"""The bulk path: many decided requests shared at once (imports of history, seeding), with COPY.

It writes exactly what `services.check_share` writes for new checks — the same envelopes,
keys and blind indexes, under the same policy answer — but asks the policy and unwraps the
channel keys once per call instead of once per check, takes ids from the sequences in one
round trip, and streams rows with COPY. Corrections go through `check_share`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agreements.policy import Level, recipients_for
from core import crypto
from core.audit import audit_record
from sharing.keys import blind_index_key, channel_get_or_create, grants_ensure
from sharing.models import ChannelGrant, ChannelKey, channel_context
from sharing.services import (
    KIND,
    PURPOSE,
    NothingToShare,
    Projection,
    _end_of_day,
    name_digests,
    recipients_held,
    settings_for,
)
from tenants.keys import private_key
from tenants.models import Organisation, User


def _ids(sequence_table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [sequence_table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY `rows` into `table` as they are produced. `rows` must not run queries: the connection is busy."""
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def checks_share_bulk(*, actor: User | None, source: Organisation, projections: Iterable[Projection]) -> int:
    """Share new checks in bulk; returns how many. Raises NothingToShare (nothing stored) as check_share does."""
    grants = recipients_for(source_id=source.pk, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE)
    if not grants:
        raise NothingToShare(
            f"No active information-sharing agreement lets another organisation receive speaker "
            f"checks from {source}; nothing was shared."
        )
    automatic = Level(settings_for(source).automatic_level)
    records = [
        (f"request:{p.request_id}/speaker:{n}", summary, full, _end_of_day(p.expires_on))
        for p in projections
        for n, (summary, full) in enumerate(zip(p.per_speaker(), p.per_speaker(full=True), strict=True), start=1)
    ]
    with transaction.atomic():
        grants = recipients_held(source, grants)  # no interleaving with a change that ends access
        refs = [r[0] for r in records]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sharing_sharedcheck WHERE source_id = %s AND source_ref = ANY(%s) LIMIT 1",
                [source.pk, refs],
            )
            if cursor.fetchone():
                raise ValidationError(
                    {
                        "records": "Some of these requests were shared before; correct them one by "
                        "one (check_share), not in bulk."
                    }
                )
        channels = _channels(source, grants, automatic)
        _write(actor, source, records, channels)
        audit_record(
            action="exchange.share_bulk",
            actor=actor,
            organisation_id=source.pk,
            target_type="sharing.sharedcheck",
            target_id="bulk",
            detail={"count": len(records), "recipients": sorted({g.recipient_id for g in grants})},
        )
    return len(records)


def _channels(source: Organisation, grants: list[Any], automatic: Level) -> list[tuple[ChannelKey, bytes, int, int]]:
    """(channel, key, level, retention days) for the archive and each allowing agreement.

    The live channels of the source are read in one query and unwrapped with the sender's
    private key unwrapped once per key row; a flow with no live channel yet, or a channel that
    lacks a grant for one of its recipients, goes through `channel_get_or_create` and
    `grants_ensure` as in `check_share`.
    """
    by_channel: dict[tuple[int | None, int], list[Any]] = defaultdict(list)
    for grant in grants:
        by_channel[(grant.agreement_id, min(grant.max_level, automatic))].append(grant)
    wanted = {(None, int(Level.FULL)): [source.pk]} | {
        (agreement_id, int(level)): [g.recipient_id for g in channel_grants]
        for (agreement_id, level), channel_grants in by_channel.items()
    }
    live = {
        (c.agreement_id, c.level): c
        for c in ChannelKey.objects.filter(
            sender_id=source.pk,
            recipient__isnull=True,
            kind=KIND,
            purpose=PURPOSE,
            retired_at__isnull=True,
        ).select_related("sender_key")
    }
    have: dict[int, set[int]] = defaultdict(set)
    for channel_id, recipient_id in ChannelGrant.objects.filter(channel__in=list(live.values())).values_list(
        "channel_id", "recipient_id"
    ):
        have[channel_id].add(recipient_id)
    privates: dict[int, bytes] = {}
    result = []
    for (agreement_id, level), recipients in wanted.items():
        channel = live.get((agreement_id, level))
        if channel is None:
            channel, secret = channel_get_or_create(agreement_id=agreement_id, sender_id=source.pk, level=level)
        else:
            if channel.sender_key_id not in privates:
                privates[channel.sender_key_id] = private_key(channel.sender_key)
            secret = crypto.unwrap_key(
                privates[channel.sender_key_id], bytes(channel.wrapped_for_sender), context=channel_context(channel)
            )
        if not have[channel.pk].issuperset(recipients):
            grants_ensure(channel, secret, recipients)
        retention = 0 if agreement_id is None else min(g.retention_days for g in by_channel[(agreement_id, level)])
        result.append((channel, secret, level, retention))
    return result


def envelope_identity_fast(check_id: int, source_id: int, ref: str, version: int, level: int) -> bytes:
    """`models.envelope_identity` of a speaker check (no single recipient), without building a model.

    The same bytes as `crypto.associated_data(envelope="speaker-check-v1", ...)`: keys in sorted
    order, ints as JSON numbers, the reference as a JSON string (tests/sharing/test_bulk_fast.py).
    """
    return (
        f'{{"check":{int(check_id)},"envelope":"speaker-check-v1","kind":{_KIND_JSON},"level":{int(level)},'
        f'"ref":{json.dumps(ref, ensure_ascii=False)},"source":{int(source_id)},"version":{int(version)}}}'
    ).encode()


def envelope_key_context_fast(envelope_id: int, channel_id: int) -> bytes:
    """`models.envelope_key_context` for int ids: the same bytes, without the generic encoder."""
    return f'{{"channel":{int(channel_id)},"envelope":{int(envelope_id)},"envelope_key":"v1"}}'.encode()


_KIND_JSON = json.dumps(str(KIND), ensure_ascii=False)


def _write(
    actor: User | None,
    source: Organisation,
    records: list[tuple[str, dict[str, Any], dict[str, Any], dt.datetime]],
    channels: list[tuple[ChannelKey, bytes, int, int]],
) -> None:
    """Stream the rows with COPY, sealing as they go, so the server writes rows while we seal the next ones.

    Order: checks (no crypto), envelopes (a data key each, sealed), envelope keys (each data key
    wrapped under every channel of its level), name tokens (blind index). Data keys are kept for
    this call only, in memory, and dropped before the tokens are written.
    """
    now = timezone.now()
    check_ids = _ids("sharing_sharedcheck", len(records))
    envelope_ids = _ids("sharing_envelope", 2 * len(records))
    actor_id = getattr(actor, "pk", None)
    _copy(
        "sharing_sharedcheck",
        ["id", "source_id", "kind", "source_ref", "version", "is_current", "shared_by_id", "created_at", "expires_at"],
        (
            (check_id, source.pk, KIND, ref, 1, True, actor_id, now, expires_at)
            for check_id, (ref, _, _, expires_at) in zip(check_ids, records, strict=True)
        ),
    )
    data_keys: list[bytes] = []
    _copy(
        "sharing_envelope",
        ["id", "check_id", "level", "sealed", "created_at"],
        _envelope_rows(source.pk, records, check_ids, envelope_ids, data_keys, now),
    )
    _copy(
        "sharing_envelopekey",
        ["envelope_id", "channel_id", "wrapped_data_key", "expires_at"],
        _key_rows(records, envelope_ids, data_keys, channels, now),
    )
    data_keys.clear()
    index_key = blind_index_key()  # before the COPY: no other statement may run on the connection during it
    _copy("sharing_nametoken", ["check_id", "digest"], _token_rows(records, check_ids, index_key))


_LEVELS = ((int(Level.SUMMARY), Level.SUMMARY.code), (int(Level.FULL), Level.FULL.code))


def _envelope_rows(
    source_id: int,
    records: list[tuple[str, dict[str, Any], dict[str, Any], dt.datetime]],
    check_ids: list[int],
    envelope_ids: list[int],
    data_keys: list[bytes],
    now: dt.datetime,
) -> Iterator[tuple[Any, ...]]:
    """Envelope rows (summary, then full, per check), each under a new data key appended to `data_keys`."""
    for i, (ref, summary, full, _) in enumerate(records):
        for offset, record in enumerate((summary, full)):
            level, code = _LEVELS[offset]
            data_key = crypto.new_data_key()
            data_keys.append(data_key)
            sealed = crypto.seal(
                data_key,
                crypto.canonical_json({**record, "level": code}),
                associated_data=envelope_identity_fast(check_ids[i], source_id, ref, 1, level),
            )
            yield (envelope_ids[2 * i + offset], check_ids[i], level, sealed, now)


def _key_rows(
    records: list[tuple[str, dict[str, Any], dict[str, Any], dt.datetime]],
    envelope_ids: list[int],
    data_keys: list[bytes],
    channels: list[tuple[ChannelKey, bytes, int, int]],
    now: dt.datetime,
) -> Iterator[tuple[Any, ...]]:
    """Each envelope's data key wrapped under the archive and under each agreement channel of its level.

    A key under an agreement expires at the earlier of the check's expiry and the recipients' retention.
    """
    # (channel id, sealer, level it holds or None for both, retention cap or None)
    wraps = [
        (
            channel.pk,
            crypto.Sealer(secret),
            None if channel.agreement_id is None else channel_level,
            None if channel.agreement_id is None else now + dt.timedelta(days=retention),
        )
        for channel, secret, channel_level, retention in channels
    ]
    for i, (_, _, _, expires_at) in enumerate(records):
        for offset, (level, _) in enumerate(_LEVELS):
            envelope_id, data_key = envelope_ids[2 * i + offset], data_keys[2 * i + offset]
            for channel_id, sealer, channel_level, cap in wraps:
                if channel_level is None or channel_level == level:
                    wrapped = sealer.seal(data_key, associated_data=envelope_key_context_fast(envelope_id, channel_id))
                    yield (envelope_id, channel_id, wrapped, expires_at if cap is None or cap > expires_at else cap)


def _token_rows(
    records: list[tuple[str, dict[str, Any], dict[str, Any], dt.datetime]], check_ids: list[int], index_key: bytes
) -> Iterator[tuple[int, str]]:
    """(check id, blind-index digest) rows; a name that recurs in the call is folded and hashed once."""
    digests_of: dict[str, list[str]] = {}
    for check_id, (_, summary, _, _) in zip(check_ids, records, strict=True):
        name = str(summary.get("speaker_name", ""))
        digests = digests_of.get(name)
        if digests is None:
            digests = digests_of[name] = name_digests(summary, key=index_key)
        for digest in digests:
            yield (check_id, digest)
