"""Training coverage as charts (hub.charts: server-side SVG with the same figures as a table)."""

from __future__ import annotations

from hub.charts import Chart, bar_chart
from training.selectors import CoverageRow


def coverage_chart(title: str, rows: list[CoverageRow], category: str) -> Chart:
    """Up to date and overdue required courses per group (a department, a role), stacked bars."""
    return bar_chart(
        title, [r.label for r in rows],
        {"Up to date": [r.complete for r in rows], "Overdue": [r.overdue for r in rows]},
        stacked=True, horizontal=True, category_label=category, y_title="Required courses (person × course)",
    )  # fmt: skip
