"""Sign-off freezes a version; later changes to the records, and re-assembling, never alter it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from returns import services
from returns.models import AnnualReturn
from tests.returns.conftest import YEAR, at, decision, expected_own, seed_university


def _approved(data) -> int:
    return next(line["own"] for line in data["lines"] if line["key"] == "speakers.approved")


def _sign(seeded, draft, acknowledged=True, actor=None):
    with tenant_context(seeded.university):
        return services.return_sign_off(actor=actor or seeded.lead, organisation=seeded.university,
                                        annual_return=draft, gaps_acknowledged=acknowledged)  # fmt: skip


def test_signing_off_freezes_the_snapshot_and_reassembling_makes_a_new_draft(seeded):
    # given: a signed-off return
    seed_university(seeded)
    draft = seeded.assemble()
    signed = _sign(seeded, draft)
    frozen = dict(signed.data)
    assert signed.status == "signed_off" and frozen["signed_off"]["name"] == seeded.lead.full_name
    assert frozen["signed_off"]["role"] == "Prevent lead"

    # when: a record changes afterwards, and the year is assembled again
    with tenant_context(seeded.university):
        decision(seeded.lead, at(YEAR.start + timedelta(days=50)), "approved", 50)
    second = seeded.assemble()

    # then: version 1 is exactly as signed; version 2 is a new draft with the change
    with tenant_context(seeded.university):
        first = AnnualReturn.objects.get(pk=signed.pk)
    assert first.data == frozen and first.digest == services.digest_of(frozen)
    assert _approved(first.data) == expected_own()["speakers.approved"]
    assert second.pk != first.pk and second.version == 2 and second.status == "draft"
    assert _approved(second.data) == expected_own()["speakers.approved"] + 1
    actions = list(AuditEvent.objects.filter(organisation_id=seeded.university.pk, action__startswith="returns.")
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["returns.return.assemble", "returns.return.sign_off", "returns.return.assemble"]


def test_a_signed_off_version_cannot_be_signed_again(seeded):
    seed_university(seeded)
    signed = _sign(seeded, seeded.assemble())

    with pytest.raises(ValidationError, match="already signed off"):
        _sign(seeded, signed)


def test_gaps_must_be_acknowledged_before_sign_off(seeded):
    seed_university(seeded)  # no training data and a partner without an agreement: gaps
    draft = seeded.assemble()
    assert draft.data["gaps"]

    with pytest.raises(ValidationError) as refused:
        _sign(seeded, draft, acknowledged=False)

    assert "gaps_acknowledged" in refused.value.message_dict
    with tenant_context(seeded.university):
        assert AnnualReturn.objects.get(pk=draft.pk).status == "draft"


def test_only_the_prevent_lead_signs_off_and_a_refusal_writes_nothing(seeded):
    seed_university(seeded)
    draft = seeded.assemble()
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        _sign(seeded, draft, actor=seeded.admin)

    assert AuditEvent.objects.count() == before
    with tenant_context(seeded.university):
        assert AnnualReturn.objects.get(pk=draft.pk).status == "draft"
