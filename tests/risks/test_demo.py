"""The demo: a register for Northmoor and the college, summaries at the Silver group, idempotent."""

from django_tenants.utils import tenant_context

from hub import demo
from risks import selectors
from risks.models import Risk, RiskAction, RiskChange
from tenants.models import Organisation, User


def test_the_demo_register_and_shared_summaries_and_seeding_again_adds_nothing(db, world):
    demo.demo_seed()
    northmoor, college = Organisation.objects.get(slug="northmoor"), Organisation.objects.get(slug="northmoor-college")
    counts = []
    for organisation in (northmoor, college):
        with tenant_context(organisation):
            counts.append((Risk.objects.count(), RiskAction.objects.count(), RiskChange.objects.count()))
    group = Organisation.objects.get(slug="riverside-silver")
    coordinator = User.objects.get(email="daniel.mensah@riverside-silver.example")
    first = selectors.received_summaries(group, coordinator)
    demo.demo_seed()

    for organisation, before in zip((northmoor, college), counts, strict=True):
        with tenant_context(organisation):
            assert (Risk.objects.count(), RiskAction.objects.count(), RiskChange.objects.count()) == before
    with tenant_context(northmoor):
        figures = selectors.overview()
        assert figures.actions_overdue == 2 and figures.reviews_due == 1 and figures.closed == 1
    again = selectors.received_summaries(group, coordinator)
    assert [s.view.source_name for s in again] == ["Northmoor International College", "University of Northmoor"]
    assert [s.view.version for s in again] == [s.view.version for s in first] == [1, 1]
    assert again[1].current == figures.current
