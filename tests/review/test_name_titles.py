"""Review 2 (issue 9 §4): NAMES.md promises "Titles, post-nominals … do not matter", and names from
Yoruba, Igbo, Hindi and other backgrounds are in scope. Common titles outside `TITLES` (ranks,
Nigerian and South Asian honorifics, peerages) and post-nominals outside `POST_NOMINALS` are kept
as names, so a Prevent lead who types the speaker's plain name finds nothing.

The first row is the demo's own seeded check: `Sgt (retd) Fiona McAllister`, shared by Northmoor.
As priya.raman@eastbrook.example, Speaker checks, "Fiona McAllister" finds 0 checks on the dev server.
"""

from __future__ import annotations

import pytest

from sharing.keys import blind_tokens
from sharing.names import index_tokens, query_tokens

KEY = bytes(range(32))


def _matches(query: str, stored: str) -> bool:
    return bool(set(blind_tokens(query_tokens(query), key=KEY)) & set(blind_tokens(index_tokens(stored), key=KEY)))


SHOULD_MATCH = [
    ("Fiona McAllister", "Sgt (retd) Fiona McAllister"),  # seeded in the demo network
    ("Fiona McAllister", "Sgt Fiona McAllister"),
    ("Helen Jones", "Capt. Helen Jones"),
    ("Helen Jones", "Col Helen Jones"),
    ("Olusegun Adeyemi", "Chief Olusegun Adeyemi"),  # Yoruba chieftaincy title
    ("Musa Bello", "Alhaji Musa Bello"),  # Hausa / Nigerian Muslim honorific
    ("Amina Khan", "Hajia Amina Khan"),
    ("Amina Khan", "Baroness Amina Khan"),
    ("Ravi Sharma", "Swami Ravi Sharma"),
    ("Ravi Sharma", "Shri Ravi Sharma"),
    ("Harjit Sandhu", "Bhai Harjit Sandhu"),
    ("Fiona McAllister", "Fiona McAllister QPM"),
    ("Helen Jones", "Helen Jones FRSA"),
]


@pytest.mark.parametrize(("query", "stored"), SHOULD_MATCH)
def test_a_title_or_post_nominal_outside_the_short_lists_does_not_hide_the_speaker(query, stored):
    assert _matches(query, stored), f"{query!r} does not find {stored!r}"
