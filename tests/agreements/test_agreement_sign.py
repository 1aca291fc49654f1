"""Signing: only signatories, only the current proposed version, once per party; the last signature activates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.policy import SharingDenied, access_receive
from agreements.states import State, agreement_state
from core import crypto
from core.models import AuditEvent
from tenants.keys import organisation_key_create
from tests.agreements.conftest import counts


def _state(agreement):
    agreement.refresh_from_db()
    from django.utils import timezone

    return agreement_state(agreement, timezone.now())


def test_an_agreement_becomes_active_only_when_every_party_has_signed_its_current_version(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    assert _state(agreement) == State.AWAITING_SIGNATURES
    with pytest.raises(SharingDenied) as denied:
        access_receive(
            source_id=org_a.pk, recipient_id=org_b.pk, kind="speaker_check", level=2, purpose="speaker_due_diligence"
        )
    assert denied.value.reason.value == "not_signed_by_every_party"

    drafting.sign(agreement, org_b)

    assert _state(agreement) == State.ACTIVE
    decision = access_receive(
        source_id=org_a.pk, recipient_id=org_b.pk, kind="speaker_check", level=2, purpose="speaker_due_diligence"
    )
    assert decision.agreement_id == agreement.pk
    assert AuditEvent.objects.filter(action="agreement.fully_signed", target_id=str(agreement.pk)).count() == 1


def test_a_signature_records_signer_role_organisation_time_hash_and_key_and_verifies(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    version = drafting.propose(agreement)

    signature = drafting.sign(agreement, org_b)

    assert signature.organisation == org_b
    assert signature.signer_role == "Authorised signatory"
    assert signature.signer_name == drafting.signatory(org_b).full_name
    assert signature.document_hash == version.document_hash == signature.statement["document_sha256"]
    assert crypto.verify(
        bytes(signature.key.public_key), crypto.canonical_json(signature.statement), bytes(signature.signature)
    )


def test_someone_without_signatory_authority_cannot_sign_and_nothing_is_recorded(drafting, member, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    lead_only = member(org_b, "prevent_lead", "org_admin")
    before = counts()

    with pytest.raises(PermissionDenied, match="Authorised signatory"):
        services.agreement_sign(actor=lead_only, organisation=org_b, agreement=agreement, version_number=1)

    assert counts() == before


def test_a_signatory_of_a_non_party_cannot_sign(drafting, member, org_a, org_b, partner):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    outsider = member(partner, "signatory")
    before = counts()

    with pytest.raises(PermissionDenied, match="not a party"):
        services.agreement_sign(actor=outsider, organisation=partner, agreement=agreement, version_number=1)

    assert counts() == before


def test_signing_a_superseded_version_is_refused_and_leaves_everything_as_it_was(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    agreement.refresh_from_db()
    services.agreement_edit(
        actor=drafting.lead(org_a),
        organisation=org_a,
        agreement=agreement,
        parties=[org_a.slug, org_b.slug],
        terms={**agreement.current_version.__dict__, "retention_days": 365},
        change_note="Shorter retention",
    )
    before = counts()

    with pytest.raises(ValidationError) as refused:
        drafting.sign(agreement, org_b, version=1)

    assert "superseded by version 2" in refused.value.message_dict["version"][0]
    assert counts() == before


def test_a_draft_cannot_be_signed_before_it_is_sent_for_signature(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    before = counts()

    with pytest.raises(ValidationError, match="draft"):
        drafting.sign(agreement, org_a)

    assert counts() == before


def test_a_party_cannot_sign_the_same_version_twice(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    before = counts()

    with pytest.raises(ValidationError, match="already signed"):
        drafting.sign(agreement, org_a)

    assert counts() == before


def test_signatures_made_before_a_key_rotation_still_verify_with_the_retired_key(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    signature = drafting.sign(agreement, org_a)

    organisation_key_create(organisation=org_a, purpose="signing")

    signature.refresh_from_db()
    assert signature.key.retired_at is not None
    assert crypto.verify(
        bytes(signature.key.public_key), crypto.canonical_json(signature.statement), bytes(signature.signature)
    )
