"""Re-filing a period makes a new version, never a duplicate: at the partner and in the exchange."""

from django_tenants.utils import tenant_context

from agreements.models import Purpose, RecordKind
from partners.models import PartnerReport
from sharing import records
from sharing.models import SharedCheck
from tests.partners.conftest import LAST_TERM


def _received(w):
    return records.records_received(organisation=w.university, user=w.uni_lead, kind=RecordKind.PARTNER_REPORT,
                                    purpose=Purpose.PARTNER_OVERSIGHT, source_id=w.partner.pk)  # fmt: skip


def test_assembling_a_period_twice_before_sign_off_refreshes_the_one_draft(w):
    w.franchise()
    first = w.assemble()
    second = w.assemble()

    assert second.pk == first.pk and second.version == 1
    with tenant_context(w.partner):
        assert PartnerReport.objects.filter(period_code=LAST_TERM.code).count() == 1


def test_a_partner_report_for_a_period_already_reported_is_a_new_version_and_replaces_the_old_one(w):
    # given: version 1 of the last term was signed off and sent
    w.franchise()
    v1 = w.file(policy_changes="Speaker procedure updated.")
    assert [(v.version, v.data["narrative"]["policy_changes"]) for v in _received(w)] == [
        (1, "Speaker procedure updated.")
    ]

    # when: the partner files the same period again
    v2 = w.file(policy_changes="Speaker procedure updated; risk assessment reviewed.")

    # then: version 2 at the partner, version 1 kept as history; the university sees only version 2
    assert (v1.version, v2.version) == (1, 2)
    with tenant_context(w.partner):
        assert list(PartnerReport.objects.filter(period_code=LAST_TERM.code).values_list("version", "status")) == [
            (2, "sent"),
            (1, "sent"),
        ]
    received = _received(w)
    assert [(v.version, v.ref) for v in received] == [(2, f"report:{LAST_TERM.code}")]
    assert received[0].data["narrative"]["policy_changes"].endswith("risk assessment reviewed.")
    rows = SharedCheck.objects.filter(source=w.partner, kind=RecordKind.PARTNER_REPORT)
    assert rows.count() == 2 and rows.filter(is_current=True).count() == 1


def test_a_sent_version_cannot_be_edited(w):
    import pytest
    from django.core.exceptions import ValidationError

    from partners import services

    w.franchise()
    sent = w.file()
    with tenant_context(w.partner), pytest.raises(ValidationError, match="cannot change"):
        services.report_edit(actor=w.officer, organisation=w.partner, report=sent,
                             narrative=services.Narrative(comments="Late addition."))  # fmt: skip
    with tenant_context(w.partner):
        assert PartnerReport.objects.get(pk=sent.pk).comments == ""
