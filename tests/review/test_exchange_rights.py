"""Review findings on the exchange's rights (review1). Each test fails on main as of 7360ef1."""

from __future__ import annotations

import pytest
from django.test import Client

from sharing import services as sharing_services
from sharing.models import CheckOpened
from tenants import services as tenant_services
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.conftest import host_of
from tests.factories import verify_second_factor
from tests.sharing.conftest import FakeProjection

RATIONALE = "Lawful speech; an independent chair keeps the Q&A balanced."


def _checks(org_a, org_b, member):
    """A shares a check, B shares a check, under an active agreement between them."""
    Drafting(member).active([org_a, org_b])
    (ours,) = sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(41, ("Dr Oren Achebe",)))
    (theirs,) = sharing_services.check_share(
        actor=None, source=org_b, projection=FakeProjection(42, ("Prof Lucía Nakamura",))
    )
    return ours, theirs


def _client(org, user) -> Client:
    client = Client(HTTP_HOST=host_of(org))
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.AUDITOR, Role.COORDINATOR, Role.DATA_PROTECTION_OFFICER])
def test_options_on_the_check_page_is_refused_to_a_role_without_exchange_search_and_opens_nothing(
    org_a, org_b, member, role
) -> None:
    # given: B's check readable by A; a person of A whose role has no 'exchange:search'
    _, theirs = _checks(org_a, org_b, member)
    client = _client(org_a, member(org_a, role))
    before = CheckOpened.objects.count()
    assert client.get(f"/exchange/checks/{theirs.pk}/").status_code == 403

    # when: the same page is asked with OPTIONS (scopes_for_method gives OPTIONS 'org:read' only)
    response = client.options(f"/exchange/checks/{theirs.pk}/")

    # then: refused like GET, no speaker name shown, no opening recorded against B's check
    assert response.status_code == 403, response.status_code
    assert "Nakamura" not in response.content.decode()
    assert CheckOpened.objects.count() == before


@pytest.mark.parametrize("method", ["head", "options"])
def test_a_cross_site_head_or_options_on_the_check_page_opens_nothing(org_a, org_b, member, method) -> None:
    # given: a Prevent lead of A; a link from another site must open nothing and record nothing
    _, theirs = _checks(org_a, org_b, member)
    client = _client(org_a, member(org_a, Role.PREVENT_LEAD))
    before = CheckOpened.objects.count()
    assert client.get(f"/exchange/checks/{theirs.pk}/", HTTP_SEC_FETCH_SITE="cross-site").status_code == 200
    assert CheckOpened.objects.count() == before  # GET holds

    # when: the same cross-site request with HEAD / OPTIONS
    getattr(client, method)(f"/exchange/checks/{theirs.pk}/", HTTP_SEC_FETCH_SITE="cross-site")

    # then: still nothing opened (B would see an opening nobody deliberately made)
    assert CheckOpened.objects.count() == before


@pytest.mark.parametrize("use_api", [True, False], ids=["api", "page"])
def test_a_senior_decision_maker_without_read_shared_cannot_read_our_own_check_in_full(
    org_a, org_b, member, use_api
) -> None:
    # given: a senior decision-maker of A: 'exchange:search' yes, 'exchange:read_shared' no
    ours, _ = _checks(org_a, org_b, member)
    senior = member(org_a, Role.SENIOR_DECISION_MAKER)
    client = _client(org_a, senior)
    assert client.get(f"/exchange/shared/{ours.pk}/").status_code == 403  # the register refuses

    # when: the same own check is opened through the check page / endpoint instead
    if use_api:
        token = tenant_services.api_token_create(actor=senior, organisation=org_a, name="review")[1]
        response = Client(HTTP_HOST=host_of(org_a)).get(
            f"/api/v1/exchange/checks/{ours.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    else:
        response = client.get(f"/exchange/checks/{ours.pk}/", HTTP_SEC_FETCH_SITE="same-origin")

    # then: the rationale (only 'exchange:read_shared' may read our checks in full) is not shown
    body = response.content.decode()
    assert "independent chair keeps" not in body, (response.status_code, body[:300])
