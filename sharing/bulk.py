"""The bulk path: many decided requests shared at once (imports of history, seeding), with COPY.

It writes exactly what `services.check_share` writes for new checks — the same envelopes,
keys and blind indexes, under the same policy answer — but asks the policy and unwraps the
channel keys once per call instead of once per check, takes ids from the sequences in one
round trip, and streams rows with COPY. Corrections go through `check_share`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agreements.policy import Level, recipients_for
from core import crypto
from core.audit import audit_record
from sharing.keys import blind_index_key, channel_get_or_create, grants_ensure
from sharing.models import ChannelKey, envelope_key_context
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
from tenants.models import Organisation, User


def _ids(sequence_table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [sequence_table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
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
    """(channel, key, level, retention days) for the archive and each allowing agreement."""
    archive, archive_key = channel_get_or_create(agreement_id=None, sender_id=source.pk, level=Level.FULL)
    grants_ensure(archive, archive_key, [source.pk])
    by_channel: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for grant in grants:
        by_channel[(grant.agreement_id, min(grant.max_level, automatic))].append(grant)
    result = [(archive, archive_key, 0, 0)]
    for (agreement_id, level), channel_grants in by_channel.items():
        channel, secret = channel_get_or_create(agreement_id=agreement_id, sender_id=source.pk, level=level)
        grants_ensure(channel, secret, [g.recipient_id for g in channel_grants])
        result.append((channel, secret, level, min(g.retention_days for g in channel_grants)))
    return result


def _write(
    actor: User | None,
    source: Organisation,
    records: list[tuple[str, dict[str, Any], dict[str, Any], dt.datetime]],
    channels: list[tuple[ChannelKey, bytes, int, int]],
) -> None:
    from sharing.models import SharedCheck, envelope_identity

    now = timezone.now()
    check_ids = _ids("sharing_sharedcheck", len(records))
    envelope_ids = _ids("sharing_envelope", 2 * len(records))
    checks, envelopes, keys, tokens = [], [], [], []
    index_key = blind_index_key()
    for i, (ref, summary, full, expires_at) in enumerate(records):
        check = SharedCheck(pk=check_ids[i], source=source, source_ref=ref, version=1, expires_at=expires_at)
        checks.append((check.pk, source.pk, KIND, ref, 1, True, getattr(actor, "pk", None), now, expires_at))
        for offset, (level, record) in enumerate(((Level.SUMMARY, summary), (Level.FULL, full))):
            envelope_id, data_key = envelope_ids[2 * i + offset], crypto.new_data_key()
            payload = crypto.canonical_json({**record, "level": level.code})
            envelopes.append(
                (
                    envelope_id,
                    check.pk,
                    int(level),
                    crypto.seal(data_key, payload, associated_data=envelope_identity(check, level)),
                    now,
                )
            )
            for channel, secret, channel_level, retention in channels:
                if channel.agreement_id is None or channel_level == level:
                    ends = (
                        expires_at
                        if channel.agreement_id is None
                        else min(expires_at, now + dt.timedelta(days=retention))
                    )
                    wrapped = crypto.seal(
                        secret, data_key, associated_data=envelope_key_context(envelope_id, channel.pk)
                    )
                    keys.append((envelope_id, channel.pk, wrapped, ends))
        tokens.extend((check.pk, digest) for digest in name_digests(summary, key=index_key))
    _copy(
        "sharing_sharedcheck",
        ["id", "source_id", "kind", "source_ref", "version", "is_current", "shared_by_id", "created_at", "expires_at"],
        checks,
    )
    _copy("sharing_envelope", ["id", "check_id", "level", "sealed", "created_at"], envelopes)
    _copy("sharing_envelopekey", ["envelope_id", "channel_id", "wrapped_data_key", "expires_at"], keys)
    _copy("sharing_nametoken", ["check_id", "digest"], tokens)
