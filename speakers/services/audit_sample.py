"""The periodic random-sample audit (as the University of Birmingham runs it): pick N decided
requests at random over a period and check the procedure was followed for each."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit_record
from speakers import rights
from speakers.choices import DECISION_OUTCOMES, Outcome
from speakers.models import EventRequest, ProcedureConfig
from speakers.selectors import procedure_config
from tenants.models import User
from tenants.scopes import Scope, scopes_of

CHECKS = {
    "required_fields": "Required fields present",
    "notice": "Notice period met, or a reason given",
    "escalation": "Escalated where required",
    "authority": "Decision-maker had authority",
}


@dataclass(frozen=True)
class CheckResult:
    key: str
    passed: bool
    note: str = ""

    @property
    def label(self) -> str:
        return CHECKS[self.key]


@dataclass(frozen=True)
class SampledRequest:
    request_id: int
    reference: str
    outcome: str
    decided_on: date
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


@dataclass(frozen=True)
class AuditSampleReport:
    date_from: date
    date_to: date
    seed: int
    population: int
    sampled: tuple[SampledRequest, ...]
    failures_by_check: dict[str, int] = field(default_factory=dict)

    @property
    def passed_count(self) -> int:
        return sum(1 for row in self.sampled if row.passed)


def _missing_fields(r: EventRequest) -> list[str]:
    decision, assessment = r.decision, getattr(r, "assessment", None)
    wanted = {
        "title": r.title, "event date": r.starts_at, "venue": r.venue, "organising body": r.organising_body,
        "expected audience": r.expected_audience is not None, "speaker": r.speakers.exists(),
        "risk assessment": assessment,
        "free-speech considerations": assessment and assessment.free_speech_considerations,
        "decision reasons": decision.reasons,
    }  # fmt: skip
    if decision.outcome == Outcome.REJECTED:
        wanted |= {"rejection category": decision.rejection_category, "free-speech steps": decision.free_speech_steps}
    return [name for name, value in wanted.items() if not value]


def _checks(r: EventRequest, config: ProcedureConfig) -> tuple[CheckResult, ...]:
    decision, missing = r.decision, _missing_fields(r)
    notice_ok = bool(r.notice_met) or bool(r.short_notice_reason.strip())
    escalated_ok = not r.is_higher_risk or (
        decision.as_senior_decision_maker and r.escalated_to_id == decision.decided_by_id
    )
    held = ", ".join(decision.decider_roles) or "no role"
    needed = {config.senior_decision_maker_role} if decision.as_senior_decision_maker else set(config.reviewing_roles)
    authority_ok = bool(needed & set(decision.decider_roles))
    return (
        CheckResult("required_fields", not missing, "missing: " + ", ".join(missing) if missing else ""),
        CheckResult("notice", notice_ok, "" if notice_ok else "short notice without a recorded reason"),
        CheckResult("escalation", escalated_ok, "" if escalated_ok else "higher-risk but not decided on escalation"),
        CheckResult("authority", authority_ok, "" if authority_ok else f"decider held {held}"),
    )  # fmt: skip


def audit_sample_run(
    *, actor: User, date_from: date, date_to: date, size: int, seed: int | None = None
) -> AuditSampleReport:
    """Sample `size` requests decided in [date_from, date_to]; the seed makes a sample repeatable."""
    if Scope.SPEAKERS_AUDIT not in scopes_of(rights.membership_of(actor)):
        raise PermissionDenied("Only an auditor, the Prevent lead or an organisation admin can run an audit sample.")
    if date_to < date_from or size < 1:
        raise ValidationError({"size": "Choose a sample of at least one over a period that ends after it starts."})
    seed = secrets.randbelow(2**31) if seed is None else seed
    population = sorted(
        EventRequest.objects.filter(
            decision__outcome__in=DECISION_OUTCOMES,
            decision__decided_at__date__gte=date_from,
            decision__decided_at__date__lte=date_to,
        ).values_list("pk", flat=True)
    )
    # Not security-sensitive: a seeded generator, so an auditor can repeat the exact sample.
    chosen = random.Random(seed).sample(population, min(size, len(population)))  # noqa: S311
    config = procedure_config()
    rows = tuple(
        SampledRequest(r.pk, r.reference or "", r.decision.outcome, r.decision.decided_at.date(), _checks(r, config))
        for r in EventRequest.objects.filter(pk__in=chosen).select_related("decision", "assessment").order_by("pk")
    )
    failures = {key: sum(1 for row in rows for c in row.checks if c.key == key and not c.passed) for key in CHECKS}
    with transaction.atomic():
        audit_record(
            action="speakers.audit_sample",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            detail={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "seed": seed,
                "request_ids": sorted(chosen),
            },
        )
    return AuditSampleReport(date_from, date_to, seed, len(population), rows, failures)
