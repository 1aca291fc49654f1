"""Each role sees exactly what it should, and nothing crosses from one organisation to another."""

import pytest
from django.http import Http404
from django_tenants.utils import tenant_context

from speakers import selectors, services
from speakers.services import EventDetails
from tenants.selectors import membership_for
from tests.speakers.conftest import assess, submit


@pytest.fixture
def register(a, org_a):
    """Four requests in A: a draft, a submitted one, a decided one, one escalated to `a.senior`."""
    with tenant_context(org_a):
        draft = services.event_request_save_draft(actor=a.organiser, details=EventDetails(title="Draft"), speakers=[])
        submitted = submit(a.organiser, title="Submitted")
        decided = submit(a.other_organiser, title="Decided")
        assess(a.reviewer, decided)
        services.event_request_decide(
            actor=a.reviewer, event_request=decided, data=services.DecisionInput(outcome="approved", reasons="Fine.")
        )
        escalated = submit(a.other_organiser, title="Escalated")
        assess(a.reviewer, escalated, risk_level="high")
        services.event_request_escalate(
            actor=a.reviewer, event_request=escalated, decision_maker=a.senior, note="High."
        )
        return {"draft": draft.pk, "submitted": submitted.pk, "decided": decided.pk, "escalated": escalated.pk}


EXPECTED = {
    "organiser": {"draft", "submitted"},
    "other_organiser": {"decided", "escalated"},
    "reviewer": {"submitted", "decided", "escalated"},
    "prevent_lead": {"submitted", "decided", "escalated"},
    "auditor": {"submitted", "decided", "escalated"},
    "senior": {"escalated"},
    "other_senior": set(),
    "admin": set(),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_sees_exactly_its_expected_requests(a, org_a, register, role):
    with tenant_context(org_a):
        membership = membership_for(getattr(a, role), org_a)

        seen = set(selectors.event_requests_visible_to(membership).values_list("pk", flat=True))

        assert seen == {register[name] for name in EXPECTED[role]}


def test_requests_of_one_organisation_are_invisible_from_another(a, b, org_a, org_b, register):
    with tenant_context(org_b):
        membership = membership_for(b.prevent_lead, org_b)
        assert not selectors.event_requests_visible_to(membership).exists()
        with pytest.raises(Http404):
            selectors.event_request_get(membership=membership, pk=register["submitted"])


def test_a_request_one_may_not_see_is_not_found_like_a_missing_one(a, org_a, register):
    with tenant_context(org_a):
        membership = membership_for(a.other_organiser, org_a)
        for pk in (register["draft"], 999_999):
            with pytest.raises(Http404):
                selectors.event_request_get(membership=membership, pk=pk)
