"""Helpers for speaker-request tests: a cast of people per organisation and the workflow steps.

Every speaker name is fictional, and names of many backgrounds appear across every outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from speakers import services
from speakers.models import EventRequest, Mitigation
from speakers.services import AssessmentInput, DecisionInput, EventDetails, ProposedMitigation, SpeakerDetails
from tenants.models import Organisation, Role, User


@dataclass(frozen=True)
class Cast:
    organisation: Organisation
    organiser: User
    other_organiser: User
    reviewer: User
    prevent_lead: User
    senior: User
    other_senior: User
    auditor: User
    admin: User


@pytest.fixture
def cast(org_a, member):
    def make(org: Organisation) -> Cast:
        return Cast(
            organisation=org,
            organiser=member(org, Role.ORGANISER),
            other_organiser=member(org, Role.ORGANISER),
            reviewer=member(org, Role.REVIEWER),
            prevent_lead=member(org, Role.PREVENT_LEAD),
            senior=member(org, Role.SENIOR_DECISION_MAKER),
            other_senior=member(org, Role.SENIOR_DECISION_MAKER),
            auditor=member(org, Role.AUDITOR),
            admin=member(org, Role.ORG_ADMIN),
        )

    return make


@pytest.fixture
def a(cast, org_a) -> Cast:
    return cast(org_a)


@pytest.fixture
def b(cast, org_b) -> Cast:
    return cast(org_b)


def in_days(days: int, hour: int = 18) -> datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def details(**overrides) -> EventDetails:
    values = dict(
        title="Debating the future of cities",
        starts_at=in_days(45),
        venue="Lecture theatre 2, Hollins Building",
        format="in_person",
        open_to_public=True,
        expected_audience=120,
        organising_body="Urban Studies Society",
    )
    values.update(overrides)
    return EventDetails(**values)


SPEAKERS = [SpeakerDetails(name="Dr Ngozi Adebayo-Flint", affiliation="Institute of Place", topic="Housing")]


def submit(actor: User, *, speakers=None, **overrides) -> EventRequest:
    return services.event_request_submit(actor=actor, details=details(**overrides), speakers=speakers or SPEAKERS)


def catalogue_ids(*labels: str) -> list[int]:
    services_ids = dict(Mitigation.objects.values_list("label", "pk"))
    return [services_ids[label] for label in labels]


def assess(actor: User, request: EventRequest, *, risk_level="low", criteria=(), mitigations=()) -> None:
    from speakers.selectors import mitigation_catalogue

    mitigation_catalogue()  # the catalogue is seeded on first use
    services.event_request_assess(
        actor=actor,
        event_request=request,
        data=AssessmentInput(
            risk_level=risk_level,
            criteria_met=list(criteria),
            free_speech_considerations="Lawful academic debate; the duty to secure free speech applies.",
            risk_summary="Public event with a well-known speaker.",
            mitigations=[ProposedMitigation(pk, "other") for pk in catalogue_ids(*mitigations)],
        ),
    )


def approve(actor: User, request: EventRequest, **overrides) -> object:
    request.refresh_from_db()
    values = dict(outcome="approved", reasons="Lawful debate; no risk factors found.")
    values.update(overrides)
    return services.event_request_decide(actor=actor, event_request=request, data=DecisionInput(**values))


@pytest.fixture
def in_a(org_a):
    with tenant_context(org_a):
        yield


__all__ = ["approve", "assess", "details", "in_days", "submit"]
