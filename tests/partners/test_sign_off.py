"""Only the partner's Prevent lead signs off, and only what the agreement allows leaves the partner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from agreements.models import RecordKind
from core.models import AuditEvent
from partners.models import PartnerReport
from sharing.models import SharedCheck
from tenants.models import Role


def _nothing_left(w, draft):
    with tenant_context(w.partner):
        report = PartnerReport.objects.get(pk=draft.pk)
    assert report.status == "draft" and report.signed_off_by_id is None and report.shared_as == []
    assert not SharedCheck.objects.filter(source=w.partner, kind=RecordKind.PARTNER_REPORT).exists()
    assert not AuditEvent.objects.filter(action="partners.report.sign_off").exists()


@pytest.mark.parametrize(
    "role", [Role.SAFEGUARDING_OFFICER, Role.ORG_ADMIN, Role.SIGNATORY, Role.DATA_PROTECTION_OFFICER]
)
def test_nobody_but_the_prevent_lead_can_sign_off_and_nothing_is_sent(w, member, role):
    w.franchise()
    draft = w.assemble()
    with pytest.raises(PermissionDenied):
        w.sign_off(draft, actor=member(w.partner, role))
    _nothing_left(w, draft)


def test_the_sign_off_page_refuses_the_safeguarding_officer_and_changes_nothing(w, client_on):
    w.franchise()
    draft = w.assemble()
    response = client_on(w.partner, w.officer).post(f"/partners/reports/{draft.pk}/sign-off/")
    assert response.status_code == 403
    _nothing_left(w, draft)


def test_the_prevent_lead_signs_off_and_the_report_is_sealed_for_the_validating_university_only(w, org_b):
    w.franchise()
    w.drafting.active([org_b, w.partner], template="franchise")  # another university: not the validator
    sent = w.sign_off(w.assemble())

    assert sent.status == "sent" and sent.signed_off_by_id == w.lead.pk
    rows = SharedCheck.objects.filter(source=w.partner, kind=RecordKind.PARTNER_REPORT)
    assert list(rows.values_list("recipient_id", flat=True)) == [w.university.pk]
    assert AuditEvent.objects.filter(action="partners.report.sign_off", organisation_id=w.partner.pk).exists()


def test_without_an_agreement_the_sign_off_is_refused_with_a_clear_message_and_nothing_is_sent(w):
    draft = w.assemble()
    with pytest.raises(ValidationError) as refused:
        w.sign_off(draft)
    assert "No information-sharing agreement in force lets Alderley University receive partner reports" in str(
        refused.value
    )
    _nothing_left(w, draft)
    assert AuditEvent.objects.filter(action="partners.report.sign_off_refused").exists()
