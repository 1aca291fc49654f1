"""What each level carries about a partner's cases: the minimised projections sealed by the exchange.

Decided under data minimisation (the issue: "its stage and outcome, with no name or identifying
detail"):

* **aggregate** — one term's counts (`term_counts`), suppressed with the agreement's threshold:
  concerns raised in the term by triage outcome, and the cases open at any time in the term by
  the furthest Prevent stage reached and the outcome, both as they stood at the end of the term.
  No ideology category and no split by student/staff: they are not asked for and would only make
  cells smaller.
* **summary** — a pseudonym, the furthest stage, the stages reached and the outcome, open or
  closed, each with its **month** only. Exact days of a small partner's events can single a
  student out to someone who saw them happen; months keep the sequence and timeliness that
  oversight needs. No name, number, date of birth, subject kind, ideology category, concern text
  or referral reference (a Prevent or police reference is an identifier).
* **full** — an identified transfer: the subject's name, kind, number and date of birth if held,
  the stages and outcome with their days, the Prevent referral's date and reference, the ideology
  category, the case summary, the recorded necessity justification and who asked and approved.
  The pseudonym is the summary's, so the recipient can join the two.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db.models import Q

from core.dates import day_ends, day_starts
from referrals.periods import Term
from referrals.suppression import suppress
from welfare.choices import STAGE_FIELDS, Outcome, PreventStage, TriageOutcome
from welfare.models import Case, Concern

SUMMARY_FORMAT = "partnership-hub/referral-summary/v1"
FULL_FORMAT = "partnership-hub/referral-transfer/v1"
AGGREGATE_FORMAT = "partnership-hub/referral-aggregate/v1"

NOT_ESCALATED = "not_escalated"  # a case with no Prevent stage recorded (yet)
NO_OUTCOME = "no_outcome_yet"
NOT_TRIAGED = "not_yet_triaged"

STAGE_COLUMNS = [NOT_ESCALATED, *PreventStage.values]
OUTCOME_ROWS = [*Outcome.values, NO_OUTCOME]
TRIAGE_ROWS = [*TriageOutcome.values, NOT_TRIAGED]
LABELS: dict[str, str] = {
    **dict(PreventStage.choices),
    **dict(Outcome.choices),
    **dict(TriageOutcome.choices),
    NOT_ESCALATED: "Not escalated",
    NO_OUTCOME: "No outcome yet",
    NOT_TRIAGED: "Not yet triaged",
    "concerns": "Concerns raised",
}


def case_ref(case_number: int) -> str:
    return f"case:{case_number}"


def _month(day: date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def stages_reached(case: Case, by: date | None = None) -> list[tuple[str, date]]:
    """The Prevent stages recorded on `case` (on or before `by`), in order, with their dates."""
    found = []
    for stage, field in STAGE_FIELDS.items():
        day = getattr(case, field)
        if day is not None and (by is None or day <= by):
            found.append((str(stage), day))
    return found


def summary_of(case: Case, pseudonym: str) -> dict[str, Any]:
    stages = stages_reached(case)
    return {
        "format": SUMMARY_FORMAT,
        "pseudonym": pseudonym,
        "stage": stages[-1][0] if stages else NOT_ESCALATED,
        "stages": [{"stage": stage, "month": _month(day)} for stage, day in stages],
        "outcome": case.outcome or NO_OUTCOME,
        "outcome_month": _month(case.outcome_recorded_on) if case.outcome else "",
        "status": case.status,
        "opened_month": _month(case.opened_on),
        "closed_month": _month(case.closed_on),
    }


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def full_of(case: Case, pseudonym: str, *, justification: str, requested_by: str, approved_by: str) -> dict[str, Any]:
    stages = stages_reached(case)
    return {
        "format": FULL_FORMAT,
        "pseudonym": pseudonym,
        "subject": {
            "kind": case.subject_kind,
            "given_name": case.subject_given_name,
            "family_name": case.subject_family_name,
            "date_of_birth": case.subject_date_of_birth.isoformat() if case.subject_date_of_birth else "",
            "number": case.subject_number,
        },
        "stage": stages[-1][0] if stages else NOT_ESCALATED,
        "stages": [{"stage": stage, "date": day.isoformat()} for stage, day in stages],
        "outcome": case.outcome or NO_OUTCOME,
        "outcome_recorded_on": case.outcome_recorded_on.isoformat() if case.outcome_recorded_on else "",
        "prevent_referral_on": case.prevent_referral_on.isoformat() if case.prevent_referral_on else "",
        "prevent_referral_reference": case.prevent_referral_reference,
        "ideology_category": case.ideology_category,
        "status": case.status,
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
        "case_summary": case.summary,
        "justification": justification,
        "requested_by": requested_by,
        "approved_by": approved_by,
    }


# --- Aggregates ------------------------------------------------------------------------------------


def _outcome_by(case: Case, end: date) -> str:
    if case.outcome and (case.outcome_recorded_on is None or case.outcome_recorded_on <= end):
        return case.outcome
    return NO_OUTCOME


def case_counts(term: Term) -> dict[str, dict[str, int]]:
    """Cases open at any time in `term`, by outcome (rows) and furthest stage (columns) at its end."""
    cases = Case.objects.filter(opened_on__lte=term.ends).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=term.starts)
    )
    counts = {row: dict.fromkeys(STAGE_COLUMNS, 0) for row in OUTCOME_ROWS}
    for case in cases:
        stages = stages_reached(case, by=term.ends)
        counts[_outcome_by(case, term.ends)][stages[-1][0] if stages else NOT_ESCALATED] += 1
    return counts


def concern_counts(term: Term) -> dict[str, dict[str, int]]:
    """Concerns raised in `term`, by how they were triaged (as now recorded)."""
    raised = Concern.objects.filter(raised_at__gte=day_starts(term.starts), raised_at__lt=day_ends(term.ends))
    counts = {row: {"concerns": 0} for row in TRIAGE_ROWS}
    for outcome in raised.values_list("triage_outcome", flat=True):
        counts[outcome or NOT_TRIAGED]["concerns"] += 1
    return counts


def aggregate_of(term: Term, threshold: int) -> dict[str, Any]:
    """The term's record at aggregate level: both tables already suppressed (no suppressed value kept)."""
    return {
        "format": AGGREGATE_FORMAT,
        "period": term.code,
        "period_label": term.label,
        "starts": term.starts.isoformat(),
        "ends": term.ends.isoformat(),
        "threshold": threshold,
        "tables": {
            "concerns": suppress(concern_counts(term), threshold, rows=TRIAGE_ROWS, columns=["concerns"]).to_record(),
            "cases": suppress(case_counts(term), threshold, rows=OUTCOME_ROWS, columns=STAGE_COLUMNS).to_record(),
        },
    }
