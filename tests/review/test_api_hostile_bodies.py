"""Review 2 (issue 9 §2): hostile JSON bodies must get a 400/413 in the one error shape, never a 500."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from speakers.models import EventRequest
from tests.hub.test_api_errors import assert_error_shape

URL = "/api/v1/speakers/requests/"


def _requests(org) -> int:
    with tenant_context(org):
        return EventRequest.objects.count()


def test_deeply_nested_json_is_a_400_in_the_error_shape_not_a_500(a, org_a, api):
    client = api(org_a, a.organiser)
    before = _requests(org_a)
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert_error_shape(response.json())
    assert _requests(org_a) == before


def test_a_json_body_over_the_upload_limit_is_answered_in_the_error_shape(a, org_a, api, settings):
    client = api(org_a, a.organiser)
    body = '{"title": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code in (400, 413), response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert_error_shape(response.json())


def test_a_malformed_multipart_body_under_api_is_answered_in_the_error_shape_not_an_html_page(a, org_a, api):
    """A multipart body with no boundary (or a part header over Django's limit) is a 400 from
    Django's multipart parser, raised while `UnstorableInputMiddleware` reads `request.POST`;
    under /api/ it must still be JSON in the one error shape, as README promises."""
    client = api(org_a, a.organiser)
    for path in ("/api/v1/speakers/import/", URL):
        response = client.generic("POST", path, data=b"garbage", content_type="multipart/form-data")
        assert response.status_code in (400, 415), (path, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (path, response["Content-Type"])
        assert_error_shape(response.json())
