"""Fictional speaker and event requests for the demo network (idempotent).

Every name is invented. Names of many backgrounds are spread across every outcome, and
most requests are approved, several with mitigations, few rejected: nothing here may
suggest that risk follows a name, a faith or an origin.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from speakers import services
from speakers.models import EventRequest, Mitigation
from speakers.selectors import mitigation_catalogue
from speakers.services import AssessmentInput, DecisionInput, EventDetails, ProposedMitigation, SpeakerDetails
from tenants.models import Organisation, User

# (title, speaker, affiliation, state, mitigations). A state is an outcome, or where the request
# stops: draft, submitted, short_notice (submitted, with a reason for the short notice),
# assessed, escalated (waiting for the senior decision-maker), senior_decided (higher-risk,
# approved with mitigations by the senior decision-maker).
EVENTS = {
    "northmoor": [
        ("Urban rivers and flood risk", "Dr Ingrid Solberg", "Nordic Water Institute", "approved", ()),
        ("Poetry of the diaspora", "Chiamaka Eze", "Independent poet", "approved", ()),
        ("Faith and public life", "Imam Yusuf Al-Rashid", "Northmoor Interfaith Forum", "approved", ()),
        ("The ethics of gene editing", "Prof Hiroshi Takeda", "Kansai Bioethics Centre", "approved_with_mitigations",
         ("Independent chair", "Balancing speaker or right of reply")),
        ("Policing and protest", "Sgt (retd) Fiona McAllister", "Civil Liberties Review", "approved_with_mitigations",
         ("Security staff present", "Ticketed entry")),
        ("Land, memory and conflict", "Rabbi Daniel Rosen", "Lowlands Synagogue", "approved", ()),
        ("Free markets, free minds?", "Bartholomew Finch-Hatton", "Albion Policy Unit", "rejected", ()),
        ("Protest, order and the law", "Seamus O'Connell", "Open Justice Forum", "senior_decided",
         ("Independent chair",)),
        ("Housing, migration and the city", "Harriet Ashworth-Pym", "Institute for Urban Futures", "escalated", ()),
        ("Climate justice teach-in", "Łucja Wróblewska", "Baltic Climate Network", "assessed", ("Event recorded",)),
        ("Stand-up for mental health", "Aroha Ngata-Singh", "Comedy for Change", "short_notice", ()),
        ("Women in engineering panel", "Nguyễn Thị Bảo Ngọc", "Society of Engineers", "submitted", ()),
        ("Book launch: Northern voices", "Gwen Pritchard", "Valley Press", "draft", ()),
        ("Film night: Borderlands", "Mateo Quispe Huamán", "Andean Film Collective", "withdrawn", ()),
        ("Cryptocurrency and the law", "Oliver Grant-Whitfield", "Fintech Ethics Lab", "speaker_not_invited", ()),
    ],
    "eastbrook": [
        ("Music of the Silk Road", "Gulnara Abenova", "Almaty Conservatoire", "approved", ()),
        ("Borders and belonging", "Father Tomás Ortega", "St Brigid's Parish", "approved_with_mitigations",
         ("Independent chair",)),
        ("Debate: the future of work", "Priyanka Venkatesh", "Future of Work Lab", "approved", ()),
        ("Sovereignty and identity", "Kwame Asante-Boateng", "Pan-African Studies Circle", "rejected", ()),
        ("Coding for social good", "Ayesha Siddiqui-Brown", "Open Source Commons", "submitted", ()),
        ("Walking the Pennine Way", "Eleanor Whitcombe", "Moorland Ramblers", "draft", ()),
        ("Robotics showcase", "Kenji Olawale-Sato", "Kinetic Robotics Lab", "withdrawn", ()),
    ],
}  # fmt: skip
STOPS_AFTER_SUBMIT = ("submitted", "short_notice")
WITHDRAWALS = ("withdrawn", "speaker_not_invited")
REJECTION = dict(
    rejection_category="health_and_safety",
    rejection_explanation="The only available date clashes with building works; the venue cannot be made safe.",
    speech_within_law="yes",
    free_speech_steps="Other dates and an online format were offered; none suited the speaker.",
    restriction_proportionality="Safety cannot be secured on that date; the invitation stays open for another.",
    not_offence_or_reputation_alone=True,
)


def _people(org: Organisation) -> dict[str, User]:
    members = {}
    for membership in org.memberships.select_related("user"):
        for role in membership.roles:
            members.setdefault(role, membership.user)
    return members


def _submit(people: dict[str, User], index: int, spec: tuple, now: datetime) -> EventRequest | None:
    title, speaker, affiliation, state, _ = spec
    short = state == "short_notice"
    details = EventDetails(
        title=title,
        starts_at=now + timedelta(days=6 if short else 30 + 7 * index),
        venue="Main hall",
        open_to_public=index % 2 == 0,
        expected_audience=40 + 10 * index,
        organising_body="Debating Society",
    )
    speakers = [SpeakerDetails(speaker, affiliation, "", title)]
    organiser = people["organiser"]
    if state == "draft":
        services.event_request_save_draft(actor=organiser, details=details, speakers=speakers)
        return None
    reason = "The speaker's tour dates were confirmed late." if short else ""
    request = services.event_request_submit(
        actor=organiser, details=details, speakers=speakers, short_notice_reason=reason
    )
    if state in WITHDRAWALS:
        services.event_request_withdraw(
            actor=organiser, event_request=request, speaker_not_invited=state == "speaker_not_invited",
            reason="The society decided not to go ahead." if state == "withdrawn" else "The speaker was not invited.",
        )  # fmt: skip
        return None
    return None if state in STOPS_AFTER_SUBMIT else request


def _assess(reviewer: User, request: EventRequest, state: str, mitigations: tuple) -> None:
    higher_risk = state in ("escalated", "senior_decided")
    catalogue = dict(Mitigation.objects.values_list("label", "pk"))
    services.event_request_assess(
        actor=reviewer,
        event_request=request,
        data=AssessmentInput(
            risk_level="high" if higher_risk else "medium" if mitigations or state == "rejected" else "low",
            free_speech_considerations="Lawful speech on a matter of public interest; the duty to secure it applies.",
            risk_summary="Credible reports of a planned counter-protest." if higher_risk else "",
            mitigations=[ProposedMitigation(catalogue[m], "other") for m in mitigations],
        ),
    )


def _one(people: dict[str, User], index: int, spec: tuple, now: datetime) -> None:
    state, mitigations = spec[3], spec[4]
    request = _submit(people, index, spec, now)
    if request is None:
        return
    reviewer = people.get("reviewer") or people["prevent_lead"]
    _assess(reviewer, request, state, mitigations)
    if state == "assessed":
        return
    decider = reviewer
    if state in ("escalated", "senior_decided"):
        decider = people["senior_decision_maker"]
        services.event_request_escalate(actor=reviewer, event_request=request, decision_maker=decider,
                                        note="Higher-risk: a counter-protest is planned. Please decide.")  # fmt: skip
        if state == "escalated":
            return
    request.refresh_from_db()
    outcome = "approved_with_mitigations" if state == "senior_decided" else state
    services.event_request_decide(
        actor=decider,
        event_request=request,
        data=DecisionInput(
            outcome=outcome,
            reasons="Reviewed under the procedure.",
            imposed_mitigation_ids=list(request.mitigations.values_list("pk", flat=True)),
            **(REJECTION if outcome == "rejected" else {}),
        ),
    )


def demo_speaker_requests(by_slug: dict[str, Organisation]) -> None:
    """Seed each organisation's requests once; an organisation that has any is left alone."""
    now = timezone.now()
    for slug, events in EVENTS.items():
        org = by_slug[slug]
        with tenant_context(org):
            if EventRequest.objects.exists():
                continue
            mitigation_catalogue()
            people = _people(org)
            for index, spec in enumerate(events):
                _one(people, index, spec, now)
