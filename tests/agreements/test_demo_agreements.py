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


def test_the_demo_franchise_agreement_has_a_pending_second_version_to_diff_while_version_1_stays_in_force(
    db, world, client_on
):
    from tenants.models import User

    demo.demo_seed()
    demo.demo_seed()
    franchise = Agreement.objects.get(template="franchise")
    northmoor = Organisation.objects.get(slug="northmoor")
    college = Organisation.objects.get(slug="northmoor-college")

    assert franchise.current_version.number == 1 and franchise.pending_version.number == 2
    assert list(franchise.pending_version.signatures.values_list("organisation__slug", flat=True)) == ["northmoor"]
    assert (
        access_receive(
            source_id=college.pk, recipient_id=northmoor.pk, kind="partner_report", level=2, purpose="partner_oversight"
        ).agreement_version_id
        == franchise.current_version_id
    )
    amara = User.objects.get(email="amara.okafor@northmoor.example")
    client = client_on(northmoor, amara)
    detail = client.get(f"/agreements/{franchise.pk}/").content.decode()
    diff = client.get(f"/agreements/{franchise.pk}/diff/?from=1&to=2").content.decode()
    assert "Pending version 2" in detail and "python -m agreements.verify" in detail
    assert "<del>2190 days</del>" in diff and "<ins>365 days</ins>" in diff
