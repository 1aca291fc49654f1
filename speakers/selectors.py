"""Reads: the procedure, which requests a person may see, one request, the register and its counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from speakers import rights
from speakers.choices import MitigationTiming
from speakers.models import EventRequest, Mitigation, ProcedureConfig
from tenants.models import Membership
from tenants.scopes import Scope, scopes_of

DEFAULT_MITIGATIONS = [
    ("Independent chair", "A chair independent of the organisers keeps the discussion within the law.", "before"),
    ("Balancing speaker or right of reply", "Another view is heard at the same event.", "before"),
    ("Event recorded", "The event is recorded and the recording kept for the retention period.", "before"),
    ("Security staff present", "Trained security staff attend for the duration.", "before"),
    ("Ticketed entry", "Entry by ticket, with identity checks on the door.", "before"),
    ("Content shared in advance", "Slides or speaking notes are shared with the reviewer beforehand.", "before"),
    ("Briefing for the speaker on the code of practice", "The speaker receives the code of practice.", "before"),
    ("Post-event report", "The organiser reports how the event went, within ten working days.", "after"),
]


def procedure_config() -> ProcedureConfig:
    """This organisation's procedure; created with defaults (and the default catalogue) on first use."""
    assert connection.schema_name != "public", "speaker procedures live in an organisation's schema"
    config = ProcedureConfig.objects.filter(singleton=True).first()
    if config is not None:
        return config
    with transaction.atomic():
        config, created = ProcedureConfig.objects.get_or_create(singleton=True)
        if created and not Mitigation.objects.exists():
            Mitigation.objects.bulk_create(
                Mitigation(label=label, description=text, timing=MitigationTiming(timing), position=index)
                for index, (label, text, timing) in enumerate(DEFAULT_MITIGATIONS)
            )
    return config


def mitigation_catalogue(*, include_retired: bool = False) -> QuerySet[Mitigation]:
    procedure_config()
    mitigations = Mitigation.objects.all()
    return mitigations if include_retired else mitigations.filter(active=True)


def reads_everything(membership: Membership) -> bool:
    """Whether the person sees every submitted request (the register's readers and reviewers)."""
    return bool(scopes_of(membership) & {Scope.SPEAKERS_READ_ALL, Scope.SPEAKERS_REVIEW})


def event_requests_visible_to(membership: Membership) -> QuerySet[EventRequest]:
    """Organisers see their own (drafts too); reviewers, the Prevent lead and auditors see every
    submitted request; a senior decision-maker sees what was escalated to them. Computed from the
    person's current scopes and the request's assignments (`speakers.rights.visible_filter`)."""
    visible = rights.visible_filter(membership)
    return EventRequest.objects.none() if visible is None else EventRequest.objects.filter(visible)


def event_request_get(*, membership: Membership, pk: int) -> EventRequest:
    """One request the person may see; missing and not allowed look the same (404)."""
    found = (
        event_requests_visible_to(membership)
        .select_related("assessment", "decision", "organiser", "escalated_to")
        .prefetch_related("speakers", "mitigations", "assessment__factors")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found


@dataclass(frozen=True)
class RegisterFilter:
    search: str = ""
    status: str = ""
    risk: str = ""
    date_from: date | None = None
    date_to: date | None = None


def register_requests(*, membership: Membership, filters: RegisterFilter) -> QuerySet[EventRequest]:
    """The register: search by title, speaker or organiser; filter by status, event date and risk."""
    requests = event_requests_visible_to(membership).select_related("assessment", "decision", "organiser")
    if filters.search:
        term = filters.search.strip()
        requests = requests.filter(
            Q(title__icontains=term)
            | Q(speakers__name__icontains=term)
            | Q(organiser__full_name__icontains=term)
            | Q(organising_body__icontains=term)
        ).distinct()
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.risk:
        requests = requests.filter(assessment__risk_level=filters.risk)
    if filters.date_from:
        requests = requests.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        requests = requests.filter(starts_at__date__lte=filters.date_to)
    return requests.prefetch_related("speakers")


def register_counts(*, membership: Membership, date_from: date | None, date_to: date | None) -> dict[str, int]:
    """Decided requests by outcome for decisions made in the period (inclusive)."""
    decided = event_requests_visible_to(membership).filter(decision__isnull=False)
    if date_from:
        decided = decided.filter(decision__decided_at__date__gte=date_from)
    if date_to:
        decided = decided.filter(decision__decided_at__date__lte=date_to)
    rows = decided.values("decision__outcome").annotate(n=Count("pk")).order_by()
    return {row["decision__outcome"]: row["n"] for row in rows}
