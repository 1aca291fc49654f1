"""Test helpers that ask real cryptography who can open a shared check (no mocks).

`levels_opened(org, check)` tries every wrapped channel key the database holds for the
check's envelope keys (whoever it was wrapped for) with every exchange private key `org`
has ever had; `held_secrets(org)` are the channel keys `org` can unwrap right now (what a
party could have copied before it was removed); `levels_opened_with(secrets, check)` tries
those. `new_version` puts a new version of an agreement in force, signed by every party of
either version (an organisation that is not asked to sign is skipped), so the tests work
whether or not a party leaving must sign the version that drops it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services as agreement_services
from agreements.models import Agreement
from core import crypto
from sharing.keys import channel_key_for_recipient, own_exchange_private
from sharing.models import ChannelGrant, EnvelopeKey, SharedCheck, envelope_identity, envelope_key_context
from tenants.models import Organisation
from tests.agreements.conftest import Drafting, terms_for


def _opens(secret: bytes, key: EnvelopeKey, check: SharedCheck) -> bool:
    try:
        data_key = crypto.open_sealed(
            secret, bytes(key.wrapped_data_key), associated_data=envelope_key_context(key.envelope_id, key.channel_id)
        )
        crypto.open_sealed(
            data_key, bytes(key.envelope.sealed), associated_data=envelope_identity(check, key.envelope.level)
        )
    except crypto.CryptoError:
        return False
    return True


def levels_opened(organisation: Organisation, check: SharedCheck) -> set[int]:
    """The levels of `check` that `organisation`'s private keys open, trying every grant row in the database."""
    privates = list(own_exchange_private(organisation.pk).values())
    levels = set()
    for key in EnvelopeKey.objects.filter(envelope__check_row=check).select_related("envelope", "channel"):
        for grant in ChannelGrant.objects.filter(channel_id=key.channel_id).select_related("channel"):
            for private in privates:
                try:
                    secret = channel_key_for_recipient(grant, private)
                except crypto.CryptoError:
                    continue
                if _opens(secret, key, check):
                    levels.add(key.envelope.level)
    return levels


def held_secrets(organisation: Organisation) -> list[bytes]:
    """Every channel key `organisation` can unwrap now, from its own grants."""
    privates = own_exchange_private(organisation.pk)
    return [
        channel_key_for_recipient(grant, privates[grant.recipient_key_id])
        for grant in ChannelGrant.objects.filter(recipient=organisation).select_related("channel")
    ]


def levels_opened_with(secrets: Iterable[bytes], check: SharedCheck) -> set[int]:
    """The levels of `check` that any of `secrets` (channel keys) opens."""
    secrets = list(secrets)
    return {
        key.envelope.level
        for key in EnvelopeKey.objects.filter(envelope__check_row=check).select_related("envelope")
        if any(_opens(secret, key, check) for secret in secrets)
    }


def grants_between(sender: Organisation, recipient: Organisation, agreement: Agreement | None = None) -> int:
    """How many wrapped channel keys `recipient` holds for channels of `sender` (under `agreement` if given)."""
    grants = ChannelGrant.objects.filter(recipient=recipient, channel__sender=sender)
    if agreement is not None:
        grants = grants.filter(channel__agreement=agreement)
    return grants.count()


def new_version(drafting: Drafting, agreement: Agreement, parties: list[Organisation], **overrides: Any) -> Agreement:
    """Draft, propose and have every party of the old or new version sign a version with `parties`."""
    agreement.refresh_from_db()
    drafter = agreement.drafted_by_organisation
    before = [p.organisation for p in agreement.current_version.parties.select_related("organisation")]
    agreement_services.agreement_edit(
        actor=drafting.lead(drafter),
        organisation=drafter,
        agreement=agreement,
        parties=[o.slug for o in parties],
        terms=terms_for("network_speaker_checks", parties, **overrides),
        change_note="Change of parties or terms",
    )
    agreement.refresh_from_db()
    drafting.propose(agreement)
    number = agreement.versions.order_by("-number").values_list("number", flat=True).first()
    for organisation in {o.pk: o for o in [*before, *parties]}.values():
        try:
            drafting.sign(agreement, organisation, version=number)
        except (PermissionDenied, ValidationError):
            pass  # not asked to sign this version
    agreement.refresh_from_db()
    return agreement


class Clock:
    """Moves `django.utils.timezone.now` (what the policy, services and sweep read) forward."""

    def __init__(self, monkeypatch: Any) -> None:
        from django.utils import timezone

        self._real = timezone.now
        self.offset = dt.timedelta()
        monkeypatch.setattr(timezone, "now", lambda: self._real() + self.offset)

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)
