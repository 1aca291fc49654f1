"""The termly send: every partner with a referral flow in force, each in its own schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_tenants.utils import tenant_context

from agreements.models import AgreementFlow
from agreements.policy import RecordKind
from referrals import services
from referrals.models import SummaryShare
from referrals.periods import Term
from tenants.models import Organisation
from welfare.models import Case


@dataclass
class TermlyReport:
    partners: int = 0
    sent: int = 0
    already: int = 0
    refused: int = 0
    summaries_updated: int = 0
    lines: list[str] = field(default_factory=list)


def senders_of_referrals() -> list[Organisation]:
    """Organisations that send referrals under an agreement version in force (the policy still decides)."""
    ids = AgreementFlow.objects.filter(kind=RecordKind.REFERRAL, is_current=True).values("sender_id")
    return list(Organisation.objects.filter(pk__in=ids).exclude(schema_name="public").order_by("name"))


def termly_send(term: Term) -> TermlyReport:
    """Send `term`'s aggregates from every partner (idempotent) and update summaries that changed."""
    report = TermlyReport()
    for source in senders_of_referrals():
        report.partners += 1
        with tenant_context(source):
            for result in services.aggregate_send(source=source, term=term):
                outcome = result.outcome
                if outcome == "sent":
                    report.sent += 1
                elif outcome == "already_sent":
                    report.already += 1
                else:
                    report.refused += 1
                shown = {"sent": "sent", "already_sent": "already sent"}.get(outcome, f"not sent ({outcome})")
                report.lines.append(f"{source.name} → {result.recipient.name}: {shown}")
            numbers = SummaryShare.objects.values_list("case_number", flat=True).distinct()
            for case in Case.objects.filter(pk__in=list(numbers)):
                report.summaries_updated += len(services.case_changed(case))
    return report
