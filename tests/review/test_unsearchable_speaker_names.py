"""Review 2 (issue 9 §3/§4): a speaker name with no letters (only invisible characters, only
punctuation, a lone combining mark) is accepted by the API (and by CSV import), and the check shared
from it has no blind-index tokens (`sharing.services` returns none for NameQueryError), so no
search in the network can ever find it.

Seen on the dev server: as siobhan.kelly@northmoor.example (token), POST /api/v1/speakers/requests/
with speakers[0].name "\u200b\u200b" -> 201; also "!!!", "\u202e" and "\u0301". The CSV import
accepted a row with speaker_1_name "\u200b\u200b" (201).
"""

from __future__ import annotations

import pytest

from tests.hub.test_api_errors import SUBMISSION, assert_error_shape


@pytest.mark.parametrize("name", ["\u200b\u200b", "!!!", "\u202e", "\u0301", "--"])
def test_a_speaker_name_with_no_letters_is_a_400_naming_the_field(name, a, org_a, api):
    body = {**SUBMISSION, "speakers": [{**SUBMISSION["speakers"][0], "name": name}]}
    response = api(org_a, a.organiser).post("/api/v1/speakers/requests/", body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert_error_shape(response.json())
    assert "speakers.0.name" in response.json()["errors"]
