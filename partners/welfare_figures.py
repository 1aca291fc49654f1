"""Counts from welfare's concerns and cases for one period (the current organisation's schema)."""

from __future__ import annotations

from datetime import date
from typing import Any

from partners.periods import Period


def welfare_figures(period: Period, today: date) -> dict[str, Any]:
    return {
        "concerns": {"raised": 0},
        "escalations": {},
        "outcomes": {},
        "cases": {"opened": 0, "closed": 0, "open_at_end": 0},
        "open_actions": {"open": 0, "overdue": 0},
    }
