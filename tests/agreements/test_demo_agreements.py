"""The demo network has an active franchise agreement and an active speaker-check exchange, seeded once."""

from agreements.models import Agreement
from agreements.policy import access_receive, recipients_for
from hub import demo
from tenants.models import Organisation


def test_the_demo_seed_creates_active_agreements_once(db, world):
    demo.demo_seed()
    demo.demo_seed()
    slugs = {o.slug: o.pk for o in Organisation.objects.all()}

    assert Agreement.objects.filter(template__in=["franchise", "network_speaker_checks"]).count() == 2
    decision = access_receive(
        source_id=slugs["northmoor-college"],
        recipient_id=slugs["northmoor"],
        kind="partner_report",
        level=2,
        purpose="partner_oversight",
    )
    assert decision.agreement_id is not None
    grants = recipients_for(
        source_id=slugs["eastbrook"], kind="speaker_check", level=2, purpose="speaker_due_diligence"
    )
    assert {g.recipient_id for g in grants} == {slugs["northmoor"], slugs["northmoor-college"]}
