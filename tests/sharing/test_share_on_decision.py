"""A decided speaker request reaches the network through the exchange, as the organisation's setting says."""

import pytest
from django_tenants.utils import tenant_context

from sharing import selectors, services
from sharing.models import SharedCheck
from speakers.services import SpeakerDetails
from tests.sharing.conftest import speaker_flow
from tests.speakers.conftest import approve, assess, submit

SPEAKER = SpeakerDetails(
    name="Dr Oluwadamilare Ferreira-Kaur", affiliation="Lakeside Institute", topic="Urban resilience"
)


@pytest.fixture
def decided_in_a(cast, org_a):
    people = cast(org_a)

    def decide(**overrides):
        with tenant_context(org_a):
            request = submit(people.organiser, speakers=[SPEAKER])
            assess(people.reviewer, request, mitigations=("Independent chair",))
            decision = approve(
                people.reviewer,
                request,
                outcome="approved_with_mitigations",
                imposed_mitigation_ids=list(request.mitigations.values_list("pk", flat=True)),
                **overrides,
            )
        return request, decision

    return decide


def test_a_decision_is_shared_at_once_with_the_organisations_an_agreement_allows(
    drafting, org_a, org_b, partner, decided_in_a
):
    drafting.active([org_a, org_b])

    request, decision = decided_in_a()

    assert decision.shared_checks == 1
    (found,) = selectors.speaker_check_search(organisation=org_b, user=None, name="oluwadamilare ferreira kaur")
    assert found.content["outcome"] == "approved_with_mitigations"
    assert found.content["mitigations"] == ["Independent chair"]
    assert "title" not in found.content and "organiser" not in str(found.content).lower()
    assert selectors.speaker_check_search(organisation=partner, user=None, name="Oluwadamilare Ferreira-Kaur") == []


def test_with_no_agreement_the_decision_stands_and_nothing_is_shared(org_a, decided_in_a, world):
    request, decision = decided_in_a()

    assert decision.shared_checks == 0
    assert decision.pk is not None
    assert not SharedCheck.objects.exists()


def test_an_organisation_that_asks_each_time_shares_only_when_someone_presses_share(
    drafting, org_a, org_b, decided_in_a, member, client_on
):
    drafting.active([org_a, org_b])
    lead = member(org_a, "prevent_lead")
    services.exchange_settings_update(actor=lead, organisation=org_a, share_mode="ask_each_time", automatic_level=2)

    request, decision = decided_in_a()
    before = SharedCheck.objects.count()
    client_on(org_a, lead).post(f"/speakers/{request.pk}/share/")

    assert decision.shared_checks is None and before == 0
    assert SharedCheck.objects.filter(source=org_a).count() == 1


def test_a_full_level_agreement_with_automatic_full_shares_the_rationale(drafting, org_a, org_b, decided_in_a, member):
    drafting.active([org_a, org_b], flows=[speaker_flow([org_a], [org_b], "full")])
    services.exchange_settings_update(
        actor=member(org_a, "org_admin"), organisation=org_a, share_mode="on_decision", automatic_level=3
    )

    decided_in_a()

    (found,) = selectors.speaker_check_search(organisation=org_b, user=None, name="Oluwadamilare Ferreira-Kaur")
    assert found.level_code == "full" and found.content["rationale"]
