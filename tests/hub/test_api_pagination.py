"""Review 2 (finding 6): `page_size=0`, `-5` or `abc` used to become 50 silently; now a 400 naming
`page_size`, like `page`. A number above the cap is still quietly reduced to 200."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from hub.api_pagination import MAX_PAGE_SIZE, PAGE_SIZE, HubPagination
from tests.hub import test_api_errors
from tests.hub.test_api_errors import assert_error_shape

api = test_api_errors.api  # the token client fixture


def _size(raw: str) -> int:
    return HubPagination().get_page_size(Request(APIRequestFactory().get("/api/v1/x/", {"page_size": raw})))


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "1.5", "٣", "00", " 5"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400_naming_page_size(raw, a, org_a, api):
    response = api(org_a, a.reviewer).get("/api/v1/speakers/requests/", {"page_size": raw})
    assert response.status_code == 400, (raw, response.status_code)
    assert_error_shape(response.json())
    assert list(response.json()["errors"]) == ["page_size"]


@given(st.text(max_size=12))
def test_any_page_size_text_is_either_refused_or_a_size_from_1_to_the_cap(raw):
    try:
        size = _size(raw)
    except ValidationError as refused:
        assert "page_size" in refused.detail
        assert not (raw.isascii() and raw.isdigit() and int(raw) >= 1)
    else:
        assert 1 <= size <= MAX_PAGE_SIZE
        assert size == (PAGE_SIZE if raw == "" else min(int(raw), MAX_PAGE_SIZE))


def test_a_huge_page_size_is_quietly_capped():
    assert _size("9" * 50) == MAX_PAGE_SIZE
