"""Key handling for the exchange: channel keys, grants, data-key wrapping and the blind index.

Every function here works on keys for one call and drops them; nothing is logged or stored
unwrapped, and nothing is cached but one thing: the blind-index key, which the search keeps
in process memory (`IndexKeyCache`). It is a keyed-HMAC key that is in process memory during
every search anyway; caching it saves a statement and a master-key unwrap per search. The
cache is keyed by the secret's row id and version (a digest of its wrapped form, which
changes on rotation and on a master-key rewrap), and the search statement reads that pair
back every time, so a rotation anywhere is seen by every process at its next search.
Organisations' private keys and channel keys are never cached across requests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from agreements.models import Agreement, Purpose, RecordKind
from core import crypto
from core.keyring import secret_get_or_create, secret_replace
from sharing.models import ChannelGrant, ChannelKey, channel_context
from tenants.keys import current_key, private_key
from tenants.models import KeyPurpose, OrganisationKey

INDEX_SECRET = "sharing.name-index.v1"  # noqa: S105 (the name of a secret, not a secret)


def blind_index_key() -> bytes:
    """The blind-index key, read and unwrapped now (writers: shares, re-index). See `index_key_cached`."""
    return secret_get_or_create(INDEX_SECRET)


# SQL giving the blind-index key's identity, "<row id>:<version>": a scalar subquery the search
# statement embeds (so checking the cache costs no statement of its own). The version is the MD5
# of the wrapped key: any rotation or rewrap writes a new wrapped form.
INDEX_KEY_IDENTITY_SQL = (
    "SELECT w.id::text || ':' || md5(w.wrapped) FROM core_wrappedsecret w WHERE w.name = %(index_secret)s"
)


@dataclass(frozen=True)
class CachedIndexKey:
    identity: str  # "<row id>:<version>", as INDEX_KEY_IDENTITY_SQL gives it
    key: bytes


class IndexKeyCache:
    """The blind-index key per database, kept in process memory keyed by its row id and version.

    `get()` returns the cached key (reading it when absent); `confirm(identity)` is given the
    identity the database reported in the same statement that used the key, and drops the
    entry when it differs (the key rotated, or was rewrapped, or the row is gone), so the
    caller recomputes its digests with `get()` and runs again.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[object, ...], CachedIndexKey] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _database() -> tuple[object, ...]:
        settings = connection.settings_dict
        return (settings["NAME"], settings.get("HOST"), settings.get("PORT"))

    def get(self) -> CachedIndexKey:
        """The cached key for this database, or the key read now (one statement, one unwrap) and cached."""
        database = self._database()
        entry = self._entries.get(database)
        if entry is None:
            # Identity first, key second: a rotation in between leaves an old identity beside the
            # new key, which the next search's `confirm` refuses (the other order would not be seen).
            with connection.cursor() as cursor:
                cursor.execute(INDEX_KEY_IDENTITY_SQL, {"index_secret": INDEX_SECRET})
                row = cursor.fetchone()
            entry = CachedIndexKey(identity=row[0] if row else "", key=blind_index_key())
            with self._lock:
                self._entries[database] = entry
        return entry

    def confirm(self, entry: CachedIndexKey, identity: str | None) -> bool:
        """True when `identity` (read from the database) is the cached key's; otherwise forget it."""
        if identity == entry.identity:
            return True
        self.forget()
        return False

    def forget(self) -> None:
        with self._lock:
            self._entries.pop(self._database(), None)


index_keys = IndexKeyCache()


def blind_index_key_rotate() -> bytes:
    """Replace the blind-index key with a new random one; returns it. Call `name_index_rebuild` next.

    Every stored token was made with the old key, so until the re-index has run a search finds
    nothing: rotate only when the key may have leaked. Every process's cached key is dropped at
    its next search (the search statement reads the key's row id and version back).
    """
    key = secret_replace(INDEX_SECRET)
    index_keys.forget()
    return key


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
