"""Organisation key pairs: creation, unwrapping with the master key, rotation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import crypto
from core.keys import load_master_key, master_keys_by_id
from tenants.models import KeyPurpose, Organisation, OrganisationKey

_GENERATORS = {
    KeyPurpose.EXCHANGE: crypto.generate_exchange_keypair,
    KeyPurpose.SIGNING: crypto.generate_signing_keypair,
}


def _context(organisation_id: int, purpose: str) -> bytes:
    # Binds a wrapped private key to its owner and purpose, so a row copied to another
    # organisation, or from signing to exchange, fails to unwrap.
    return crypto.associated_data(organisation=organisation_id, purpose=purpose)


def organisation_key_create(*, organisation: Organisation, purpose: str) -> OrganisationKey:
    """Make a new current key pair for `purpose`, retiring the previous one."""
    private, public = _GENERATORS[KeyPurpose(purpose)]()
    master = load_master_key()
    with transaction.atomic():
        OrganisationKey.objects.filter(organisation=organisation, purpose=purpose, retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
        return OrganisationKey.objects.create(
            organisation=organisation,
            purpose=purpose,
            public_key=public,
            wrapped_private_key=crypto.wrap_with_master(master, private, context=_context(organisation.pk, purpose)),
            master_key_id=crypto.master_key_id(master),
            fingerprint=crypto.public_key_fingerprint(public),
        )


def organisation_keys_create(*, organisation: Organisation) -> None:
    for purpose in KeyPurpose:
        organisation_key_create(organisation=organisation, purpose=purpose)


def current_key(organisation_id: int, purpose: str) -> OrganisationKey:
    return OrganisationKey.objects.get(organisation_id=organisation_id, purpose=purpose, retired_at__isnull=True)


def private_key(key: OrganisationKey) -> bytes:
    """Unwrap `key`'s private half with whichever master key (current or previous) wrapped it."""
    master = master_keys_by_id().get(key.master_key_id)
    if master is None:
        raise crypto.KeyFormatError(
            f"Key {key.pk} was wrapped by master key {key.master_key_id}, which is not configured "
            "(HUB_MASTER_KEY or HUB_MASTER_KEY_PREVIOUS)."
        )
    return crypto.unwrap_with_master(
        master, bytes(key.wrapped_private_key), context=_context(key.organisation_id, key.purpose)
    )


def master_key_rewrap(*, batch_size: int = 500) -> int:
    """Re-wrap every private key still under a previous master key; returns how many changed.

    Safe to run while the hub serves: each row is unwrapped with its old master key and
    rewritten under the current one in its own short transaction.
    """
    master = load_master_key()
    current_id = crypto.master_key_id(master)
    changed = 0
    for key in OrganisationKey.objects.exclude(master_key_id=current_id).iterator(chunk_size=batch_size):
        secret = private_key(key)
        with transaction.atomic():
            OrganisationKey.objects.filter(pk=key.pk, master_key_id=key.master_key_id).update(
                wrapped_private_key=crypto.wrap_with_master(
                    master, secret, context=_context(key.organisation_id, key.purpose)
                ),
                master_key_id=current_id,
            )
        changed += 1
    return changed
