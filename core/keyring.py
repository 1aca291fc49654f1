"""Platform secrets wrapped by the master key: created once, unwrapped on use, re-wrapped on rotation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from core import crypto
from core.keys import (
    MASTER_KEY_ENV,
    PREVIOUS_KEYS_ENV,
    MasterKeyError,
    check_master_key,
    load_master_key,
    master_keys_by_id,
)
from core.models import WrappedSecret


def _context(name: str) -> bytes:
    return crypto.associated_data(secret=name)


def secret_get_or_create(name: str) -> bytes:
    """The 32-byte secret called `name`, generating it on first use (safe under concurrency)."""
    row = WrappedSecret.objects.filter(name=name).first()
    if row is None:
        master = load_master_key()
        try:
            with transaction.atomic():
                row = WrappedSecret.objects.create(
                    name=name,
                    wrapped=crypto.wrap_with_master(master, crypto.new_data_key(), context=_context(name)),
                    master_key_id=crypto.master_key_id(master),
                )
        except IntegrityError:  # another process created it first; use theirs
            row = WrappedSecret.objects.get(name=name)
    return _unwrap(row)


def secret_replace(name: str) -> bytes:
    """Replace the secret called `name` with a new random one (creating it if absent); returns it.

    What was computed with the old secret (e.g. blind indexes) must be recomputed by the caller.
    """
    master = load_master_key()
    secret = crypto.new_data_key()
    fields = {
        "wrapped": crypto.wrap_with_master(master, secret, context=_context(name)),
        "master_key_id": crypto.master_key_id(master),
    }
    with transaction.atomic():
        if not WrappedSecret.objects.filter(name=name).update(**fields):
            WrappedSecret.objects.create(name=name, **fields)
    return secret


def _unwrap(row: WrappedSecret) -> bytes:
    master = master_keys_by_id().get(row.master_key_id)
    if master is None:
        raise crypto.KeyFormatError(
            f"Secret '{row.name}' was wrapped by master key {row.master_key_id}, which is not configured "
            "(HUB_MASTER_KEY or HUB_MASTER_KEY_PREVIOUS)."
        )
    return crypto.unwrap_with_master(master, bytes(row.wrapped), context=_context(row.name))


def secrets_rewrap() -> int:
    """Re-wrap every secret still under a previous master key; returns how many changed."""
    master = load_master_key()
    current_id = crypto.master_key_id(master)
    changed = 0
    for row in WrappedSecret.objects.exclude(master_key_id=current_id):
        secret = _unwrap(row)
        WrappedSecret.objects.filter(pk=row.pk, master_key_id=row.master_key_id).update(
            wrapped=crypto.wrap_with_master(master, secret, context=_context(row.name)), master_key_id=current_id
        )
        changed += 1
    return changed


# --- does the configured master key belong to this database? -----------------------

# A random secret wrapped under the master key: it opens only under the key the database
# was set up with. The key itself is never stored; this row is the key-check value.
KEY_CHECK_NAME = "master-key-check"


def master_key_verify(*, also_wrapped_by: Iterable[str] = ()) -> None:
    """Refuse a master key that is missing, malformed, or not the one this database was set up with.

    `also_wrapped_by` lists master key ids recorded by other tables (e.g. organisations'
    wrapped private keys), so a database created before the key-check row existed is
    still checked. On first use (no key-check row) the row is written under the current
    key, after any existing wrapped secret has been checked.

    Raises :class:`MasterKeyError` whose message names ``HUB_MASTER_KEY`` and never holds a
    key value. Safe during a rotation: keys in ``HUB_MASTER_KEY_PREVIOUS`` count as configured.
    """
    problems = check_master_key()
    if problems:
        raise MasterKeyError(" ".join(problems))
    configured = master_keys_by_id()
    current_id = crypto.master_key_id(load_master_key())
    for key_id in sorted(set(also_wrapped_by)):
        if key_id not in configured:
            raise _mismatch(key_id, current_id)
    row = WrappedSecret.objects.filter(name=KEY_CHECK_NAME).first()
    rows = [row] if row is not None else list(WrappedSecret.objects.all())
    for existing in rows:
        _verify_row(existing, configured, current_id)
    if row is None:
        secret_get_or_create(KEY_CHECK_NAME)


def _verify_row(row: WrappedSecret, configured: dict[str, bytes], current_id: str) -> None:
    master = configured.get(row.master_key_id)
    if master is None:
        raise _mismatch(row.master_key_id, current_id)
    try:
        crypto.unwrap_with_master(master, bytes(row.wrapped), context=_context(row.name))
    except crypto.CryptoError:
        raise MasterKeyError(
            f"{MASTER_KEY_ENV} does not open this database's key-check value ('{row.name}'): the database was set "
            "up with a different master key. Set HUB_MASTER_KEY to that key."
        ) from None


def _mismatch(stored_id: str, current_id: str) -> MasterKeyError:
    return MasterKeyError(
        f"{MASTER_KEY_ENV} does not match this database: its keys are wrapped by master key id {stored_id}, but "
        f"{MASTER_KEY_ENV} has id {current_id} and {PREVIOUS_KEYS_ENV} does not hold it either. Set "
        f"{MASTER_KEY_ENV} to the key this database was set up with (during a rotation, put the old key in "
        f"{PREVIOUS_KEYS_ENV})."
    )
