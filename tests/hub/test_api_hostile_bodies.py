"""Review 2 (issue 9 §2): hostile JSON bodies must get a 400/413 in the one error shape, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from hub.input_guard import MAX_JSON_DEPTH, StorableJSONParser, json_depth
from speakers.models import EventRequest
from tests.hub import test_api_errors
from tests.hub.test_api_errors import assert_error_shape

api = test_api_errors.api  # the token client fixture

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
    for path, user in (("/api/v1/speakers/import/", a.prevent_lead), (URL, a.organiser)):
        client = api(org_a, user)  # someone the endpoint serves: others get a 403 before the body is read
        response = client.generic("POST", path, data=b"garbage", content_type="multipart/form-data")
        assert response.status_code in (400, 415), (path, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (path, response["Content-Type"])
        assert_error_shape(response.json())


def test_objects_nested_5000_deep_are_a_400_naming_the_limit_and_nothing_is_stored(a, org_a, api):
    client = api(org_a, a.organiser)
    before = _requests(org_a)
    body = '{"title": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}"
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert_error_shape(response.json())
    assert f"more than {MAX_JSON_DEPTH} deep" in response.json()["detail"]
    assert _requests(org_a) == before


def test_a_multipart_body_to_a_json_only_endpoint_is_a_415_in_the_error_shape(a, org_a, api):
    client = api(org_a, a.organiser)
    before = _requests(org_a)
    response = client.post(URL, data={"title": "Water, land and law"})  # the test client sends multipart
    assert response.status_code == 415, response.status_code
    assert_error_shape(response.json())
    assert _requests(org_a) == before


def test_a_multipart_part_header_over_djangos_limit_is_a_400_in_the_error_shape(a, org_a, api):
    client = api(org_a, a.prevent_lead)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + b"x" * 5_000 + b'.csv"\r\n\r\n'
        b"title\r\n--B--\r\n"
    )
    response = client.generic(
        "POST", "/api/v1/speakers/import/", data=body, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert_error_shape(response.json())


def test_a_nul_in_a_multipart_text_field_under_api_is_a_400_naming_the_field(a, org_a, api):
    response = api(org_a, a.prevent_lead).post("/api/v1/speakers/import/", data={"note": "a\x00b"})
    assert response.status_code == 400, response.status_code
    assert "note" in response.json()["errors"]


def test_a_missing_record_is_a_plain_not_found_that_names_no_model(a, org_a, api):
    response = api(org_a, a.organiser).get("/api/v1/speakers/requests/987654321/")
    assert response.status_code == 404, response.status_code
    assert_error_shape(response.json())
    assert response.json()["detail"] == "Not found."


def test_a_page_body_over_the_upload_limit_is_a_413_page_not_a_500(a, org_a, client_on, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client_on(org_a, a.organiser).post("/speakers/new/", {"title": "x" * 2_000})
    assert response.status_code == 413, response.status_code
    assert b"larger than the server accepts" in response.content


# Generated: the depth counter agrees with the real nesting for any JSON, brackets in strings included.
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\k'), inner, max_size=3),
    max_leaves=20,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@hypothesis_settings(max_examples=300, deadline=None)
@given(_json)
def test_the_json_depth_count_matches_the_real_nesting_of_any_body(value):
    assert json_depth(json.dumps(value)) == _depth(value)


@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"k": ', "}")])
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 200_000])
def test_the_json_parser_refuses_any_nesting_past_the_limit_with_a_400(opener, closer, depth):
    body = (opener * depth + "0" + closer * depth).encode()
    with pytest.raises(ValidationError) as caught:
        StorableJSONParser().parse(io.BytesIO(body), "application/json", {})
    assert "deep" in str(caught.value.detail)


def test_the_json_parser_takes_nesting_up_to_the_limit():
    body = ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode()
    assert StorableJSONParser().parse(io.BytesIO(body), "application/json", {}) is not None
