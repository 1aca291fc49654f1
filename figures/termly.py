"""The termly run: members send their figures for a term; networks ingest them and send totals back.

Each organisation acts in its own schema (`tenant_context`); everything crosses through the
exchange and the policy (`figures.services`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from figures import services
from figures.models import Submission
from figures.selectors import GROUP_KINDS
from networks.selectors import networks_of
from partners.periods import Period
from tenants.models import LinkKind, Organisation


@dataclass
class TermlyReport:
    sent: int = 0
    already: int = 0
    refused: int = 0
    totals_sent: int = 0
    lines: list[str] = field(default_factory=list)


def termly_send(term: Period, today: date) -> TermlyReport:
    """Send `term`'s figures from every member to each of its networks (once), then publish every network's totals."""
    report = TermlyReport()
    members = Organisation.objects.filter(links_out__kind=LinkKind.MEMBER_OF).distinct().order_by("name")
    for member in members:
        with tenant_context(member):
            for network in networks_of(member):
                if Submission.objects.filter(network_id=network.pk, period_code=term.code).exists():
                    report.already += 1
                    report.lines.append(f"{member.name} → {network.name}: already sent")
                    continue
                try:
                    services.contribution_send(
                        actor=None, organisation=member, network=network, period=term, today=today
                    )
                except ValidationError:
                    report.refused += 1
                    report.lines.append(f"{member.name} → {network.name}: not sent (no agreement allows it)")
                else:
                    report.sent += 1
                    report.lines.append(f"{member.name} → {network.name}: sent")
    for network in Organisation.objects.filter(kind__in=list(GROUP_KINDS)).order_by("name"):
        with tenant_context(network):
            services.ingest(network=network, actor=None)
            published = services.totals_publish(actor=None, network=network, period=term)
            report.totals_sent += len(published.sent)
            if published.not_enough:
                report.lines.append(f"{network.name}: totals not sent, fewer than three members contributed")
    return report
