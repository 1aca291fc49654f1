"""The API: the same workflow, 400 with field names, 403 without the role, 404 when not visible."""

from django_tenants.utils import tenant_context

from speakers.models import Decision
from tests.speakers.conftest import in_days

BODY = {
    "title": "Climate and justice", "starts_at": in_days(40).isoformat(), "venue": "Hall B",
    "format": "hybrid", "expected_audience": 200, "organising_body": "Sustainability Network",
    "speakers": [{"name": "Dr Kalinda Marrawa", "affiliation": "Coastal Trust", "topic": "Adaptation"}],
}  # fmt: skip


def _post(client, path, data):
    return client.post(f"/api/v1/speakers/{path}", data, content_type="application/json")


def test_escalated_workflow_through_the_api(a, org_a, client_on):
    organiser, reviewer, senior = (client_on(org_a, u) for u in (a.organiser, a.reviewer, a.senior))
    created = _post(organiser, "requests/", BODY)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert senior.get(f"/api/v1/speakers/requests/{pk}/").status_code == 404

    assessed = _post(
        reviewer, f"requests/{pk}/assess/", {"risk_level": "high", "free_speech_considerations": "Lawful."}
    )
    assert assessed.status_code == 200 and assessed.json()["higher_risk"] is True
    assert _post(reviewer, f"requests/{pk}/decide/", {"outcome": "approved", "reasons": "x"}).status_code == 403
    escalated = _post(reviewer, f"requests/{pk}/escalate/", {"decision_maker_id": a.senior.pk, "note": "High."})
    assert escalated.status_code == 200 and escalated.json()["status"] == "escalated"

    decided = _post(senior, f"requests/{pk}/decide/", {"outcome": "approved", "reasons": "Lawful and safe."})

    assert decided.status_code == 200 and decided.json()["decision"]["as_senior_decision_maker"] is True
    counts = reviewer.get("/api/v1/speakers/register/counts/").json()
    assert counts["counts"] == {"approved": 1}


def test_bad_input_is_400_with_messages_named_by_field(a, org_a, client_on):
    response = _post(client_on(org_a, a.organiser), "requests/", {**BODY, "starts_at": in_days(-2).isoformat()})

    assert response.status_code == 400 and "starts_at" in response.json()["errors"]


def test_a_decision_by_someone_without_the_role_is_403_and_nothing_is_recorded(a, org_a, client_on):
    pk = _post(client_on(org_a, a.organiser), "requests/", BODY).json()["id"]
    _post(
        client_on(org_a, a.reviewer),
        f"requests/{pk}/assess/",
        {"risk_level": "low", "free_speech_considerations": "Fine."},
    )

    response = _post(client_on(org_a, a.auditor), f"requests/{pk}/decide/", {"outcome": "approved", "reasons": "x"})

    assert response.status_code == 403
    with tenant_context(org_a):
        assert not Decision.objects.exists()


def test_requests_are_invisible_from_another_organisation(a, b, org_a, org_b, client_on):
    pk = _post(client_on(org_a, a.organiser), "requests/", BODY).json()["id"]

    other = client_on(org_b, b.reviewer)
    assert other.get(f"/api/v1/speakers/requests/{pk}/").status_code == 404
    assert other.get("/api/v1/speakers/requests/").json()["results"] == []


def test_a_csv_import_through_the_api_is_201_or_400_with_each_row_problem(a, org_a, client_on):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speakers.models import EventRequest
    from tests.speakers.test_csv import GOOD, _csv

    admin = client_on(org_a, a.admin)
    shifted = _csv(GOOD).replace("Cinema 1", "Cinema 1, Arts Building")

    refused = admin.post("/api/v1/speakers/import/", {"file": SimpleUploadedFile("r.csv", shifted.encode())})

    assert refused.status_code == 400
    (problem,) = refused.json()["errors"]["file"]
    assert problem.startswith("Row 2")
    assert "Put the value in quotes or remove the comma" in problem
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()

    done = admin.post("/api/v1/speakers/import/", {"file": SimpleUploadedFile("r.csv", _csv(GOOD).encode())})
    assert done.status_code == 201 and done.json()["imported"] == 1
    organiser = client_on(org_a, a.organiser)
    assert organiser.post("/api/v1/speakers/import/", {"file": SimpleUploadedFile("r.csv", b"x")}).status_code == 403
