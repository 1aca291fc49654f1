"""Review 2 (issue 9 §2): README says "JSON values are type-checked"; a number where text is expected
is accepted and stored as text (DRF's CharField coerces int and float).

Seen on the dev server: as priya.raman@eastbrook.example (token), POST
/api/v1/exchange/checks/3/detail-requests/ {"reason": 5} -> 201 {"id": 1, "status": "pending"}.
The same coercion applies to every text field, e.g. an event request's title.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from speakers.models import EventRequest
from tests.hub.test_api_errors import SUBMISSION, assert_error_shape


def test_a_number_for_a_text_field_is_a_400_naming_the_field_and_nothing_is_stored(a, org_a, api):
    client = api(org_a, a.organiser)
    with tenant_context(org_a):
        before = EventRequest.objects.count()
    response = client.post(
        "/api/v1/speakers/requests/", {**SUBMISSION, "title": 12345}, content_type="application/json"
    )
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert_error_shape(response.json())
    assert "title" in response.json()["errors"]
    with tenant_context(org_a):
        assert EventRequest.objects.count() == before
