"""Who opened our checks, on the site, for everyone holding `exchange:read_openings`.

Review 2 (issue 9 §1): the auditor and the data protection officer hold `exchange:read_openings`
(tenants/scopes.py), and the API serves them `shared/<id>/openings/`, but the only page that showed
"Who opened it" (`/exchange/shared/<id>/`) was declared `exchange:read_shared`, which they lack.
So on the site they got 403 for their own right. Seen on the dev server: mei.chen@northmoor.example
(Auditor, Data protection officer): GET /exchange/shared/4/ -> 403; the API -> 200.

Now "Checks we shared" and each check's page are declared for either right. What a check says
(decrypted from our archive copy) is shown only to `read_shared` holders; who opened it only to
`read_openings` holders; people with `read_openings` alone see the register's metadata.
"""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from sharing import selectors
from tenants.models import Membership, Role
from tenants.scopes import Scope, scopes_of
from tests.html_text import visible_text
from tests.sharing.test_check_page import two_checks  # noqa: F401

SPEAKER = "Nkechi Adeyemi-Larsen"


@pytest.mark.parametrize("role", ["auditor", "dpo"])
def test_an_auditor_or_dpo_sees_who_opened_our_check_on_the_page(role, two_checks, org_a, org_b, member, client_on):  # noqa: F811
    first, _, _ = two_checks
    reader = member(org_b, "prevent_lead", full_name="Tendai Moyo-Hartley")
    selectors.check_open(organisation=org_b, user=reader, check_id=first.pk)
    api_answer = client_on(org_a, member(org_a, role)).get(f"/api/v1/exchange/shared/{first.pk}/openings/")
    assert api_answer.status_code == 200  # the right is theirs on the API

    page = client_on(org_a, member(org_a, role)).get(f"/exchange/shared/{first.pk}/")

    assert page.status_code == 200, page.status_code
    text = visible_text(page)
    assert "Who opened it" in text
    assert "Tendai Moyo-Hartley" in text and org_b.name in text


@pytest.mark.parametrize("role", ["auditor", "dpo"])
def test_an_auditor_or_dpo_sees_the_register_and_the_check_without_its_content(
    role,
    two_checks,  # noqa: F811
    org_a,
    member,
    client_on,
):
    first, _, _ = two_checks
    person = member(org_a, role)
    client = client_on(org_a, person)

    register = client.get("/exchange/shared/")
    detail = client.get(f"/exchange/shared/{first.pk}/")

    assert register.status_code == 200 and detail.status_code == 200
    for page in (visible_text(register), visible_text(detail)):
        assert SPEAKER not in page and "Approved with mitigations" not in page
        assert "Active: others can open it until" in page
    assert f"Check {first.pk}" in visible_text(register)
    assert "Withdraw this check" not in visible_text(detail)
    # nothing was unsealed for them: no archive open is audited in their name
    assert not AuditEvent.objects.filter(action__startswith="exchange.open", actor_id=person.pk).exists()


# Every role, from the scope table: content iff read_shared, "who opened it" iff read_openings.
@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_on_our_check_exactly_what_its_rights_allow(role, two_checks, org_a, org_b, member, client_on):  # noqa: F811
    first, _, _ = two_checks
    selectors.check_open(
        organisation=org_b, user=member(org_b, "prevent_lead", full_name="Ilse Brandvold"), check_id=first.pk
    )
    person = member(org_a, role)
    held = scopes_of(Membership.objects.get(user=person, organisation=org_a))
    content, openings = Scope.EXCHANGE_READ_SHARED in held, Scope.EXCHANGE_READ_OPENINGS in held

    response = client_on(org_a, person).get(f"/exchange/shared/{first.pk}/")

    if not (content or openings):
        assert response.status_code == 403
        return
    text = visible_text(response)
    assert (SPEAKER in text) == content
    assert ("Ilse Brandvold" in text) == openings
