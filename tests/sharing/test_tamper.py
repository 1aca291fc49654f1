"""A tampered or swapped envelope never opens to wrong data: a clear error, an audit event, no content."""

import pytest

from core.models import AuditEvent
from sharing import selectors, services
from sharing.models import ChannelGrant, Envelope, EnvelopeKey, SharedCheck
from tests.sharing.conftest import FakeProjection


@pytest.fixture
def shared(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    first, second = services.check_share(
        actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri", "Jonas Abernethy-Okoro"))
    )
    return first, second


def _flip(data: bytes, at: int = -1) -> bytes:
    data = bytearray(data)
    data[at] ^= 0x01
    return bytes(data)


def _summary_envelope(check):
    return Envelope.objects.get(check_row=check, level=2)


def _recipient_key(check):
    return EnvelopeKey.objects.get(envelope__check_row=check, envelope__level=2, channel__agreement__isnull=False)


TAMPERS = {
    "ciphertext byte": lambda a, b: Envelope.objects.filter(pk=_summary_envelope(a).pk).update(
        sealed=_flip(bytes(_summary_envelope(a).sealed))
    ),
    "nonce byte": lambda a, b: Envelope.objects.filter(pk=_summary_envelope(a).pk).update(
        sealed=_flip(bytes(_summary_envelope(a).sealed), 3)
    ),
    "sealed blobs swapped between checks": lambda a, b: Envelope.objects.filter(pk=_summary_envelope(a).pk).update(
        sealed=bytes(_summary_envelope(b).sealed)
    ),
    "record version": lambda a, b: SharedCheck.objects.filter(pk=a.pk).update(version=5),
    "record reference": lambda a, b: SharedCheck.objects.filter(pk=a.pk).update(source_ref="request:99/speaker:1"),
    "record kind": lambda a, b: SharedCheck.objects.filter(pk=a.pk).update(kind="referral"),
    "wrapped data key byte": lambda a, b: EnvelopeKey.objects.filter(pk=_recipient_key(a).pk).update(
        wrapped_data_key=_flip(bytes(_recipient_key(a).wrapped_data_key))
    ),
    "wrapped data keys swapped": lambda a, b: EnvelopeKey.objects.filter(pk=_recipient_key(a).pk).update(
        wrapped_data_key=bytes(_recipient_key(b).wrapped_data_key)
    ),
    "wrapped channel key byte": lambda a, b: ChannelGrant.objects.filter(channel=_recipient_key(a).channel).update(
        wrapped=_flip(bytes(ChannelGrant.objects.filter(channel=_recipient_key(a).channel).first().wrapped))
    ),
}


@pytest.mark.parametrize("tamper", TAMPERS, ids=list(TAMPERS))
def test_a_tampered_envelope_fails_to_open_with_a_clear_error_and_an_audit_event(shared, org_b, tamper):
    first, second = shared
    TAMPERS[tamper](first, second)

    view = selectors.check_open(organisation=org_b, user=None, check_id=first.pk)

    assert view.error.startswith("This shared check failed its integrity check")
    assert view.content == {}
    assert AuditEvent.objects.filter(action="exchange.open_failed", target_id=str(first.pk)).exists()


def test_the_untampered_neighbour_still_opens(shared, org_b):
    first, second = shared
    TAMPERS["ciphertext byte"](first, second)

    view = selectors.check_open(organisation=org_b, user=None, check_id=second.pk)

    assert view.error == "" and view.content["speaker_name"] == "Jonas Abernethy-Okoro"
