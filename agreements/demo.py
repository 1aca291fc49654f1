"""Demo agreements for the fictional demo network: signed, active, created idempotently."""

from __future__ import annotations

from agreements import services
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement
from tenants.models import Organisation, User

DEMO = [
    # (template, parties in template order, drafting organisation's lead, signatories in party order)
    (
        "franchise",
        ["northmoor", "northmoor-college"],
        "amara.okafor@northmoor.example",
        ["amara.okafor@northmoor.example", "fatima.rahman@northmoor-college.example"],
    ),
    (
        "network_speaker_checks",
        ["northmoor", "eastbrook", "northmoor-college"],
        "amara.okafor@northmoor.example",
        ["amara.okafor@northmoor.example", "priya.raman@eastbrook.example", "fatima.rahman@northmoor-college.example"],
    ),
]


def demo_agreements(by_slug: dict[str, Organisation]) -> None:
    """Create each demo agreement unless one from the same template already joins the same drafter."""
    for template, parties, lead_email, signer_emails in DEMO:
        drafter = by_slug[parties[0]]
        if Agreement.objects.filter(template=template, drafted_by_organisation=drafter).exists():
            continue
        lead = User.objects.get(email=lead_email)
        agreement = services.agreement_create(
            actor=lead,
            organisation=drafter,
            parties=parties,
            terms=TEMPLATES[template].terms(parties),
            template=template,
        )
        services.agreement_propose(actor=lead, organisation=drafter, agreement=agreement)
        for slug, email in zip(parties, signer_emails, strict=True):
            services.agreement_sign(
                actor=User.objects.get(email=email), organisation=by_slug[slug], agreement=agreement, version_number=1
            )
