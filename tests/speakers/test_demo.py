"""The demo seed gives each organisation fictional requests across every outcome, once."""

from django_tenants.utils import tenant_context

from speakers.demo import EVENTS, demo_speaker_requests
from speakers.models import Decision, EventRequest


def test_the_demo_seeds_every_outcome_once_and_is_idempotent(a, b, org_a, org_b):
    by_slug = {"northmoor": org_a, "eastbrook": org_b}

    demo_speaker_requests(by_slug)
    demo_speaker_requests(by_slug)

    with tenant_context(org_a):
        assert EventRequest.objects.count() == len(EVENTS["northmoor"])
        outcomes = list(Decision.objects.values_list("outcome", flat=True))
        assert outcomes.count("approved") > outcomes.count("approved_with_mitigations") > outcomes.count("rejected") > 0
    with tenant_context(org_b):
        assert EventRequest.objects.count() == len(EVENTS["eastbrook"])
