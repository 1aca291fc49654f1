"""A speaker's name needs at least one letter, on the page, the API and CSV import alike.

Review 2 (issue 9 §3/§4): a speaker name with no letters (only invisible characters, only
punctuation, a lone combining mark) was accepted by the API (and by CSV import), and the check
shared from it had no blind-index tokens, so no search in the network could ever find it. The
rule uses search's own folding (`sharing.names.has_a_letter`), so "accepted" means "searchable".

Seen on the dev server: POST /api/v1/speakers/requests/ with speakers[0].name "\u200b\u200b" -> 201;
also "!!!", "\u202e" and "\u0301". The CSV import accepted a row with speaker_1_name "\u200b\u200b".
"""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.names import NEEDS_A_LETTER, has_a_letter, index_tokens
from speakers import services
from speakers.models import EventRequest
from speakers.services import ImportRejected
from tests.html_text import visible_text
from tests.hub.test_api_errors import SUBMISSION, api, assert_error_shape  # noqa: F401
from tests.speakers.test_csv import GOOD, _csv
from tests.speakers.test_pages import EVENT

NO_LETTERS = ["\u200b\u200b", "!!!", "\u202e", "\u0301", "--", "\u00ad", "(\u200d)", "12 34", "\ufe0f\u200b!"]


def _requests(org):
    with tenant_context(org):
        return EventRequest.objects.count()


@pytest.mark.parametrize("name", ["\u200b\u200b", "!!!", "\u202e", "\u0301", "--"])
def test_a_speaker_name_with_no_letters_is_a_400_naming_the_field(name, a, org_a, api):  # noqa: F811
    before = _requests(org_a)
    body = {**SUBMISSION, "speakers": [{**SUBMISSION["speakers"][0], "name": name}]}
    response = api(org_a, a.organiser).post("/api/v1/speakers/requests/", body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert_error_shape(response.json())
    assert response.json()["errors"]["speakers.0.name"] == [NEEDS_A_LETTER]
    assert _requests(org_a) == before


def test_a_draft_with_a_letterless_second_speaker_is_refused_naming_that_speaker(a, org_a, api):  # noqa: F811
    before = _requests(org_a)
    speakers = [SUBMISSION["speakers"][0], {**SUBMISSION["speakers"][0], "name": "\u200b"}]
    body = {**SUBMISSION, "draft": True, "speakers": speakers}
    response = api(org_a, a.organiser).post("/api/v1/speakers/requests/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["speakers.1.name"]
    assert _requests(org_a) == before


@pytest.mark.parametrize("name", ["\u200b\u200b", "!!!"])
def test_the_request_page_refuses_a_letterless_name_beside_the_field(name, a, org_a, client_on):
    before = _requests(org_a)
    response = client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "speakers-0-name": name, "submit": "1"})
    assert response.status_code == 400
    assert "A speaker's name needs at least one letter" in visible_text(response)
    assert _requests(org_a) == before


def test_a_csv_row_with_a_letterless_name_is_reported_and_nothing_is_imported(a, org_a):
    text = _csv(GOOD, {**GOOD, "speaker_1_name": "\u200b\u200b"})
    with tenant_context(org_a):
        with pytest.raises(ImportRejected) as rejected:
            services.event_requests_import(actor=a.admin, csv_text=text)
        assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "speaker_1_name")]
        assert "needs at least one letter" in rejected.value.errors[0].message
        assert not EventRequest.objects.exists()


@pytest.mark.parametrize("name", NO_LETTERS)
def test_names_without_letters_are_refused_by_the_shared_rule(name):
    assert not has_a_letter(name)


@settings(database=None, deadline=None, max_examples=300)
@given(st.text(max_size=40))
def test_accepted_means_searchable_for_any_text(name):
    # The kind: whatever intake accepts has search tokens beyond the version marker, and
    # whatever it refuses has none.
    if not name.strip():
        return
    try:
        tokens = index_tokens(name)
    except Exception:
        tokens = frozenset()
    searchable = any(not t.startswith("version:") for t in tokens)
    assert has_a_letter(name) == (searchable and any(ch.isalpha() for t in tokens for ch in t.split(":", 1)[1]))
