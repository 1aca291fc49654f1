"""Organisation key pairs: private halves only wrapped, unwrappable, rotatable under a new master key."""

import base64
import secrets

import pytest

from core import crypto, keys
from tenants.keys import current_key, master_key_rewrap, organisation_key_create, private_key
from tenants.models import OrganisationKey


def test_a_signing_key_unwraps_and_signs_verifiably_with_its_public_half(org_a):
    key = current_key(org_a.pk, "signing")

    signature = crypto.sign(private_key(key), b"agreement text")

    assert crypto.verify(bytes(key.public_key), b"agreement text", signature)
    assert private_key(key) not in bytes(key.wrapped_private_key)


def test_a_wrapped_key_copied_to_another_organisation_fails_to_unwrap(org_a, org_b):
    stolen = current_key(org_a.pk, "exchange")
    stolen.organisation_id = org_b.pk

    with pytest.raises(crypto.CryptoError):
        private_key(stolen)


def test_rotating_a_signing_key_keeps_the_old_public_key_for_old_signatures(org_a):
    old = current_key(org_a.pk, "signing")
    signature = crypto.sign(private_key(old), b"v1")

    new = organisation_key_create(organisation=org_a, purpose="signing")

    old.refresh_from_db()
    assert old.retired_at is not None and new.retired_at is None
    assert crypto.verify(bytes(old.public_key), b"v1", signature)
    assert OrganisationKey.objects.filter(organisation=org_a, purpose="signing").count() == 2


def test_a_new_master_key_rewraps_every_private_key_without_losing_one(org_a, org_b, monkeypatch):
    # given: the keys are wrapped under today's master key
    before = {k.pk: private_key(k) for k in OrganisationKey.objects.all()}
    old_master = keys.load_master_key()
    new_master = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("HUB_MASTER_KEY", new_master)
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", base64.urlsafe_b64encode(old_master).decode())
    keys.reset_cache()
    try:
        # when
        changed = master_key_rewrap()
        again = master_key_rewrap()

        # then: all moved once, all still open, and none needs the old key any more
        assert changed == len(before) and again == 0
        monkeypatch.delenv("HUB_MASTER_KEY_PREVIOUS")
        keys.reset_cache()
        assert {k.pk: private_key(k) for k in OrganisationKey.objects.all()} == before
    finally:
        keys.reset_cache()
