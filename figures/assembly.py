"""A member's aggregate figures for one period, from its own schema: counts only.

`own_figures(period, today)` returns plain JSON (what is sealed and sent to a network):

    {"format": "network-figures/v1", "period": "2025-26-autumn",
     "speaker_requests": {"approved": 4, "approved_with_mitigations": 2, "rejected": 0,
                          "withdrawn": 1, "speaker_not_invited": 0},
     "welfare_escalations": {"prevent_lead_involved": 3, "external_advice_sought": 1,
                             "formal_referral_made": 0},
     "training": {"complete": 140, "overdue": 12} | None}

* Speaker and event requests: decisions recorded in the period, by outcome — as the partner
  report and the OfS annual return count them (`partners.assembly`), including withdrawals and
  decisions not to invite, which the regulator's own data misses.
* Welfare escalations: cases that reached each Prevent stage in the period, by the stage's own
  date (`partners.welfare_figures`).
* Training coverage at the period's end (or today, for a period not yet over), from
  `training.selectors.coverage`: the required (person, course) pairs, split into complete and
  overdue (never completed, or the refresher expired; `overdue = required − complete`). `None`
  when the organisation has recorded no training at all (a gap, not a zero).

No names, no free text: the ICO's guidance on anonymisation treats counts as the minimum that
meets the purpose (UK GDPR Art. 5(1)(c)).
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from typing import Any

from django.db import connection

from core.dates import day_ends, day_starts
from partners.periods import Period
from partners.welfare_figures import welfare_figures
from speakers.choices import Outcome as SpeakerOutcome
from speakers.models import Decision

FORMAT = "network-figures/v1"
SPEAKER_OUTCOMES: tuple[str, ...] = tuple(SpeakerOutcome.values)
TRAINING_COLUMNS: tuple[str, ...] = ("complete", "overdue")


def speaker_requests(period: Period) -> dict[str, int]:
    """Decisions on speaker and event requests recorded in `period`, by outcome (every outcome, zeros kept)."""
    decided = Counter(
        Decision.objects.filter(
            decided_at__gte=day_starts(period.start), decided_at__lt=day_ends(period.end)
        ).values_list("outcome", flat=True)
    )
    return {outcome: decided.get(outcome, 0) for outcome in SPEAKER_OUTCOMES}


def training_coverage(period: Period, today: date) -> dict[str, int] | None:
    """Coverage at the period's end (or today): complete / overdue of the required pairs; None = no training data.

    Reads `training.selectors` (the training app's interface) when it is there; without it, or
    with no training recorded at all, the figure is a gap (None), never a zero.
    """
    try:
        selectors: Any = importlib.import_module("training.selectors")
        has_records, coverage = selectors.has_records, selectors.coverage
    except (ImportError, AttributeError):
        return None
    if not has_records():
        return None
    found = coverage(on=min(period.end, today))
    return {"complete": int(found.complete), "overdue": int(found.overdue)}


def own_figures(period: Period, today: date) -> dict[str, Any]:
    """Everything this organisation contributes for `period` (see the module docstring for the shape)."""
    assert connection.schema_name != "public", "figures are assembled inside the organisation's schema"
    return {
        "format": FORMAT,
        "period": period.code,
        "speaker_requests": speaker_requests(period),
        "welfare_escalations": dict(welfare_figures(period, today)["escalations"]),
        "training": training_coverage(period, today),
    }
