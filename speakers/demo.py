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

# (title, speaker, affiliation, outcome, mitigations)
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
    ],
    "eastbrook": [
        ("Music of the Silk Road", "Gulnara Abenova", "Almaty Conservatoire", "approved", ()),
        ("Borders and belonging", "Father Tomás Ortega", "St Brigid's Parish", "approved_with_mitigations",
         ("Independent chair",)),
        ("Debate: the future of work", "Priyanka Venkatesh", "Future of Work Lab", "approved", ()),
        ("Sovereignty and identity", "Kwame Asante-Boateng", "Pan-African Studies Circle", "rejected", ()),
    ],
}  # fmt: skip
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


def _one(people: dict[str, User], index: int, spec: tuple, now: datetime) -> None:
    title, speaker, affiliation, outcome, mitigations = spec
    organiser, reviewer = people.get("organiser"), people.get("reviewer") or people.get("prevent_lead")
    details = EventDetails(
        title=title,
        starts_at=now + timedelta(days=30 + 7 * index),
        venue="Main hall",
        open_to_public=index % 2 == 0,
        expected_audience=40 + 10 * index,
        organising_body="Debating Society",
    )
    request = services.event_request_submit(
        actor=organiser, details=details, speakers=[SpeakerDetails(speaker, affiliation, "", title)]
    )
    catalogue = dict(Mitigation.objects.values_list("label", "pk"))
    services.event_request_assess(
        actor=reviewer,
        event_request=request,
        data=AssessmentInput(
            risk_level="medium" if mitigations or outcome == "rejected" else "low",
            free_speech_considerations="Lawful speech on a matter of public interest; the duty to secure it applies.",
            mitigations=[ProposedMitigation(catalogue[m], "other") for m in mitigations],
        ),
    )
    extra = REJECTION if outcome == "rejected" else {}
    services.event_request_decide(
        actor=reviewer,
        event_request=request,
        data=DecisionInput(
            outcome=outcome,
            reasons="Reviewed under the procedure.",
            imposed_mitigation_ids=list(request.mitigations.values_list("pk", flat=True)),
            **extra,
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
