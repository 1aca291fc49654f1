"""Key handling for the exchange: channel keys, grants, data-key wrapping and the blind index.

Every function here works on keys for one call and drops them; nothing is cached, logged
or stored unwrapped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction

from agreements.models import Agreement, Purpose, RecordKind
from core import crypto
from core.keyring import secret_get_or_create
from sharing.models import ChannelGrant, ChannelKey, channel_context
from tenants.keys import current_key, private_key
from tenants.models import KeyPurpose, OrganisationKey

INDEX_SECRET = "sharing.name-index.v1"  # noqa: S105 (the name of a secret, not a secret)


def blind_index_key() -> bytes:
    return secret_get_or_create(INDEX_SECRET)


def blind_tokens(tokens: Iterable[str], *, key: bytes | None = None) -> list[str]:
    """Keyed HMACs of normalised name tokens: what the database stores and searches instead of names.

    Bulk callers pass `key` (from `blind_index_key()`) so it is unwrapped once per batch.
    """
    key = key or blind_index_key()
    return sorted({crypto.blind_index(key, token) for token in tokens})


def _exchange_key(organisation_id: int) -> OrganisationKey:
    return current_key(organisation_id, KeyPurpose.EXCHANGE)


def channel_get_or_create(
    *,
    agreement_id: int | None,
    sender_id: int,
    level: int,
    recipient_id: int | None = None,
    kind: str = RecordKind.SPEAKER_CHECK,
    purpose: str = Purpose.SPEAKER_DUE_DILIGENCE,
) -> tuple[ChannelKey, bytes]:
    """The live generation of the channel for this flow and its key in the clear (for this call only).

    A new generation is created (one past the newest) when the flow has none live: the first
    share ever, or the first since the channel was retired because its readers shrank. Callers
    sealing under an agreement hold that agreement's row (`agreements_hold`), so a retirement,
    which runs under the agreement's update lock, never interleaves with a share.
    """
    lookup = {
        "agreement_id": agreement_id,
        "sender_id": sender_id,
        "level": level,
        "recipient_id": recipient_id,
        "kind": str(kind),
        "purpose": str(purpose),
    }
    channel = ChannelKey.objects.filter(**lookup, retired_at__isnull=True).first()
    if channel is not None:
        return channel, channel_key_for_sender(channel)
    newest = ChannelKey.objects.filter(**lookup).order_by("-generation").values_list("generation", flat=True).first()
    sender_key = _exchange_key(sender_id)
    secret = crypto.new_data_key()
    try:
        with transaction.atomic():
            channel = ChannelKey.objects.create(
                **lookup, generation=(newest or 0) + 1, sender_key=sender_key, wrapped_for_sender=b""
            )
            channel.wrapped_for_sender = crypto.wrap_key(
                bytes(sender_key.public_key), secret, context=channel_context(channel)
            )
            channel.save(update_fields=["wrapped_for_sender"])
    except IntegrityError:  # made by a concurrent share a moment ago: use that one
        channel = ChannelKey.objects.get(**lookup, retired_at__isnull=True)
        return channel, channel_key_for_sender(channel)
    return channel, secret


def agreements_hold(agreement_ids: Iterable[int], *, skip_locked: bool = False) -> set[int]:
    """Share-lock the agreements' rows until the caller's transaction ends; returns the ids held.

    Call inside `atomic`. Every lifecycle change takes its agreement's row for update and ends
    access (deleting grants, retiring channels) in that transaction, so a caller that holds the
    rows, then asks the policy, then seals or grants never interleaves with such a change: one
    that started first commits before this asks; one that starts later waits for this to commit,
    then removes whatever this granted. `skip_locked`: leave out rows another transaction holds
    (for callers that already hold another agreement's row, to avoid waiting in a cycle).
    """
    ids = sorted(set(agreement_ids))
    if not ids:
        return set()
    skip = " SKIP LOCKED" if skip_locked else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Agreement._meta.db_table} WHERE id = ANY(%s) FOR SHARE{skip}", [ids])  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def channel_key_for_sender(channel: ChannelKey) -> bytes:
    return crypto.unwrap_key(
        private_key(channel.sender_key), bytes(channel.wrapped_for_sender), context=channel_context(channel)
    )


def channel_key_for_recipient(grant: ChannelGrant, recipient_private: bytes) -> bytes:
    return crypto.unwrap_key(recipient_private, bytes(grant.wrapped), context=channel_context(grant.channel))


def grants_ensure(channel: ChannelKey, secret: bytes, recipient_ids: Iterable[int]) -> int:
    """Wrap the channel key for each recipient that lacks a grant; returns how many were added."""
    have = set(ChannelGrant.objects.filter(channel=channel).values_list("recipient_id", flat=True))
    missing = [rid for rid in recipient_ids if rid not in have]
    rows = []
    for recipient_id in missing:
        key = _exchange_key(recipient_id)
        rows.append(
            ChannelGrant(
                channel=channel,
                recipient_id=recipient_id,
                recipient_key=key,
                wrapped=crypto.wrap_key(bytes(key.public_key), secret, context=channel_context(channel)),
            )
        )
    ChannelGrant.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def own_exchange_private(organisation_id: int) -> dict[int, bytes]:
    """Every exchange private key of an organisation (current and retired), by key id.

    Grants made before a key rotation were wrapped for the old key, which stays usable.
    """
    return {
        key.pk: private_key(key)
        for key in OrganisationKey.objects.filter(organisation_id=organisation_id, purpose=KeyPurpose.EXCHANGE)
    }
