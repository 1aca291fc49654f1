"""Full level, end to end: an identified transfer needs a recorded necessity and a second person's
approval before anything is sealed, and only an agreement allowing it with its Art. 9/10 condition."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.flows import flows_sync
from agreements.models import AgreementVersion
from agreements.policy import SharingDenied
from core.models import AuditEvent
from referrals import selectors, services
from referrals.models import TransferRequest, TransferStatus
from tests.referrals.conftest import partner_rows, stored

NEED = "The student is moving to the university's main campus next week and the case team there must plan support."


def _request(partner, actor, case, recipient, justification=NEED):
    with tenant_context(partner):
        return services.transfer_request(actor=actor, case=case, recipient=recipient, justification=justification)


def _approve(partner, actor, transfer):
    with tenant_context(partner):
        return services.transfer_approve(actor=actor, transfer=transfer)


def test_an_approved_transfer_reaches_the_university_identified_and_joins_the_summary_pseudonym(
    franchise, partner, university, people, make_case
):
    case = make_case(prevent_lead_involved_on=date(2026, 10, 3), ideology_category="mixed_unclear_unstable")
    with tenant_context(partner):
        services.case_summary_share(actor=people.lead, case=case, recipient=university)
    transfer = _request(partner, people.lead, case, university)
    assert stored()["Envelope"] == 1  # only the summary: the request sealed nothing

    sent = _approve(partner, people.dpo, transfer)

    assert sent.status == TransferStatus.SENT and sent.decided_by == people.dpo and sent.shared_record_id
    received = selectors.received_summary_for(organisation=university, user=people.uni_lead, source_id=partner.pk)
    (identified,) = received["transfers"]
    (summary,) = received["cases"]
    assert identified.data["subject"]["given_name"] == "Temperance"
    assert identified.data["subject"]["number"] == "S1234567"
    assert identified.data["justification"] == NEED
    assert identified.data["approved_by"] == "Ruairi Macpherson"
    assert identified.data["requested_by"] == "Nkechi Oyelaran-Hart"
    assert identified.data["pseudonym"] == summary.data["pseudonym"]
    # Audit events carry ids and codes, never the person or the justification.
    logged = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    for content in ("Temperance", "Adebayo", "S1234567", "main campus", "coming war"):
        assert content not in logged


def test_the_requester_cannot_approve_their_own_request_and_nothing_is_sealed(
    franchise, partner, university, people, make_case
):
    case = make_case()
    transfer = _request(partner, people.lead, case, university)
    before = stored()

    with pytest.raises(ValidationError) as refused:
        _approve(partner, people.lead, transfer)

    assert "second person" in refused.value.message_dict["transfer"][0]
    assert stored() == before
    with tenant_context(partner):
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.PENDING and transfer.decided_by is None
        # and the database refuses it too
        with pytest.raises(IntegrityError), transaction.atomic():
            TransferRequest.objects.filter(pk=transfer.pk).update(decided_by=people.lead)


def test_someone_without_the_approve_right_cannot_approve(franchise, partner, university, people, make_case):
    transfer = _request(partner, people.lead, make_case(), university)
    before = stored()

    with pytest.raises(PermissionDenied):
        _approve(partner, people.officer, transfer)

    assert stored() == before


@pytest.mark.parametrize("justification", ["", "   ", "needed"])
def test_a_request_without_a_justification_of_necessity_is_refused_and_nothing_is_stored(
    franchise, partner, university, people, make_case, justification
):
    case = make_case()
    before, rows = stored(), partner_rows(partner)

    with pytest.raises(ValidationError) as refused:
        _request(partner, people.lead, case, university, justification)

    assert "justification" in refused.value.message_dict
    assert stored() == before and partner_rows(partner) == rows


def test_full_is_refused_when_the_agreement_allows_only_summary(drafting, partner, university, people, make_case):
    drafting.active([university, partner], template="referral_notification")  # referral at summary only
    case = make_case()
    before, rows = stored(), partner_rows(partner)

    with pytest.raises(ValidationError) as refused:
        _request(partner, people.lead, case, university)

    assert "identified referral" in refused.value.message_dict["recipient"][0]
    assert stored() == before and partner_rows(partner) == rows


def test_full_is_refused_when_the_agreement_records_no_art_9_or_10_condition(
    franchise, partner, university, people, make_case
):
    # Drafting such a version is refused today (agreements.validation); a version signed before that
    # rule, without the condition, is what the policy must still refuse. Made here as the migration
    # would have left it.
    with transaction.atomic():
        AgreementVersion.objects.filter(agreement=franchise).update(
            special_category_condition="", criminal_offence_condition=""
        )
        flows_sync(franchise)
    before, rows = stored(), partner_rows(partner)

    with pytest.raises(ValidationError):
        _request(partner, people.lead, make_case(), university)

    assert stored() == before and partner_rows(partner) == rows


def test_an_agreement_ending_between_request_and_approval_seals_nothing_and_leaves_it_pending(
    franchise, drafting, partner, university, people, make_case
):
    transfer = _request(partner, people.lead, make_case(), university)
    agreement_services.agreement_terminate(
        actor=drafting.signatory(partner), organisation=partner, agreement=franchise, reason="Ending", notice_days=0
    )
    before = stored()

    with pytest.raises(SharingDenied):
        _approve(partner, people.dpo, transfer)

    assert stored() == before
    with tenant_context(partner):
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.PENDING


def test_after_the_agreement_ends_the_university_can_no_longer_open_the_transfer(
    franchise, drafting, partner, university, people, make_case
):
    _approve(partner, people.dpo, _request(partner, people.lead, make_case(), university))
    assert (
        len(selectors.received_summary_for(organisation=university, user=people.uni_lead, source_id=None)["transfers"])
        == 1
    )

    agreement_services.agreement_terminate(
        actor=drafting.signatory(university), organisation=university, agreement=franchise, reason="Ending",
        notice_days=0,
    )  # fmt: skip

    received = selectors.received_summary_for(organisation=university, user=people.uni_lead, source_id=None)
    assert received["transfers"] == [] and received["transfer_notices"] == []


def test_a_university_dpo_sees_that_a_transfer_arrived_but_it_is_not_opened_for_them(
    franchise, partner, university, people, make_case
):
    _approve(partner, people.dpo, _request(partner, people.lead, make_case(), university))

    received = selectors.received_summary_for(organisation=university, user=people.uni_dpo, source_id=partner.pk)

    assert received["transfers"] == []
    (notice,) = received["transfer_notices"]
    assert notice.source_name == partner.name and not hasattr(notice, "data")


def test_a_declined_or_withdrawn_request_seals_nothing(franchise, partner, university, people, make_case):
    first = _request(partner, people.lead, make_case(), university)
    second = _request(partner, people.lead, make_case(), university)
    before = stored()

    with tenant_context(partner):
        with pytest.raises(ValidationError):
            services.transfer_decline(actor=people.dpo, transfer=first, note="")
        services.transfer_decline(actor=people.dpo, transfer=first, note="A summary is enough for now.")
        with pytest.raises(PermissionDenied):
            services.transfer_withdraw(actor=people.dpo, transfer=second)
        services.transfer_withdraw(actor=people.lead, transfer=second)
        with pytest.raises(ValidationError):
            services.transfer_approve(actor=people.dpo, transfer=first)

    assert stored() == before
