"""Fictional demo data of partner reporting; idempotent.

Northmoor International College (a franchise partner) has filed its reports for the last two
terms that ended to the University of Northmoor under the demo franchise agreement — the later
term twice, so the university sees version 2 and the college sees both versions — with the
college's own training, training the university delivered to the college's staff, and a comment
from the university on the latest report.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from core.dates import today
from partners import services
from partners.models import PartnerReport, ReportComment, TrainingRecord
from partners.periods import terms_ended_by
from sharing.models import SharedCheck
from tenants.models import Organisation, User

PARTNER, UNIVERSITY = "northmoor-college", "northmoor"
PARTNER_LEAD = "fatima.rahman@northmoor-college.example"
UNIVERSITY_LEAD = "amara.okafor@northmoor.example"

OWN_TRAINING = [  # (days into the term, topic, audience, attendees)
    (12, "Prevent awareness for new staff", "New teaching and support staff", 17),
    (40, "External speakers: our procedure", "Student union officers and event organisers", 9),
]
NARRATIVE = {
    "training_delivered": "Induction sessions for all new staff; the speaker-procedure briefing for the student union.",
    "policy_changes": "External speaker procedure aligned with the university's; Prevent risk assessment reviewed.",
    "open_actions": "Online-safety filtering review (due end of next term); refresher for evening tutors.",
    "comments": "No matters of concern beyond those counted above.",
}
COMMENT = "Thank you. Please send the filtering review's findings with next term's report."
CORRECTION = {**NARRATIVE, "open_actions": "Online-safety filtering review completed; refresher for evening tutors."}


def demo_partners(by_slug: dict[str, Organisation]) -> None:
    """Create the demo's partner reports unless the college already has some."""
    partner, university = by_slug.get(PARTNER), by_slug.get(UNIVERSITY)
    lead = User.objects.filter(email=PARTNER_LEAD).first()
    reviewer = User.objects.filter(email=UNIVERSITY_LEAD).first()
    if partner is None or university is None or lead is None or reviewer is None:
        return
    with tenant_context(partner):
        if PartnerReport.objects.exists():
            return
    earlier, later = reversed(terms_ended_by(today(), 2))
    with tenant_context(partner):
        for term in (earlier, later):
            for offset, topic, audience, attendees in OWN_TRAINING:
                day = term.start + timedelta(days=offset)
                services.training_record(
                    actor=lead,
                    organisation=partner,
                    delivered_on=day,
                    topic=topic,
                    audience=audience,
                    attendees=attendees,
                )
        for term, narratives in ((earlier, [NARRATIVE]), (later, [NARRATIVE, CORRECTION])):
            for narrative in narratives:
                draft = services.report_assemble(actor=lead, organisation=partner, period=term)
                draft = services.report_edit(actor=lead, organisation=partner, report=draft,
                                             narrative=services.Narrative(**narrative))  # fmt: skip
                try:
                    services.report_sign_off(actor=lead, organisation=partner, report=draft)
                except ValidationError:  # no franchise agreement in force in this demo: drafts only
                    return
    with tenant_context(university):
        if not TrainingRecord.objects.filter(partner_id=partner.pk).exists():
            services.training_record(
                actor=reviewer,
                organisation=university,
                partner=partner,
                delivered_on=later.start + timedelta(days=20),
                topic="Prevent duty refresher for partner staff",
                audience="College safeguarding team and programme leaders",
                attendees=11,
            )
        latest = SharedCheck.objects.filter(source=partner, recipient=university, is_current=True,
                                            source_ref=f"report:{later.code}").first()  # fmt: skip
        if latest is not None and not ReportComment.objects.exists():
            services.report_comment_add(actor=reviewer, organisation=university, record_id=latest.pk, text=COMMENT)
