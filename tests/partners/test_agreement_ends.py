"""The agreement ending mid-way: the university can no longer open the report; a new report is refused."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.models import Purpose, RecordKind
from agreements.policy import SharingDenied
from partners.models import PartnerReport
from sharing import records
from sharing.models import SharedCheck
from tests.html_text import visible_text
from tests.partners.conftest import LAST_TERM


def test_after_the_agreement_ends_the_university_cannot_open_the_report_and_a_new_one_is_refused(w, client_on):
    # given: a report sent under the franchise agreement, readable at the university
    agreement = w.franchise()
    w.file(LAST_TERM, comments="All well.")
    record = SharedCheck.objects.get(source=w.partner, is_current=True)
    client = client_on(w.university, w.uni_lead)
    assert client.get(f"/partners/received/{record.pk}/").status_code == 200

    # when: the university terminates the agreement with immediate effect
    agreement_services.agreement_terminate(actor=w.drafting.signatory(w.university), organisation=w.university,
                                           agreement=agreement, reason="Partnership ended.", notice_days=0)  # fmt: skip

    # then: the report no longer opens (404, like a missing one) and the page says why
    assert client.get(f"/partners/received/{record.pk}/").status_code == 404
    with pytest.raises(SharingDenied):
        records.record_open(organisation=w.university, user=w.uni_lead, record_id=record.pk,
                            purpose=Purpose.PARTNER_OVERSIGHT)  # fmt: skip
    page = visible_text(client.get("/partners/"))
    assert "Agreement not in force" in page and "All well." not in page
    assert records.records_received(organisation=w.university, user=w.uni_lead, kind=RecordKind.PARTNER_REPORT,
                                    purpose=Purpose.PARTNER_OVERSIGHT) == []  # fmt: skip

    # and: filing the period again is refused with a clear message, and nothing is sent
    draft = w.assemble(LAST_TERM)
    with pytest.raises(ValidationError, match="No information-sharing agreement in force lets Alderley University"):
        w.sign_off(draft)
    with tenant_context(w.partner):
        assert PartnerReport.objects.get(pk=draft.pk).status == "draft"
    assert SharedCheck.objects.filter(source=w.partner).count() == 1


def test_the_partners_prevent_lead_sees_the_refusal_on_the_page(w, client_on):
    agreement = w.franchise()
    agreement_services.agreement_terminate(actor=w.drafting.signatory(w.university), organisation=w.university,
                                           agreement=agreement, reason="Partnership ended.", notice_days=0)  # fmt: skip
    draft = w.assemble(LAST_TERM)

    response = client_on(w.partner, w.lead).post(f"/partners/reports/{draft.pk}/sign-off/", follow=True)

    text = visible_text(response)
    assert "No information-sharing agreement in force lets Alderley University receive partner reports" in text
    assert "Draft" in text
