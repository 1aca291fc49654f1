"""The header's sections: each person sees the sections their roles open, and no others."""

from __future__ import annotations

import re

import pytest


def _sections(html: str) -> list[str]:
    nav = re.search(r'<nav class="sections" aria-label="Sections">(.*?)</nav>', html, re.S)
    assert nav, "no section navigation on the page"
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


@pytest.mark.parametrize(
    ("roles", "present", "absent"),
    [
        (("organiser",), ["Welfare", "Speaker requests"], ["Referrals", "Partners"]),
        (("prevent_lead",), ["Welfare", "Referrals", "Partners"], []),
        (("safeguarding_officer",), ["Welfare", "Partners"], ["Referrals"]),
        (("auditor",), ["Partners", "Welfare"], ["Referrals"]),
    ],
)
def test_a_person_sees_the_sections_their_roles_open(org_a, member, client_on, roles, present, absent):
    # given a member of the university with these roles
    user = member(org_a, *roles)
    client = client_on(org_a, user)
    # when they open the dashboard
    sections = _sections(client.get("/").content.decode())
    # then the sections their roles open are there, and the others are not
    for label in present:
        assert label in sections
    for label in absent:
        assert label not in sections
