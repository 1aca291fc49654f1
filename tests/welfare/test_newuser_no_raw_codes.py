"""People are never shown an internal scope code ("welfare:cases") as the fix for an error: messages
name the role instead."""

from __future__ import annotations

import re
from pathlib import Path

from tests.html_text import visible_text
from tests.welfare.conftest import open_case, opened_client

ROOT = Path(__file__).resolve().parents[2]
SCOPE_IN_TEXT = re.compile(r"""['"][^'"]*'(welfare|referrals|partners|sharing|speakers):[a-z_]+'""")


def test_adding_no_one_to_the_case_team_names_the_roles_not_a_scope_code(org_a, member, client_on):
    lead = member(org_a, "prevent_lead", full_name="Nkechi Oyelaran-Hart")
    officer = member(org_a, "safeguarding_officer", full_name="Lucia Ferreira")
    reviewer = member(org_a, "reviewer", full_name="Tomasz Wiśniewski")
    case = open_case(org_a, officer, raiser=reviewer)
    client = opened_client(client_on, org_a, lead, case)

    page = visible_text(client.post(f"/welfare/cases/{case.pk}/team/", {"team-person": ""}))

    assert "Choose a member of the safeguarding team: a safeguarding officer or the Prevent lead." in page
    assert "welfare:cases" not in page


def test_no_message_in_welfare_or_referrals_quotes_a_scope_code_to_people():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in ("welfare", "referrals")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SCOPE_IN_TEXT.search(line)
    ]
    assert found == []
