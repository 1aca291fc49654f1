"""The periodic random-sample audit (as the University of Birmingham runs it): pick N decided
requests at random over a period and check the procedure was followed for each."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.csv_file import write_csv
from speakers import rights
from speakers.choices import DECISION_OUTCOMES, MitigationProgress, MitigationTiming, Outcome
from speakers.models import EventRequest, ProcedureConfig
from speakers.notice import working_days_notice
from speakers.selectors import procedure_config
from tenants.models import User
from tenants.scopes import Scope, scopes_of

CHECKS = {
    "required_fields": "Required fields present",
    "notice": "Notice period met, or a reason given",
    "escalation": "Escalated where required",
    "authority": "Decision-maker had authority",
    "mitigations": "Imposed mitigations carried out",
}
# An 'after the event' mitigation (such as a post-event report) is due this many working days
# after the event, as the default catalogue's post-event report says.
AFTER_EVENT_WORKING_DAYS = 10


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

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


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

    @property
    def failures_by_label(self) -> list[tuple[str, int]]:
        """[(check label, failures)] in the order of CHECKS, for people to read."""
        return [(CHECKS[key], n) for key, n in self.failures_by_check.items()]


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


def _escalation(r: EventRequest) -> CheckResult:
    """Higher-risk requests are decided by the senior decision-maker they were escalated to. An
    imported request has no escalation in the hub: the spreadsheet's decider role is the evidence."""
    decision = r.decision
    if not r.is_higher_risk:
        return CheckResult("escalation", True)
    if not decision.as_senior_decision_maker:
        return CheckResult("escalation", False, "higher-risk but not decided by the senior decision-maker")
    if r.imported:
        return CheckResult("escalation", True, "imported: recorded as decided by the senior decision-maker")
    if r.escalated_to_id != decision.decided_by_id:
        return CheckResult("escalation", False, "decided by someone other than the person it was escalated to")
    return CheckResult("escalation", True)


def _mitigations(r: EventRequest, today: date) -> CheckResult:
    """Every imposed mitigation done: 'before' ones once the event has started, 'after' ones once
    AFTER_EVENT_WORKING_DAYS have passed since; one that could not be done fails at once."""
    event_day = timezone.localdate(r.starts_at) if r.starts_at else today
    not_done, overdue = [], []
    for m in r.mitigations.all():
        if not m.imposed or m.progress == MitigationProgress.DONE:
            continue
        if m.progress == MitigationProgress.NOT_DONE:
            not_done.append(m.label)
            continue
        due = event_day <= today if m.timing == MitigationTiming.BEFORE else (
            working_days_notice(event_day, today) > AFTER_EVENT_WORKING_DAYS
        )  # fmt: skip
        if due:
            overdue.append(m.label)
    notes = (["could not be done: " + ", ".join(not_done)] if not_done else []) + (
        ["not recorded as done: " + ", ".join(overdue)] if overdue else []
    )
    return CheckResult("mitigations", not notes, "; ".join(notes))


def _checks(r: EventRequest, config: ProcedureConfig, today: date) -> tuple[CheckResult, ...]:
    decision, missing = r.decision, _missing_fields(r)
    notice_ok = bool(r.notice_met) or bool(r.short_notice_reason.strip())
    held = ", ".join(decision.decider_roles) or "no role"
    needed = {config.senior_decision_maker_role} if decision.as_senior_decision_maker else set(config.reviewing_roles)
    authority_ok = bool(needed & set(decision.decider_roles))
    return (
        CheckResult("required_fields", not missing, "missing: " + ", ".join(missing) if missing else ""),
        CheckResult("notice", notice_ok, "" if notice_ok else "short notice without a recorded reason"),
        _escalation(r),
        CheckResult("authority", authority_ok, "" if authority_ok else f"decider held {held}"),
        _mitigations(r, today),
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
    config, today = procedure_config(), timezone.localdate()
    sampled = (
        EventRequest.objects.filter(pk__in=chosen)
        .select_related("decision", "assessment")
        .prefetch_related("mitigations")
        .order_by("pk")
    )
    rows = tuple(
        SampledRequest(r.pk, r.reference or "", r.decision.outcome, timezone.localdate(r.decision.decided_at),
                       _checks(r, config, today))
        for r in sampled
    )  # fmt: skip
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


def audit_sample_csv(report: AuditSampleReport) -> str:
    """The report as the text of a CSV file (BOM, CRLF, formulas neutralised; see csv_file):
    one row per sampled request, a result and a note for each check, labels not codes."""
    header = ["Reference", "Decided on", "Outcome", "Followed the procedure"]
    for label in CHECKS.values():
        header += [label, f"{label}: note"]
    rows = []
    for row in report.sampled:
        cells = [row.reference, row.decided_on.isoformat(), row.outcome_label, "yes" if row.passed else "no"]
        for check in row.checks:
            cells += ["pass" if check.passed else "FAIL", check.note]
        rows.append(cells)
    return write_csv(header, rows)
