"""The workflow through the pages: accessible forms, field errors, 403/404 as the rules say."""

from django_tenants.utils import tenant_context

from speakers.models import Decision, EventRequest, Mitigation
from tests.speakers.conftest import in_days

EVENT = {
    "title": "Faith and the city", "starts_at": in_days(40).strftime("%Y-%m-%dT%H:%M"), "venue": "Room 4",
    "format": "in_person", "expected_audience": "60", "organising_body": "Interfaith Society",
    "speakers-TOTAL_FORMS": "3", "speakers-INITIAL_FORMS": "0", "speakers-MIN_NUM_FORMS": "0",
    "speakers-MAX_NUM_FORMS": "10", "speakers-0-name": "Rabbi Miriam Oyelaran-Katz", "speakers-0-topic": "Cities",
}  # fmt: skip


def test_the_whole_workflow_through_the_pages(a, org_a, client_on):
    organiser, reviewer = client_on(org_a, a.organiser), client_on(org_a, a.reviewer)

    response = organiser.post("/speakers/new/", {**EVENT, "submit": "1"})
    assert response.status_code == 302
    with tenant_context(org_a):
        request = EventRequest.objects.get()
    page = reviewer.get(f"/speakers/{request.pk}/assess/")
    assert page.status_code == 200 and "Freedom-of-speech considerations" in page.content.decode()
    with tenant_context(org_a):
        chair = Mitigation.objects.get(label="Independent chair").pk
    assert reviewer.post(f"/speakers/{request.pk}/assess/", {
        "risk_level": "medium", "free_speech_considerations": "Lawful debate.", "mitigations": [str(chair)],
    }).status_code == 302  # fmt: skip
    with tenant_context(org_a):
        proposed = request.mitigations.get().pk
    response = reviewer.post(f"/speakers/{request.pk}/decide/", {
        "outcome": "approved_with_mitigations", "reasons": "Lawful; a chair keeps it balanced.",
        "imposed_mitigation_ids": [str(proposed)],
    })  # fmt: skip
    assert response.status_code == 302

    detail = organiser.get(f"/speakers/{request.pk}/").content.decode()
    assert "Approved with mitigations" in detail and "Independent chair" in detail


def test_a_missing_field_is_shown_beside_its_field_and_in_the_summary(a, org_a, client_on):
    response = client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "venue": "", "submit": "1"})

    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body and 'href="#id_venue"' in body and 'id="id_venue_error"' in body
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()


def test_a_decision_page_post_by_an_organiser_is_forbidden_and_records_nothing(a, org_a, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    with tenant_context(org_a):
        request = EventRequest.objects.get()

    response = client_on(org_a, a.organiser).post(f"/speakers/{request.pk}/decide/",
                                                  {"outcome": "approved", "reasons": "Mine."})  # fmt: skip

    assert response.status_code == 403
    with tenant_context(org_a):
        assert not Decision.objects.exists()


def test_another_organisations_request_is_not_found(a, b, org_a, org_b, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    with tenant_context(org_a):
        pk = EventRequest.objects.get().pk

    assert client_on(org_b, b.prevent_lead).get(f"/speakers/{pk}/").status_code == 404
    assert client_on(org_a, a.other_organiser).get(f"/speakers/{pk}/").status_code == 404
    assert client_on(org_a, a.auditor).get(f"/speakers/{pk}/").status_code == 200


def test_the_register_searches_filters_and_counts(a, org_a, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    reviewer = client_on(org_a, a.reviewer)

    assert "Faith and the city" in reviewer.get("/speakers/?q=Oyelaran").content.decode()
    assert "Faith and the city" not in reviewer.get("/speakers/?q=nobody").content.decode()
    assert "Faith and the city" not in reviewer.get("/speakers/?status=decided").content.decode()
    assert reviewer.get("/speakers/export.csv")["Content-Type"].startswith("text/csv")


def test_procedure_audit_sample_and_import_pages_answer(a, org_a, client_on):
    admin = client_on(org_a, a.admin)
    assert admin.get("/speakers/procedure/").status_code == 200
    assert admin.post("/speakers/procedure/", {
        "reviewing_roles": ["reviewer"], "higher_risk_criteria": "A\nB", "minimum_notice_working_days": "10",
        "senior_decision_maker_role": "senior_decision_maker", "decision_validity_months": "6",
    }).status_code == 302  # fmt: skip
    assert client_on(org_a, a.auditor).get("/speakers/audit-sample/?date_from=2025-01-01&date_to=2025-12-31&size=3"
                                           ).status_code == 200  # fmt: skip
    assert admin.get("/speakers/import/").status_code == 200
    assert client_on(org_a, a.organiser).post(
        "/speakers/procedure/", {"minimum_notice_working_days": "1"}
    ).status_code in (400, 403)
