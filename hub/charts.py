"""Charts drawn on the server (pygal, SVG) with their numbers beside them as a table.

Every chart is a `Chart`: the SVG a person looks at and the same figures as an accessible table
(`hub/_chart.html` renders both; the SVG is `aria-hidden`, the table is what a screen reader
reads). No script runs in the page and nothing is fetched from a CDN.

A value in a series is one of:

* an `int` (or float): plotted, and printed in the table;
* a `str` (e.g. "fewer than 5" for a suppressed cell): not plotted, printed as is;
* `None`: no data (a gap, not a zero): not plotted, printed as "no data".

    chart = bar_chart(
        "Speaker requests by outcome",
        categories=["Autumn 2025", "Spring 2026"],
        series={"Approved": [12, 9], "Rejected": [1, "fewer than 5"]},
    )
    {% include "hub/_chart.html" with chart=chart %}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

Value = int | float | str | None

NO_DATA = "no data"

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    title_font_size=18,
    value_font_size=12,
)


@dataclass(frozen=True)
class Chart:
    """A chart and its table. `columns[0]` heads the category column; each row starts with its category."""

    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _cell(value: Value) -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _plotted(value: Value) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check(categories: Sequence[str], series: Mapping[str, Sequence[Value]]) -> None:
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)} categories")


def _render(chart: pygal.graph.graph.Graph, title: str) -> SafeString:
    svg = chart.render(is_unicode=True)
    # pygal writes its configuration as an inline <script> even with `js=[]`; nothing reads it
    # (we serve no pygal script), and a page with no script of its own stays that way under a CSP.
    svg = _SCRIPT.sub("", svg)
    # pygal numbers its series' ids from 0 in every chart ("activate-serie-0"): two charts on one page
    # would repeat an id. Its script (which we do not serve) is their only reader; prefix the chart's uuid.
    svg = svg.replace('id="activate-serie-', f'id="chart-{chart.uuid}-serie-')
    # The table beside the chart carries the figures for assistive technology; the picture is decoration.
    svg = svg.replace("<svg ", f'<svg aria-hidden="true" focusable="false" data-title="{_attr(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes every label and value it writes)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _table(
    category_label: str, categories: Sequence[str], series: Mapping[str, Sequence[Value]]
) -> tuple[list[str], list[list[str]]]:
    columns = [category_label, *series]
    rows = [[str(c), *(_cell(values[i]) for values in series.values())] for i, c in enumerate(categories)]
    return columns, rows


def _chart(
    kind: type[pygal.graph.graph.Graph],
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Value]],
    *,
    category_label: str,
    y_title: str,
    note: str,
    **options: object,
) -> Chart:
    _check(categories, series)
    chart = kind(
        style=_STYLE,
        disable_xml_declaration=True,
        js=[],
        title=None,  # the page's heading names the chart; drawn twice it is read twice
        y_title=y_title or None,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        print_values=False,
        height=360,
        width=720,
        explicit_size=False,
        min_scale=1,
        max_scale=8,
        **options,
    )
    chart.x_labels = [str(c) for c in categories]
    for name, values in series.items():
        chart.add(name, [_plotted(v) for v in values])
    columns, rows = _table(category_label, categories, series)
    return Chart(title=title, svg=_render(chart, title), columns=columns, rows=rows, note=note)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Value]],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    category_label: str = "",
    y_title: str = "",
    note: str = "",
) -> Chart:
    """Bars: one group per category, one bar per series (stacked when `stacked`).

    `series` maps a series name to one value per category (see the module docstring for values).
    Raises ValueError when a series' length differs from the categories'.
    """
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    return _chart(kind, title, categories, series, category_label=category_label or "", y_title=y_title, note=note)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Value]],
    *,
    category_label: str = "",
    y_title: str = "",
    note: str = "",
) -> Chart:
    """A line per series across `categories` (periods, in order); gaps (None, str) break the line.

    Raises ValueError when a series' length differs from the categories'.
    """
    return _chart(
        pygal.Line,
        title,
        categories,
        series,
        category_label=category_label or "",
        y_title=y_title,
        note=note,
        allow_interruptions=True,
        dots_size=4,
    )
