"""Reading our own organisation's shared checks in full (rationale included) needs 'exchange:read_shared'.

review1: a senior decision-maker ('exchange:search', not 'exchange:read_shared') read our own checks
in full through the check page, the API and the search, because the source's own archive copy
skipped every right. Table-driven over every role, through the one selector all three use.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from sharing import selectors, services
from tenants.models import Role
from tenants.scopes import SCOPE_ROLES, Scope
from tests.sharing.conftest import FakeProjection

SPEAKER = "Dr Ifeoma Castellanos-Whitfield"


@pytest.fixture
def own_check(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(58, (SPEAKER,)))
    return check


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_our_own_check_opens_and_is_found_only_for_a_role_holding_read_shared(role, own_check, org_a, member):
    person = member(org_a, role)
    may_read = role in SCOPE_ROLES[Scope.EXCHANGE_READ_SHARED]

    found = selectors.speaker_check_search(organisation=org_a, user=person, name=SPEAKER)
    if may_read:
        view = selectors.check_open(organisation=org_a, user=person, check_id=own_check.pk)
        assert view.content["speaker_name"] == SPEAKER and view.is_own
        assert [v.check_id for v in found] == [own_check.pk]
    else:
        with pytest.raises(Http404):
            selectors.check_open(organisation=org_a, user=person, check_id=own_check.pk)
        assert found == []


def test_a_partner_still_reads_our_check_whatever_our_own_people_may_read(own_check, org_b, member):
    reader = member(org_b, Role.SENIOR_DECISION_MAKER)  # the partner's rights come from the agreement

    (view,) = selectors.speaker_check_search(organisation=org_b, user=reader, name=SPEAKER)

    assert view.check_id == own_check.pk and not view.is_own


def test_the_senior_decision_makers_search_page_does_not_list_our_own_check(own_check, org_a, member, client_on):
    client = client_on(org_a, member(org_a, Role.SENIOR_DECISION_MAKER))

    page = client.post("/exchange/", {"name": SPEAKER}).content.decode()

    assert f"/exchange/checks/{own_check.pk}/" not in page
