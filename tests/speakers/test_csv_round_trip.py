"""Any decided or withdrawn request exports and re-imports unchanged (issue 9 §3, generated).

A request with arbitrary text in every text field (any Unicode but NUL, which PostgreSQL
cannot store: `|`, `;`, commas, quotes, line breaks, leading `=`, `'=`, tabs, byte-order
marks, zero-width characters) is exported from one organisation, imported into another and
exported again: both files are identical, so every field the export writes came back as it was.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharing.names import has_a_letter
from speakers import services
from speakers.choices import WITHDRAWAL_OUTCOMES, Outcome, Status
from speakers.models import Assessment, Decision, EventRequest, RequestMitigation, Speaker
from tenants.models import Role

CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TRICKY = st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", '"', ",", ";", "|", "\ufeff", "\u200b", " "]
)


def text(max_size: int, *, required: bool = False) -> st.SearchStrategy[str]:
    pieces = st.lists(st.one_of(st.text(CHARS, max_size=8), TRICKY), max_size=6).map("".join)
    values = pieces.map(lambda s: s[:max_size])
    return values.filter(lambda s: s.strip()) if required else values


WHEN = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)).map(  # noqa: DTZ001
    lambda d: d.replace(second=0, microsecond=0)
)
SPEAKER = st.fixed_dictionaries(
    # A speaker's name needs a letter (sharing.names.has_a_letter): import refuses one without.
    {
        "name": text(200, required=True).filter(has_a_letter),
        "affiliation": text(200),
        "topic": text(300),
        "profile_links": text(500),
    }
)
MITIGATION = st.fixed_dictionaries(
    {"label": text(120, required=True), "basis": st.sampled_from(["prevent", "other"]),
     "progress": st.sampled_from(["pending", "done", "not_done"])}
)  # fmt: skip


@st.composite
def requests(draw):
    outcome = draw(st.sampled_from(Outcome.values))
    return {
        "request": {
            "reference": draw(text(40, required=True)), "title": draw(text(200, required=True)),
            "description": draw(text(500)), "starts_at": draw(WHEN), "venue": draw(text(200, required=True)),
            "format": draw(st.sampled_from(["in_person", "online", "hybrid"])), "open_to_public": draw(st.booleans()),
            "livestreamed": draw(st.booleans()), "recorded": draw(st.booleans()),
            "expected_audience": draw(st.none() | st.integers(0, 10**6)), "organising_body": draw(text(200)),
            "submitted_at": draw(st.none() | WHEN), "short_notice_reason": draw(text(300)),
            "status": Status.WITHDRAWN if outcome in WITHDRAWAL_OUTCOMES else Status.DECIDED,
        },
        "assessment": draw(st.none() | st.fixed_dictionaries({
            "risk_level": st.sampled_from(["low", "medium", "high"]), "is_higher_risk": st.booleans(),
            "risk_summary": text(300), "free_speech_considerations": text(300),
        })),
        "decision": {
            "outcome": outcome, "decided_at": draw(WHEN), "reasons": draw(text(300, required=True)),
            "decider_roles": draw(st.lists(st.sampled_from(Role.values), max_size=3, unique=True)),
            "rejection_category": "procedural" if outcome == Outcome.REJECTED else "",
            "rejection_explanation": draw(text(300)),
            "speech_within_law": draw(st.sampled_from(["", "yes", "unclear"])),
            "free_speech_steps": draw(text(300)), "restriction_proportionality": draw(text(300)),
            "not_offence_or_reputation_alone": draw(st.booleans()), "security_costs_passed_on": draw(st.booleans()),
            "security_costs_circumstances": draw(text(300)),
        },
        "speakers": draw(st.lists(SPEAKER, min_size=1, max_size=4)),
        "mitigations": draw(st.lists(MITIGATION, min_size=1, max_size=3))
        if outcome == Outcome.APPROVED_WITH_MITIGATIONS else [],
    }  # fmt: skip


def _create(organiser, spec) -> EventRequest:
    request = EventRequest.objects.create(organiser=organiser, **spec["request"])
    if spec["assessment"]:
        Assessment.objects.create(request=request, assessed_by=organiser, **spec["assessment"])
    Decision.objects.create(request=request, decided_by=organiser, **spec["decision"])
    Speaker.objects.bulk_create(Speaker(request=request, position=i, **s) for i, s in enumerate(spec["speakers"]))
    RequestMitigation.objects.bulk_create(
        RequestMitigation(request=request, imposed=True, timing="before", **m) for m in spec["mitigations"]
    )
    return request


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=requests())
def test_any_decided_request_exports_and_reimports_unchanged(a, b, org_a, org_b, spec):
    with transaction.atomic():
        with tenant_context(org_a):
            _create(a.organiser, spec)
            first = services.event_requests_export(actor=a.auditor)
        with tenant_context(org_b):
            services.event_requests_import(actor=b.admin, csv_text=first)
            again = services.event_requests_export(actor=b.auditor)
            imported = EventRequest.objects.get()
            texts = (imported.title, imported.venue, [s.affiliation for s in imported.speakers.all()])
        transaction.set_rollback(True)

    assert again == first
    assert texts == (spec["request"]["title"], spec["request"]["venue"], [s["affiliation"] for s in spec["speakers"]])


def test_the_export_lists_an_undecided_request_but_only_decided_ones_round_trip(a, org_a):
    details = services.EventDetails(title="Open evening", starts_at=datetime.now(UTC) + timedelta(days=60),
                                    venue="Hall", expected_audience=10, organising_body="Careers")  # fmt: skip
    speakers = [services.SpeakerDetails("Ana Folau", topic="Jobs")]
    with tenant_context(org_a):
        services.event_request_submit(actor=a.organiser, details=details, speakers=speakers)
        exported = services.event_requests_export(actor=a.auditor)

    assert '"submitted","Open evening"' in exported
