"""The demo seed gives each organisation fictional requests in every state and every outcome, once."""

from django_tenants.utils import tenant_context

from hub.demo import PEOPLE
from speakers.choices import Outcome, Status
from speakers.demo import EVENTS, demo_speaker_requests
from speakers.models import Decision, EventRequest
from tenants.models import Role


def test_the_demo_seeds_every_state_and_outcome_once_and_is_idempotent(a, b, org_a, org_b):
    by_slug = {"northmoor": org_a, "eastbrook": org_b}

    demo_speaker_requests(by_slug)
    demo_speaker_requests(by_slug)

    with tenant_context(org_a):
        assert EventRequest.objects.count() == len(EVENTS["northmoor"])
        assert set(EventRequest.objects.values_list("status", flat=True)) == set(Status.values)
        outcomes = list(Decision.objects.values_list("outcome", flat=True))
        assert set(outcomes) == set(Outcome.values)
        assert outcomes.count("approved") > outcomes.count("approved_with_mitigations") > outcomes.count("rejected") > 0
        escalated = EventRequest.objects.get(status=Status.ESCALATED)
        assert escalated.escalated_to in (a.senior, a.other_senior) and escalated.assessment.is_higher_risk
        assert Decision.objects.filter(as_senior_decision_maker=True, outcome="approved_with_mitigations").count() == 1
        assert EventRequest.objects.filter(notice_met=False).exclude(short_notice_reason="").count() == 1
    with tenant_context(org_b):
        assert EventRequest.objects.count() == len(EVENTS["eastbrook"])


def test_every_demo_speaker_is_a_different_fictional_person():
    names = [spec[1] for events in EVENTS.values() for spec in events]

    assert len(names) == len(set(names))


def test_northmoor_has_the_people_the_demo_states_need():
    roles = {role for person in PEOPLE for role in person.roles.get("northmoor", ())}

    assert {Role.ORGANISER, Role.REVIEWER, Role.SENIOR_DECISION_MAKER} <= roles
