"""Platform secrets wrapped by the master key: created once, unwrapped on use, re-wrapped on rotation."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core import crypto
from core.keys import load_master_key, master_keys_by_id
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
