"""What a partner report says, assembled from the organisation's own records (its schema).

`figures_for(period)` returns plain JSON: counts only, no names and no free text from cases.
Sections:

* `concerns`, `escalations`, `outcomes`, `cases`, `open_actions` — from welfare (see `_welfare`);
* `speaker_requests` — decisions on speaker and event requests made in the period, by outcome,
  and requests submitted in the period;
* `training` — training this organisation recorded as delivered in the period.

Figures are read-only in a report: a partner corrects a figure by correcting the record it
comes from and assembling again (a draft is re-assembled in place). What the partner writes
(training narrative, policy changes, open actions, comments) is editable until sign-off.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db import connection

from core.dates import day_ends, day_starts
from partners.models import TrainingRecord
from partners.periods import Period
from partners.welfare_figures import welfare_figures
from speakers.choices import Outcome as SpeakerOutcome
from speakers.models import Decision, EventRequest

FORMAT = "partner-report-figures/v1"


def _speaker_requests(period: Period) -> dict[str, Any]:
    start, end = day_starts(period.start), day_ends(period.end)
    decided = Counter(
        Decision.objects.filter(decided_at__gte=start, decided_at__lt=end).values_list("outcome", flat=True)
    )
    submitted = EventRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count()
    return {
        "submitted": submitted,
        "decided": sum(decided.values()),
        "by_outcome": {outcome: decided.get(outcome, 0) for outcome in SpeakerOutcome.values},
    }


def _training(period: Period) -> dict[str, Any]:
    sessions = TrainingRecord.objects.filter(
        partner_id__isnull=True, delivered_on__gte=period.start, delivered_on__lte=period.end
    ).order_by("delivered_on", "pk")
    items = [
        {"date": s.delivered_on.isoformat(), "topic": s.topic, "audience": s.audience, "attendees": s.attendees}
        for s in sessions
    ]
    return {"sessions": len(items), "attendees": sum(i["attendees"] for i in items), "items": items}


def figures_for(period: Period, today: date) -> dict[str, Any]:
    """Everything the hub counts for `period`, from the current organisation's schema."""
    assert connection.schema_name != "public", "a report is assembled inside the organisation's schema"
    return {
        "format": FORMAT,
        "period": {
            "code": period.code,
            "kind": period.kind,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        **welfare_figures(period, today),
        "speaker_requests": _speaker_requests(period),
        "training": _training(period),
    }
