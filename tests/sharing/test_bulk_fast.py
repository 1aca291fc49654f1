"""The bulk path's shortcuts give exactly what the general code gives, and its rows open for the right readers."""

import pytest
from django.db import connection

from agreements.policy import Level
from core import crypto
from sharing import selectors
from sharing.bulk import checks_share_bulk, envelope_identity_fast, envelope_key_context_fast
from sharing.keys import channel_key_for_sender
from sharing.models import (
    ChannelKey,
    Envelope,
    EnvelopeKey,
    NameToken,
    SharedCheck,
    envelope_identity,
    envelope_key_context,
)
from tests.sharing.conftest import FakeProjection

REFS = ["request:1/speaker:1", 'request:"odd"/speaker:\\2', "request:Zoë/speaker:3", "r" * 80]


@pytest.mark.parametrize("ref", REFS)
@pytest.mark.parametrize("level", [Level.SUMMARY, Level.FULL])
def test_fast_envelope_identity_is_byte_for_byte_the_models(ref, level):
    check = SharedCheck(pk=123456789, source_id=42, source_ref=ref, version=1)

    assert envelope_identity_fast(123456789, 42, ref, 1, level) == envelope_identity(check, level)


@pytest.mark.parametrize(("envelope_id", "channel_id"), [(1, 1), (9, 10), (2**40, 7), (123456, 2**31 - 1)])
def test_fast_envelope_key_context_is_byte_for_byte_the_models(envelope_id, channel_id):
    assert envelope_key_context_fast(envelope_id, channel_id) == envelope_key_context(envelope_id, channel_id)


def test_sealer_blobs_open_with_open_sealed_and_never_reuse_a_nonce():
    key = crypto.new_data_key()
    sealer = crypto.Sealer(key, nonce_block=3)  # several refills of the nonce block

    blobs = [sealer.seal(f"key {n}".encode(), associated_data=f"ad {n}".encode()) for n in range(10)]

    assert [crypto.open_sealed(key, b, associated_data=f"ad {n}".encode()) for n, b in enumerate(blobs)] == [
        f"key {n}".encode() for n in range(10)
    ]
    assert len({b[1:13] for b in blobs}) == 10
    with pytest.raises(crypto.EnvelopeOpenError):
        crypto.open_sealed(key, blobs[0], associated_data=b"ad 1")
    with pytest.raises(ValueError):
        sealer.seal(b"x", associated_data=b"")
    with pytest.raises(crypto.KeyFormatError):
        crypto.Sealer(b"short")


def test_bulk_rows_open_with_the_general_code_under_every_channel(drafting, org_a, org_b, partner):
    """Each envelope opens under the archive and under the recipient's channel, with the model's identity."""
    drafting.active([org_a, org_b])
    names = ["Amira El-Masri", "Amira El-Masri", "Jonas Okafor-Reid"]  # a repeated name: hashed once, stored twice

    checks_share_bulk(
        actor=None, source=org_a, projections=[FakeProjection(n, (name,)) for n, name in enumerate(names, start=1)]
    )

    checks = list(SharedCheck.objects.filter(source=org_a).order_by("pk"))
    assert len(checks) == 3
    secrets = {c.pk: channel_key_for_sender(c) for c in ChannelKey.objects.filter(sender=org_a)}
    opened = 0
    for key in EnvelopeKey.objects.select_related("envelope__check_row"):
        envelope = key.envelope
        data_key = crypto.open_sealed(
            secrets[key.channel_id],
            bytes(key.wrapped_data_key),
            associated_data=envelope_key_context(envelope.pk, key.channel_id),
        )
        crypto.open_sealed(
            data_key, bytes(envelope.sealed), associated_data=envelope_identity(envelope.check_row, envelope.level)
        )
        opened += 1
    # two envelopes per check under the archive, the summary under the agreement's channel
    assert opened == 3 * 3
    assert Envelope.objects.count() == 6
    tokens = {c.pk: set(NameToken.objects.filter(check_row=c).values_list("digest", flat=True)) for c in checks}
    assert tokens[checks[0].pk] == tokens[checks[1].pk] != tokens[checks[2].pk]
    assert all(len(t) >= 3 for t in tokens.values())
    assert len(selectors.speaker_check_search(organisation=org_b, user=None, name="Amira El-Masri")) == 2


def test_a_second_bulk_call_reuses_the_channels_and_their_grants(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    checks_share_bulk(actor=None, source=org_a, projections=[FakeProjection(1, ("Amira El-Masri",))])
    channels = set(ChannelKey.objects.filter(sender=org_a).values_list("pk", flat=True))

    checks_share_bulk(actor=None, source=org_a, projections=[FakeProjection(2, ("Siân Nakamura",))])

    assert set(ChannelKey.objects.filter(sender=org_a).values_list("pk", flat=True)) == channels
    (seen,) = selectors.speaker_check_search(organisation=org_b, user=None, name="Siân Nakamura")
    assert seen.content["speaker_name"] == "Siân Nakamura" and not seen.error


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_no_index_repeats_the_leading_columns_of_another_on_the_bulk_tables():
    """An index whose columns are a prefix of another index's on the same table is only write cost."""
    for table in ["sharing_sharedcheck", "sharing_envelope", "sharing_envelopekey", "sharing_nametoken"]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, i.indkey::text, i.indpred IS NOT NULL "
                "FROM pg_index i WHERE i.indrelid = %s::regclass",
                [table],
            )
            indexes = [(name, [int(k) for k in keys.split()], partial) for name, keys, partial in cursor]
        for name, keys, partial in indexes:
            longer = [
                n for n, other, p in indexes if n != name and not p and not partial and other[: len(keys)] == keys
            ]
            assert not longer, f"{name} on {table} repeats the leading columns of {longer}"
    assert not [n for n in _indexes("sharing_nametoken") if n.endswith("_like")]
    assert "nametoken_digest" in _indexes("sharing_nametoken")
