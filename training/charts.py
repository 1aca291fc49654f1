"""Training coverage as charts (hub.charts: server-side SVG with the same figures as a table)."""

from __future__ import annotations

import re
from dataclasses import replace

from django.utils.safestring import mark_safe

from hub.charts import Chart, bar_chart
from training.selectors import CoverageRow

# pygal names each legend entry `id="activate-serie-N"` (for its script, which we never load), so two
# charts on one page repeat ids. Dropped here; hub.charts should do it for every app (reported).
_LEGEND_IDS = re.compile(r'\sid="activate-serie-\d+"')


def coverage_chart(title: str, rows: list[CoverageRow], category: str) -> Chart:
    """Up to date and overdue required courses per group (a department, a role), stacked bars."""
    chart = _coverage_chart(title, rows, category)
    return replace(chart, svg=mark_safe(_LEGEND_IDS.sub("", chart.svg)))  # noqa: S308 (pygal's escaped SVG, less ids)


def _coverage_chart(title: str, rows: list[CoverageRow], category: str) -> Chart:
    return bar_chart(
        title, [r.label for r in rows],
        {"Up to date": [r.complete for r in rows], "Overdue": [r.overdue for r in rows]},
        stacked=True, horizontal=True, category_label=category, y_title="Required courses (person × course)",
    )  # fmt: skip
