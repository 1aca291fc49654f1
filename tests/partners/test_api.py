"""The partners API: assemble, edit, sign off; the university's assurance data, a received report, comments."""

import json

from django_tenants.utils import tenant_context

from partners.models import PartnerReport, ReportComment
from tests.partners.conftest import LAST_TERM


def _json(client, method, path, body=None):
    response = getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def test_a_report_goes_through_the_api_from_partner_to_university(w, client_on):
    w.franchise()
    officer, lead = client_on(w.partner, w.officer), client_on(w.partner, w.lead)

    status, draft = _json(officer, "post", "/api/v1/partners/reports/", {"period": LAST_TERM.code})
    assert status == 201 and draft["version"] == 1 and draft["status"] == "draft"
    status, edited = _json(officer, "post", f"/api/v1/partners/reports/{draft['id']}/", {"open_actions": "Two."})
    assert status == 200 and edited["open_actions"] == "Two."
    status, refused = _json(officer, "post", f"/api/v1/partners/reports/{draft['id']}/sign-off/")
    assert status == 403
    status, sent = _json(lead, "post", f"/api/v1/partners/reports/{draft['id']}/sign-off/")
    assert status == 200 and sent["status"] == "sent"

    university = client_on(w.university, w.uni_lead)
    response = university.get("/api/v1/partners/assurance/")
    (block,) = response.json()
    assert block["partner_name"] == "Alderley Partner College"
    assert block["last_report"]["report"]["narrative"]["open_actions"] == "Two."
    record_id = block["last_report"]["record_id"]
    status, comment = _json(university, "post", f"/api/v1/partners/received/{record_id}/comments/", {"text": "Noted."})
    assert status == 201
    received = university.get(f"/api/v1/partners/received/{record_id}/").json()
    assert [c["text"] for c in received["comments"]] == ["Noted."]


def test_bad_input_is_a_400_in_the_one_shape_and_nothing_is_stored(w, client_on):
    officer = client_on(w.partner, w.officer)
    status, body = _json(officer, "post", "/api/v1/partners/reports/", {"period": "next term"})
    assert status == 400 and "period" in body["errors"] and "2025-26-autumn" in body["detail"]
    status, body = _json(officer, "post", "/api/v1/partners/reports/", {"period": 5})
    assert status == 400 and body["errors"]["period"] == ["Not a valid string."]
    with tenant_context(w.partner):
        assert not PartnerReport.objects.exists()


def test_a_report_the_university_may_not_open_is_a_404_and_no_comment_is_stored(w, client_on):
    university = client_on(w.university, w.uni_lead)
    assert university.get("/api/v1/partners/received/999999/").status_code == 404
    status, body = _json(university, "post", "/api/v1/partners/received/999999/comments/", {"text": "Hello."})
    assert status == 404 and body == {"detail": "Not found.", "errors": {}}
    with tenant_context(w.university):
        assert not ReportComment.objects.exists()
