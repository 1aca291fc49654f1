"""Small numbers in a partner report, suppressed before the report leaves the partner.

The same rule as the referral aggregates (`referrals.suppression`, documented there), with the
threshold of the agreement the report is shared under (default 5):

* **Outcomes of cases** are a table (one row, a column per outcome, and its total): suppressed by
  `referrals.suppression.suppress`, primary *and* secondary, so no small figure can be worked out
  from the total and the other cells.
* **Single figures** about people (concerns raised; cases reaching each Prevent stage; cases
  opened, closed and open) are not parts of a published total: each from 1 to `threshold - 1` is
  suppressed on its own.
* Zero is shown as 0 (it names no one). Speaker-request counts, training and case actions are
  about events, sessions and tasks, not people, and are sent as they are.

A suppressed figure becomes `None`; `suppressed` maps its dotted path to "small" ("fewer than
{threshold}") or "withheld" (held back so that a small one cannot be worked out).
"""

from __future__ import annotations

import copy
from typing import Any

from referrals.suppression import Status
from referrals.suppression import suppress as suppress_table

DEFAULT_THRESHOLD = 5
SINGLE_FIGURES = ("concerns", "escalations", "cases")
OUTCOME_TOTAL = "total"


def _outcomes(outcomes: dict[str, int], threshold: int, suppressed: dict[str, str]) -> dict[str, int | None]:
    columns = list(outcomes)
    table = suppress_table({"cases": outcomes}, threshold, rows=["cases"], columns=columns)
    shown: dict[str, int | None] = {}
    figures = [(c, table.cells["cases", c]) for c in columns] + [(OUTCOME_TOTAL, table.total)]
    for key, figure in figures:
        shown[key] = figure.value if figure.status is Status.SHOWN else None
        if figure.status is not Status.SHOWN:
            suppressed[f"outcomes.{key}"] = figure.status.value
    return shown


def suppress(figures: dict[str, Any], threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """A copy of `figures` with small counts about people suppressed (see the module docstring)."""
    out = copy.deepcopy(figures)
    suppressed: dict[str, str] = {}
    for section in SINGLE_FIGURES:
        cells = out.get(section)
        if not isinstance(cells, dict):
            continue
        for key, value in cells.items():
            if isinstance(value, int) and 0 < value < threshold:
                cells[key] = None
                suppressed[f"{section}.{key}"] = Status.SMALL.value
    if isinstance(out.get("outcomes"), dict) and out["outcomes"]:
        out["outcomes"] = _outcomes(out["outcomes"], threshold, suppressed)
    out["suppressed"] = suppressed
    out["threshold"] = threshold
    return out
