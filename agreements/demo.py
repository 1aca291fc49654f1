"""Demo agreements for the fictional demo network, created idempotently.

* The franchise agreement (Northmoor ↔ its partner college) is in force at version 1 and has a
  pending version 2 (shorter retention) that Northmoor has signed and the college has not: the
  detail page shows the pending version, the diff between them, and sharing continuing under
  version 1.
* The speaker-check exchange (Northmoor, Eastbrook, the college) is in force at version 1.
"""

from __future__ import annotations

from agreements import services
from agreements.documents import TEXT_FIELDS
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
# A second version for the tour: (template, changed terms, change note).
PENDING_CHANGE = ("franchise", {"retention_days": 365}, "Retention at the university shortened to one year")


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
        if template == PENDING_CHANGE[0]:
            _pending_change(agreement, drafter, lead, parties)


def _pending_change(agreement: Agreement, drafter: Organisation, lead: User, parties: list[str]) -> None:
    """Version 2, proposed and signed by the drafter only: pending, while version 1 stays in force."""
    _, changes, note = PENDING_CHANGE
    agreement.refresh_from_db()
    current = agreement.current_version
    terms = {name: getattr(current, name) for name in TEXT_FIELDS}
    services.agreement_edit(
        actor=lead,
        organisation=drafter,
        agreement=agreement,
        parties=parties,
        terms={**terms, **changes},
        change_note=note,
    )
    services.agreement_propose(actor=lead, organisation=drafter, agreement=agreement)
    services.agreement_sign(actor=lead, organisation=drafter, agreement=agreement, version_number=2)
