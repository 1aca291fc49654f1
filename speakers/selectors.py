"""Reads: the procedure, which requests a person may see, one request, the register and its counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.http import Http404

from speakers import rights
from speakers.choices import MitigationTiming, RiskLevel, Status
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


OPEN_STATUSES = (Status.SUBMITTED, Status.ASSESSED, Status.ESCALATED)
# The register's orders: key -> label. Urgency is the default (see `_urgency_order`).
REGISTER_SORTS = {
    "urgency": "Most urgent first",
    "date": "Event date, soonest first",
    "-date": "Event date, latest first",
    "reference": "Reference, A to Z",
    "-reference": "Reference, Z to A",
    "title": "Event title, A to Z",
    "-title": "Event title, Z to A",
    "risk": "Highest risk first",
    "-risk": "Lowest risk first",
}
_RISK_RANK = Case(
    When(assessment__is_higher_risk=True, then=Value(4)),
    When(assessment__risk_level=RiskLevel.HIGH, then=Value(3)),
    When(assessment__risk_level=RiskLevel.MEDIUM, then=Value(2)),
    When(assessment__risk_level=RiskLevel.LOW, then=Value(1)),
    default=Value(0),
)


def _urgency_order(requests: QuerySet[EventRequest]) -> QuerySet[EventRequest]:
    """Requests awaiting review or a decision first, by event day, soonest first (an event already
    past comes top); on one day those flagged higher-risk or short-notice first, then by start
    time. Then drafts, soonest first. Then decided and withdrawn ones, latest event first."""
    waiting = Q(status__in=OPEN_STATUSES)
    upcoming = waiting | Q(status=Status.DRAFT)
    return requests.annotate(
        urgency_group=Case(When(waiting, then=Value(0)), When(status=Status.DRAFT, then=Value(1)), default=Value(2)),
        open_day=Case(When(upcoming, then=TruncDate("starts_at"))),
        flagged=Case(
            When(waiting & (Q(assessment__is_higher_risk=True) | Q(notice_met=False)), then=Value(0)), default=Value(1)
        ),
        open_time=Case(When(upcoming, then=F("starts_at"))),
        closed_time=Case(When(~upcoming, then=F("starts_at"))),
    ).order_by(
        "urgency_group", F("open_day").asc(nulls_last=True), "flagged", F("open_time").asc(nulls_last=True),
        F("closed_time").desc(nulls_last=True), "-pk",
    )  # fmt: skip


def register_order(requests: QuerySet[EventRequest], sort: str) -> QuerySet[EventRequest]:
    """`requests` in one of REGISTER_SORTS (ValueError for another key); ties by newest first."""
    if sort not in REGISTER_SORTS:
        raise ValueError(f"Sort by one of: {', '.join(REGISTER_SORTS)}.")
    if sort == "urgency":
        return _urgency_order(requests)
    if sort.lstrip("-") == "risk":
        ranked = requests.annotate(risk_rank=_RISK_RANK)
        return ranked.order_by("-risk_rank" if sort == "risk" else "risk_rank", "starts_at", "-pk")
    field = {"date": "starts_at", "reference": "reference", "title": "title"}[sort.lstrip("-")]
    descending = sort.startswith("-")
    return requests.order_by(F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True), "-pk")


def register_requests(
    *, membership: Membership, filters: RegisterFilter, sort: str = "urgency"
) -> QuerySet[EventRequest]:
    """The register: search by title, speaker or organiser; filter by status, event date and risk;
    ordered by `sort` (a key of REGISTER_SORTS; urgency by default)."""
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
    return register_order(requests, sort).prefetch_related("speakers")


def register_counts(*, membership: Membership, date_from: date | None, date_to: date | None) -> dict[str, int]:
    """Decided requests by outcome for decisions made in the period (inclusive)."""
    decided = event_requests_visible_to(membership).filter(decision__isnull=False)
    if date_from:
        decided = decided.filter(decision__decided_at__date__gte=date_from)
    if date_to:
        decided = decided.filter(decision__decided_at__date__lte=date_to)
    rows = decided.values("decision__outcome").annotate(n=Count("pk")).order_by()
    return {row["decision__outcome"]: row["n"] for row in rows}


def request_titles(request_ids: set[int]) -> dict[int, str]:
    """``{request id: event title}`` for this organisation's own requests (the current schema).

    Registered with the exchange (`sharing.selectors.register_title_provider`) so "Checks we
    shared" can name the event on the source's own pages; the title never leaves the source.
    """
    return dict(EventRequest.objects.filter(pk__in=request_ids).values_list("pk", "title"))
