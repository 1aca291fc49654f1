"""Review 2 (issue 9 §1): the auditor and the data protection officer hold `exchange:read_openings`
(tenants/scopes.py), and the API serves them `shared/<id>/openings/`, but the only page that shows
"Who opened it" (`/exchange/shared/<id>/`) is declared `exchange:read_shared`, which they lack.
So on the site they get 403 for their own right.

Seen on the dev server: mei.chen@northmoor.example (Auditor, Data protection officer):
GET /exchange/shared/4/ -> 403 "Not allowed"; with her token GET /api/v1/exchange/shared/4/openings/ -> 200.
"""

from __future__ import annotations

import pytest

from sharing import selectors
from tests.html_text import visible_text


@pytest.mark.parametrize("role", ["auditor", "dpo"])
def test_an_auditor_or_dpo_sees_who_opened_our_check_on_the_page(role, two_checks, org_a, org_b, member, client_on):
    first, _, _ = two_checks
    reader = member(org_b, "prevent_lead")
    selectors.check_open(organisation=org_b, user=reader, check_id=first.pk)
    api_answer = client_on(org_a, member(org_a, role)).get(f"/api/v1/exchange/shared/{first.pk}/openings/")
    assert api_answer.status_code == 200  # the right is theirs on the API

    page = client_on(org_a, member(org_a, role)).get(f"/exchange/shared/{first.pk}/")

    assert page.status_code == 200, page.status_code
    assert "Who opened it" in visible_text(page)
