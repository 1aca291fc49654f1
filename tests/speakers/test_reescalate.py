"""Rights on an escalated request end with the senior role; a reviewer re-escalates a stuck request.

Issue 8, section 2: "A request escalated to the senior decision-maker stays visible to that person
after the role is removed, and nobody else can decide or re-escalate it: it is stuck."
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditEvent
from speakers import rights, selectors, services
from speakers.choices import Status
from speakers.models import Decision, EventRequest
from tenants import services as tenant_services
from tenants.models import Membership, Role
from tenants.scopes import Scope, scopes_of
from tests.speakers.conftest import assess, submit


@pytest.fixture
def escalated(a, org_a):
    """A higher-risk request escalated by `a.reviewer` to `a.senior`."""
    with tenant_context(org_a):
        event_request = submit(a.organiser, title="Borders, belonging and the law")
        assess(a.reviewer, event_request, risk_level="high")
        services.event_request_escalate(
            actor=a.reviewer, event_request=event_request, decision_maker=a.senior, note="High risk."
        )
    return event_request.pk


def _membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


def _remove_senior_role(a, org_a):
    connection.set_schema_to_public()
    tenant_services.membership_set_roles(
        actor=a.admin, membership=_membership(a.senior, org_a), roles=[Role.COORDINATOR]
    )


def _decision_input():
    return services.DecisionInput(
        outcome="approved",
        reasons="Lawful debate; the chair keeps questions open to all views.",
    )


def test_a_decision_maker_whose_role_is_removed_no_longer_sees_or_decides_the_escalated_request(
    a, org_a, escalated, client_on
):
    # given: they could see it while they held the role
    with tenant_context(org_a):
        assert selectors.event_requests_visible_to(_membership(a.senior, org_a)).filter(pk=escalated).exists()

    # when
    _remove_senior_role(a, org_a)

    # then: gone from their view, the page says "not found", and the service refuses
    with tenant_context(org_a):
        membership = _membership(a.senior, org_a)
        assert not selectors.event_requests_visible_to(membership).filter(pk=escalated).exists()
        assert Scope.SPEAKERS_DECIDE_ESCALATED not in scopes_of(membership)
        with pytest.raises(PermissionDenied):
            services.event_request_decide(
                actor=a.senior, event_request=EventRequest.objects.get(pk=escalated), data=_decision_input()
            )
    page = client_on(org_a, a.senior).get(f"/speakers/{escalated}/")
    api = client_on(org_a, a.senior).post(
        f"/api/v1/speakers/requests/{escalated}/decide/", {"outcome": "approved", "reasons": "x"}, "application/json"
    )
    # 403: with the role gone they hold no right to see speaker requests at all
    assert page.status_code == 403 and "Borders, belonging" not in page.content.decode()
    assert api.status_code == 403
    with tenant_context(org_a):
        assert not Decision.objects.filter(request_id=escalated).exists()


def test_a_reviewer_re_escalates_a_stuck_request_to_another_senior_decision_maker_who_decides_it(
    a, org_a, escalated, client_on
):
    # given: the named decision-maker lost the role
    _remove_senior_role(a, org_a)
    reviewer = client_on(org_a, a.reviewer)
    detail = reviewer.get(f"/speakers/{escalated}/").content.decode()
    form = reviewer.get(f"/speakers/{escalated}/reescalate/").content.decode()

    # when: a reviewer re-escalates on the page, and the new decision-maker decides through the API
    moved = reviewer.post(
        f"/speakers/{escalated}/reescalate/", {"decision_maker": a.other_senior.pk, "note": "Please decide instead."}
    )
    decided = client_on(org_a, a.other_senior).post(
        f"/api/v1/speakers/requests/{escalated}/decide/",
        {"outcome": "approved", "reasons": "Lawful debate; an independent chair."},
        content_type="application/json",
    )

    # then
    assert "Re-escalate: the decision-maker no longer holds the role" in detail
    assert "no longer holds the senior decision-maker role here" in form
    assert moved.status_code == 302
    assert decided.status_code == 200, decided.content
    connection.set_schema_to_public()
    event = AuditEvent.objects.filter(action="speakers.request.reescalate").get()
    assert event.actor_id == a.reviewer.pk
    assert event.detail == {"from_decision_maker_id": a.senior.pk, "decision_maker_id": a.other_senior.pk}
    with tenant_context(org_a):
        decision = Decision.objects.get(request_id=escalated)
        assert (decision.decided_by_id, decision.as_senior_decision_maker) == (a.other_senior.pk, True)
        assert EventRequest.objects.get(pk=escalated).status == Status.DECIDED


def test_a_request_whose_decision_maker_left_the_organisation_can_be_re_escalated_through_the_api(
    a, org_a, escalated, client_on
):
    connection.set_schema_to_public()
    _membership(a.senior, org_a).delete()

    response = client_on(org_a, a.prevent_lead).post(
        f"/api/v1/speakers/requests/{escalated}/reescalate/",
        {"decision_maker_id": a.other_senior.pk, "note": "The previous decision-maker has left."},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    with tenant_context(org_a):
        assert EventRequest.objects.get(pk=escalated).escalated_to_id == a.other_senior.pk


def test_while_the_decision_maker_holds_the_role_a_reviewer_cannot_move_the_decision(a, org_a, escalated):
    with tenant_context(org_a):
        with pytest.raises(ValidationError, match="still holds the role"):
            services.event_request_reescalate(
                actor=a.reviewer,
                event_request=EventRequest.objects.get(pk=escalated),
                decision_maker=a.other_senior,
                note="I would rather they decided.",
            )
        assert EventRequest.objects.get(pk=escalated).escalated_to_id == a.senior.pk
        assert not rights.actions_for(
            _membership(a.reviewer, org_a), selectors.procedure_config(), EventRequest.objects.get(pk=escalated)
        )["reescalate"]


@pytest.mark.parametrize("who", ["organiser", "auditor", "admin", "other_senior"])
def test_only_a_reviewer_re_escalates_and_a_refusal_changes_nothing(a, org_a, escalated, client_on, who):
    _remove_senior_role(a, org_a)
    events_before = AuditEvent.objects.count()

    response = client_on(org_a, getattr(a, who)).post(
        f"/api/v1/speakers/requests/{escalated}/reescalate/",
        {"decision_maker_id": a.other_senior.pk, "note": "Moving it."},
        content_type="application/json",
    )

    connection.set_schema_to_public()
    assert response.status_code == 403
    assert AuditEvent.objects.count() == events_before
    with tenant_context(org_a):
        assert EventRequest.objects.get(pk=escalated).escalated_to_id == a.senior.pk


def test_a_role_the_procedure_names_as_reviewing_gains_the_review_scope_at_once(a, org_a, member):
    officer = member(org_a, Role.SAFEGUARDING_OFFICER)
    with tenant_context(org_a):
        before = scopes_of(_membership(officer, org_a))
        services.procedure_config_update(
            actor=a.prevent_lead,
            reviewing_roles=[Role.REVIEWER, Role.SAFEGUARDING_OFFICER],
            higher_risk_criteria=["Credible risk of disorder"],
            minimum_notice_working_days=10,
            senior_decision_maker_role=Role.SENIOR_DECISION_MAKER,
        )
        after = scopes_of(_membership(officer, org_a))
        lead_after = scopes_of(_membership(a.prevent_lead, org_a))

    assert Scope.SPEAKERS_REVIEW not in before and Scope.SPEAKERS_REVIEW in after
    assert Scope.SPEAKERS_REVIEW not in lead_after and Scope.SPEAKERS_READ_ALL in lead_after


def test_an_organiser_who_loses_the_role_no_longer_sees_their_own_requests(a, org_a):
    with tenant_context(org_a):
        mine = submit(a.organiser, title="Poetry of migration")
    connection.set_schema_to_public()
    tenant_services.membership_set_roles(
        actor=a.admin, membership=_membership(a.organiser, org_a), roles=[Role.COORDINATOR]
    )

    with tenant_context(org_a), pytest.raises(Http404):
        selectors.event_request_get(membership=_membership(a.organiser, org_a), pk=mine.pk)


# --- A model of who sees an escalated request, over every mix of roles --------------------------

READERS = {Role.PREVENT_LEAD, Role.AUDITOR, Role.REVIEWER}  # read-all or reviewing, by the default procedure


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    author_roles=st.sets(st.sampled_from(Role.values), min_size=1),
    senior_roles=st.sets(st.sampled_from(Role.values), min_size=1),
    senior_active=st.booleans(),
)
def test_who_sees_and_who_may_decide_an_escalated_request_follows_current_roles_and_the_assignment(
    a, org_a, escalated, author_roles, senior_roles, senior_active
):
    # given: the author's and the named decision-maker's roles changed since the escalation
    connection.set_schema_to_public()
    Membership.objects.filter(user=a.organiser, organisation=org_a).update(roles=sorted(author_roles))
    Membership.objects.filter(user=a.senior, organisation=org_a).update(roles=sorted(senior_roles))
    type(a.senior).objects.filter(pk=a.senior.pk).update(is_active=senior_active)

    with tenant_context(org_a):
        # when
        def sees(user) -> bool:
            membership = _membership(user, org_a)
            return selectors.event_requests_visible_to(membership).filter(pk=escalated).exists()

        author_sees, senior_sees = sees(a.organiser), sees(a.senior)
        stuck = rights.escalation_is_stuck(EventRequest.objects.get(pk=escalated))

    # then: the model, written without the code's help
    assert author_sees == bool(Role.ORGANISER in author_roles or author_roles & READERS)
    assert senior_sees == bool(Role.SENIOR_DECISION_MAKER in senior_roles or senior_roles & READERS)
    assert stuck == (Role.SENIOR_DECISION_MAKER not in senior_roles or not senior_active)
