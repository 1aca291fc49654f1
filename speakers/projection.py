"""The minimal shareable form of a decided request, for the exchange (issue 5).

Per speaker, the summary level carries: the speaker's name as entered, the event's date
and type (in person / online / hybrid; open to the public or not), the outcome, the
mitigations' labels, the decision date and when the check expires. The full level adds
the rationale and an evidence summary (factors with their sources and dates). Nothing
about the organiser, the organising body, the venue, the title or the audience leaves:
those can identify students and staff. The deciding organisation is the sealer, so it is
implicit. Expiry is the decision date plus the procedure's validity (12 months unless the
organisation changed it): a shared check states its date and context and then lapses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from speakers.choices import DECISION_OUTCOMES
from speakers.models import EventRequest
from speakers.selectors import procedure_config


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # the 31st of a shorter month becomes its last day
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class EvidenceItem:
    factor: str
    source: str
    source_date: str | None


@dataclass(frozen=True)
class DecisionProjection:
    request_id: int
    speaker_names: tuple[str, ...]
    event_date: str
    event_format: str
    open_to_public: bool
    outcome: str
    mitigations: tuple[str, ...]
    decided_on: str
    expires_on: str
    rationale: str
    risk_level: str
    evidence: tuple[EvidenceItem, ...]

    def as_summary(self) -> dict[str, Any]:
        values = asdict(self)
        for full_only in ("rationale", "risk_level", "evidence"):
            values.pop(full_only)
        return values

    def as_full(self) -> dict[str, Any]:
        return asdict(self)

    def per_speaker(self, *, full: bool = False) -> list[dict[str, Any]]:
        """One record per speaker: the exchange indexes and seals each separately."""
        base = self.as_full() if full else self.as_summary()
        names = base.pop("speaker_names")
        return [{"speaker_name": name, **base} for name in names]


def project_decided_request(event_request: EventRequest) -> DecisionProjection:
    """The caller passes a request decided approved, approved with mitigations or rejected."""
    decision = getattr(event_request, "decision", None)
    if decision is None or decision.outcome not in DECISION_OUTCOMES:
        raise ValueError("Only a request decided approved, approved with mitigations or rejected is shared.")
    assessment = getattr(event_request, "assessment", None)
    decided_on = timezone.localdate(decision.decided_at)
    rationale = decision.reasons
    if decision.rejection_explanation:
        rationale += f"\n\n{decision.get_rejection_category_display()}: {decision.rejection_explanation}"
    return DecisionProjection(
        request_id=event_request.pk,
        speaker_names=tuple(speaker.name for speaker in event_request.speakers.all()),
        event_date=timezone.localdate(event_request.starts_at).isoformat() if event_request.starts_at else "",
        event_format=event_request.format,
        open_to_public=event_request.open_to_public,
        outcome=decision.outcome,
        mitigations=tuple(m.label for m in event_request.mitigations.filter(imposed=True)),
        decided_on=decided_on.isoformat(),
        expires_on=add_months(decided_on, procedure_config().decision_validity_months).isoformat(),
        rationale=rationale,
        risk_level=assessment.risk_level if assessment else "",
        evidence=tuple(
            EvidenceItem(f.factor, f.source, f.source_date.isoformat() if f.source_date else None)
            for f in (assessment.factors.all() if assessment else [])
        ),
    )
