"""Counts from welfare's concerns and cases for one period (the current organisation's schema).

* `concerns.raised`: concerns raised in the period (whatever their triage).
* `escalations`: cases that reached each Prevent stage in the period (by the stage's own date).
* `outcomes`: cases whose outcome was recorded in the period, by outcome.
* `cases`: opened and closed in the period, and open at its end.
* `open_actions`: case actions still open at the end of the period (or today, for a period not yet
  over), and how many of those were past their due date then.

Counts only: no names, no text. Small counts are suppressed when the report is sealed
(`partners.suppression`), not here: the partner's own draft shows them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from core.dates import day_ends, day_starts
from partners.periods import Period
from welfare.choices import STAGE_FIELDS, Outcome
from welfare.models import Case, CaseAction, Concern


def welfare_figures(period: Period, today: date) -> dict[str, Any]:
    start, end = period.start, period.end
    as_of = min(end, today)
    cases = Case.objects.all()
    escalations = {
        stage: cases.filter(**{f"{field}__gte": start, f"{field}__lte": end}).count()
        for stage, field in STAGE_FIELDS.items()
    }
    outcomes = {
        outcome: cases.filter(outcome=outcome, outcome_recorded_on__gte=start, outcome_recorded_on__lte=end).count()
        for outcome in Outcome.values
    }
    open_at_end = cases.filter(opened_on__lte=as_of).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
    actions = CaseAction.objects.filter(created_at__lt=day_ends(as_of)).filter(
        Q(done=False) | Q(done_on__isnull=True) | Q(done_on__gt=as_of)
    )
    return {
        "concerns": {
            "raised": Concern.objects.filter(raised_at__gte=day_starts(start), raised_at__lt=day_ends(end)).count()
        },
        "escalations": escalations,
        "outcomes": outcomes,
        "cases": {
            "opened": cases.filter(opened_on__gte=start, opened_on__lte=end).count(),
            "closed": cases.filter(closed_on__gte=start, closed_on__lte=end).count(),
            "open_at_end": open_at_end.count(),
        },
        "open_actions": {"open": actions.count(), "overdue": actions.filter(due_on__lt=as_of).count()},
    }
