"""The partner's pages: assemble a period, edit what we write, sign off, see versions."""

from django_tenants.utils import tenant_context

from partners.models import PartnerReport
from tests.html_text import visible_text
from tests.partners.conftest import LAST_TERM


def test_the_safeguarding_officer_assembles_and_edits_and_the_prevent_lead_signs_off_on_the_pages(w, client_on):
    w.franchise()
    officer, lead = client_on(w.partner, w.officer), client_on(w.partner, w.lead)

    # the officer assembles the last term and writes the policy changes
    assembled = officer.post("/partners/reports/", {"period": LAST_TERM.code})
    with tenant_context(w.partner):
        draft = PartnerReport.objects.get()
    assert assembled.status_code == 302 and assembled["Location"] == f"/partners/reports/{draft.pk}/"
    edited = officer.post(f"/partners/reports/{draft.pk}/edit/", {"policy_changes": "Safeguarding policy revised."})
    assert edited.status_code == 302
    page = visible_text(officer.get(f"/partners/reports/{draft.pk}/"))
    assert "Safeguarding policy revised." in page
    assert "Only the Prevent lead can sign off and send the report." in page

    # the Prevent lead signs it off
    signed = lead.post(f"/partners/reports/{draft.pk}/sign-off/", follow=True)
    text = visible_text(signed)
    assert "Signed off and sent to Alderley University under the agreement." in text
    assert f"signed off by {w.lead.full_name}" in text

    # the list shows the period with its version
    listing = visible_text(officer.get("/partners/reports/"))
    assert f"{LAST_TERM.label} Version 1 (signed off and sent" in listing


def test_bad_input_on_the_assemble_form_names_the_field(w, client_on):
    response = client_on(w.partner, w.officer).post("/partners/reports/", {"period": "someday"})
    assert response.status_code == 400
    assert "Select a valid choice" in visible_text(response)
    with tenant_context(w.partner):
        assert not PartnerReport.objects.exists()


def test_the_partner_records_its_own_training_and_the_report_counts_it(w, client_on):
    day = LAST_TERM.start.isoformat()
    officer = client_on(w.partner, w.officer)
    recorded = officer.post("/partners/training/", {"delivered_on": day, "topic": "WRAP workshop",
                                                    "audience": "Teaching staff", "attendees": "22"})  # fmt: skip
    assert recorded.status_code == 302
    draft = w.assemble()
    assert draft.figures["training"]["attendees"] == 22
    assert "WRAP workshop" in visible_text(officer.get(f"/partners/reports/{draft.pk}/"))


def test_a_university_member_cannot_see_the_partners_drafts(w, client_on):
    draft = w.assemble()
    assert client_on(w.partner, w.uni_lead).get(f"/partners/reports/{draft.pk}/").status_code == 404


def test_the_partners_section_takes_a_partners_reporters_to_their_reports(w, client_on):
    for person in (w.officer, w.lead):
        response = client_on(w.partner, person).get("/partners/")
        assert response.status_code == 302 and response["Location"] == "/partners/reports/"
    assert client_on(w.university, w.uni_lead).get("/partners/").status_code == 200
