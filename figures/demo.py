"""Demo content for network figures: fictional, created idempotently.

Adds one agreement per demo network from the `network_figures` template (the network first, then
its members), signed by every party:

* Midshire HE Prevent Network (Northmoor, Eastbrook): both members send their figures for the last
  two terms. With two members the network's totals stay withheld (published once three members
  contribute): the co-ordinator's page shows who contributed and why nothing more is shown.
* Riverside Silver Group (Northmoor, Eastbrook, Northmoor College): all three send theirs for the
  last two terms; the co-ordinator sees totals and trends, and each member is sent the group's
  totals beside its own (Amara Okafor, Northmoor's Prevent lead, sees them on her dashboard).

Running it twice creates nothing new: an agreement is made once per network, a term is sent once
per member and network, and totals are sent again only when they changed.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement
from core.dates import today
from figures import services
from figures.models import Submission
from partners.periods import terms_ended_by
from tenants.models import Organisation, User

TEMPLATE = "network_figures"
# (network, members, signatories in party order: the network's first)
DEMO = [
    (
        "midshire-network",
        ["northmoor", "eastbrook"],
        ["ioana.popescu@midshire-network.example", "amara.okafor@northmoor.example", "priya.raman@eastbrook.example"],
    ),
    (
        "riverside-silver",
        ["northmoor", "eastbrook", "northmoor-college"],
        [
            "daniel.mensah@riverside-silver.example",
            "amara.okafor@northmoor.example",
            "priya.raman@eastbrook.example",
            "fatima.rahman@northmoor-college.example",
        ],
    ),
]


def _agreement(network: Organisation, parties: list[Organisation], emails: list[str]) -> None:
    if Agreement.objects.filter(template=TEMPLATE, drafted_by_organisation=network).exists():
        return
    drafter = User.objects.get(email=emails[0])
    slugs = [p.slug for p in parties]
    agreement = agreement_services.agreement_create(
        actor=drafter, organisation=network, parties=slugs, terms=TEMPLATES[TEMPLATE].terms(slugs), template=TEMPLATE
    )
    agreement_services.agreement_propose(actor=drafter, organisation=network, agreement=agreement)
    for organisation, email in zip(parties, emails, strict=True):
        agreement_services.agreement_sign(
            actor=User.objects.get(email=email), organisation=organisation, agreement=agreement, version_number=1
        )


def demo_figures(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo network figures is missing; running it twice changes nothing."""
    day = today()
    terms = list(reversed(terms_ended_by(day, 2)))
    for network_slug, member_slugs, emails in DEMO:
        network = by_slug[network_slug]
        members = [by_slug[s] for s in member_slugs]
        _agreement(network, [network, *members], emails)
        for member, email in zip(members, emails[1:], strict=True):
            lead = User.objects.get(email=email)
            with tenant_context(member):
                for term in terms:
                    if not Submission.objects.filter(network_id=network.pk, period_code=term.code).exists():
                        services.contribution_send(
                            actor=lead, organisation=member, network=network, period=term, today=day
                        )
        with tenant_context(network):
            services.ingest(network=network, actor=None)
            for term in terms:
                services.totals_publish(actor=None, network=network, period=term)
