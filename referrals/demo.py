"""Fictional demo data of referrals: the demo partner's cases as its validating university receives them.

Under the demo franchise agreement (agreements/demo.py), Northmoor International College sends
the University of Northmoor a pseudonymised summary of every case, the counts of the last two
terms, and one identified transfer, asked by its Prevent lead and approved by its data
protection officer (the second person). Everything goes through the services, so through the
exchange and the policy. Idempotent: what exists is left alone.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from core.dates import today
from referrals import services
from referrals.models import SummaryShare, TransferRequest
from referrals.periods import recent_terms
from tenants.models import Organisation, User
from welfare.choices import Outcome
from welfare.models import Case

PARTNER, UNIVERSITY = "northmoor-college", "northmoor"
REQUESTER, APPROVER = "fatima.rahman@northmoor-college.example", "nadia.haddou@northmoor-college.example"
JUSTIFICATION = (
    "The student transfers to the university's main campus for the rest of the course next month. The university's "
    "safeguarding team must know who they are to continue the support agreed with the Prevent team; a summary "
    "cannot tell them whom to support."
)


def demo_referrals(by_slug: dict[str, Organisation]) -> None:
    """Create what is missing of the demo's referrals: summaries, two terms of counts, one transfer."""
    partner, university = by_slug.get(PARTNER), by_slug.get(UNIVERSITY)
    lead = User.objects.filter(email=REQUESTER).first()
    approver = User.objects.filter(email=APPROVER).first()
    if partner is None or university is None or lead is None:
        return
    with tenant_context(partner):
        shared = set(SummaryShare.objects.values_list("case_number", flat=True))
        for case in Case.objects.order_by("pk"):
            if case.pk not in shared:
                services.case_summary_share(actor=lead, case=case, recipient=university)
        for term in recent_terms(today(), 2):
            services.aggregate_send(source=partner, term=term)
        if approver is not None and not TransferRequest.objects.exists():
            case = Case.objects.filter(outcome=Outcome.PREVENT_REFERRAL).order_by("pk").first()
            if case is not None:
                transfer = services.transfer_request(
                    actor=lead, case=case, recipient=university, justification=JUSTIFICATION
                )
                services.transfer_approve(actor=approver, transfer=transfer)
