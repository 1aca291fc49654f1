"""A search costs the same whether a name was never assessed or was assessed where you cannot see it.

Both run the same SQL statements (counted with `CaptureQueriesContext`, over the selector
and over HTTP), and both leave the same trace: one `exchange.search` event with the blind
tokens and the result count. Checks the policy refused are recorded with its reason code,
in the platform's log, naming no one.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import services as agreement_services
from core.models import AuditEvent
from sharing import selectors, services
from sharing.keys import blind_tokens
from sharing.names import query_tokens
from tests.sharing.conftest import FakeProjection

ASSESSED = "Amira El-Masri"
NEVER_ASSESSED = "Ciarán Mbeki-Lindqvist"

_VALUES = re.compile(r"'[^']*'|\bs\d+_x\d+\b|\b\d+\b")


def _statements(organisation, name, user=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        selectors.speaker_check_search(organisation=organisation, user=user, name=name)
    # Same statements means the same SQL shapes; the literal values (tokens, ids, times) differ.
    return [_VALUES.sub("?", q["sql"]) for q in captured.captured_queries]


@pytest.fixture
def network_ab(drafting, org_a, org_b):
    return drafting.active([org_a, org_b])


def _hidden_from(case, org_b, partner, network_ab, drafting):
    """The reader and why they cannot see org_a's check: no agreement, or a suspended one."""
    if case == "no_agreement":
        return partner, "no_agreement"
    lead = drafting.signatory(org_b)
    agreement_services.agreement_suspend(actor=lead, organisation=org_b, agreement=network_ab, reason="Review")
    return org_b, "suspended"


@pytest.mark.parametrize("case", ["no_agreement", "suspended_agreement"])
def test_a_hit_you_cannot_see_runs_the_same_statements_as_a_miss(case, org_a, org_b, partner, network_ab, drafting):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    reader, _ = _hidden_from(case, org_b, partner, network_ab, drafting)
    _statements(reader, NEVER_ASSESSED)  # warm caches (blind-index key, content types) alike

    hidden_hit = _statements(reader, ASSESSED)
    miss = _statements(reader, NEVER_ASSESSED)

    assert len(hidden_hit) == len(miss)
    assert hidden_hit == miss


@pytest.mark.parametrize("case", ["no_agreement", "suspended_agreement"])
def test_a_hidden_hit_and_a_miss_cost_the_same_statements_over_http(
    case, org_a, org_b, partner, network_ab, drafting, member, client_on
):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    reader, _ = _hidden_from(case, org_b, partner, network_ab, drafting)
    client = client_on(reader, member(reader, "prevent_lead"))
    client.post("/exchange/", {"name": NEVER_ASSESSED})

    def over_http(name):
        with CaptureQueriesContext(connection) as captured:
            page = client.post("/exchange/", {"name": name})
        assert page.status_code == 200
        return len(captured.captured_queries), page.content.decode()

    (hit_count, hit_page), (miss_count, _) = over_http(ASSESSED), over_http(NEVER_ASSESSED)

    assert hit_count == miss_count
    assert "Alderley University" not in hit_page


@pytest.mark.parametrize("case", ["no_agreement", "suspended_agreement"])
def test_a_refused_hit_records_the_policys_reason_and_the_search_only_tokens_and_a_count(
    case, org_a, org_b, partner, network_ab, drafting, member
):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    reader, reason = _hidden_from(case, org_b, partner, network_ab, drafting)
    searcher = member(reader, "prevent_lead")

    found = selectors.speaker_check_search(organisation=reader, user=searcher, name=ASSESSED)

    assert found == []
    search = AuditEvent.objects.get(action="exchange.search", actor_id=searcher.pk)
    assert search.organisation_id == reader.pk
    assert search.detail == {"tokens": sorted(blind_tokens(query_tokens(ASSESSED))), "results": 0}
    screened = AuditEvent.objects.get(action="exchange.search_screened", actor_id=searcher.pk)
    assert screened.organisation_id is None  # the platform's log: no organisation's own log shows another's check
    assert screened.detail == {
        "reader_organisation": reader.pk,
        "refused": [{"check": check.pk, "source": org_a.pk, "reason": reason}],
    }
    events = AuditEvent.objects.filter(actor_id=searcher.pk)
    assert not any("amira" in str(e.detail).lower() or "masri" in str(e.detail).lower() for e in events)
    assert not AuditEvent.objects.filter(action="exchange.open", actor_id=searcher.pk).exists()


def test_a_search_that_finds_something_records_how_many(org_a, org_b, network_ab, member):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    searcher = member(org_b, "reviewer")

    found = selectors.speaker_check_search(organisation=org_b, user=searcher, name="amira el masri")

    assert len(found) == 1
    assert AuditEvent.objects.get(action="exchange.search", actor_id=searcher.pk).detail["results"] == 1
    assert AuditEvent.objects.get(action="exchange.search_screened", actor_id=searcher.pk).detail["refused"] == []


def test_opening_a_check_you_may_not_read_records_the_reason_and_looks_like_a_missing_one(
    org_a, partner, network_ab, member
):
    from django.http import Http404

    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    reader = member(partner, "prevent_lead")

    for check_id in (check.pk, check.pk + 10_000):
        with pytest.raises(Http404):
            selectors.check_open(organisation=partner, user=reader, check_id=check_id)

    reasons = dict(
        AuditEvent.objects.filter(action="exchange.open_denied", actor_id=reader.pk).values_list(
            "target_id", "detail__reason"
        )
    )
    assert reasons == {str(check.pk): "no_agreement", str(check.pk + 10_000): "not_found"}


def test_a_refused_request_for_detail_records_the_policys_reason(org_a, partner, network_ab, member):
    from agreements.policy import SharingDenied
    from sharing.models import DetailRequest

    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    asker = member(partner, "prevent_lead")

    with pytest.raises(SharingDenied):
        services.detail_request_create(actor=asker, organisation=partner, check=check, reason="Event on 3 May")

    event = AuditEvent.objects.get(action="exchange.detail_request_denied", actor_id=asker.pk)
    assert event.organisation_id == partner.pk
    assert event.detail == {"check": check.pk, "source": org_a.pk, "reason": "no_agreement"}
    assert not DetailRequest.objects.exists()


def test_a_refused_full_detail_approval_records_the_policys_reason(drafting, org_a, org_b, network_ab):
    from django.core.exceptions import ValidationError

    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    request = services.detail_request_create(actor=drafting.lead(org_b), organisation=org_b, check=check, reason="Why")
    approver = drafting.lead(org_a)

    with pytest.raises(ValidationError):
        services.detail_request_decide(actor=approver, request=request, approve=True)

    event = AuditEvent.objects.get(action="exchange.detail_full_denied", actor_id=approver.pk)
    assert event.organisation_id == org_a.pk
    assert event.detail == {"check": check.pk, "source": org_a.pk, "reason": "level_too_high"}
