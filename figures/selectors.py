"""Reads for the network figures pages, API and dashboard (the current organisation's schema).

* `network_trends(network, today)`: the co-ordinator's view — for each recent term, the network's
  suppressed totals (`figures.totals.network_totals`) and who contributed (names only).
* `own_against_network(received)`: a member's own figures beside the network's, from the totals
  the network sent it (opened through the exchange, so a member that left opens nothing).
* `charts_*`: the same figures as `hub.charts` charts, each with its table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from figures.models import Contribution, Submission
from figures.services import period_threshold
from figures.totals import MIN_CONTRIBUTORS, SECTION_BY_KEY, SECTIONS, Contributed, PeriodTotals, network_totals
from hub.charts import Chart, Value, bar_chart, line_chart
from partners.periods import Period, period_from_code, terms_ended_by
from tenants.models import Membership, Organisation, OrganisationKind, User

GROUP_KINDS = {OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP}
TREND_TERMS = 6


def is_network(organisation: Organisation) -> bool:
    return organisation.kind in GROUP_KINDS


def recent_terms(today: date, count: int = TREND_TERMS) -> list[Period]:
    """The last `count` terms that have ended, oldest first."""
    return list(reversed(terms_ended_by(today, count)))


@dataclass
class PeriodRow:
    period: Period
    totals: PeriodTotals
    members: list[str] = field(default_factory=list)


def viewer_organisations(network: Organisation, user: User | None) -> frozenset[int]:
    """The organisations `user` belongs to besides `network`: whose own figures they may know exactly."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user).exclude(organisation=network).values_list("organisation_id", flat=True)
    )


def network_trends(today: date, count: int = TREND_TERMS, viewer_ids: frozenset[int] = frozenset()) -> list[PeriodRow]:
    """The network's totals per recent term, oldest first (read in the network's own schema).

    `viewer_ids` (`viewer_organisations`): the reader's own organisations, so that "network − ours"
    reveals no more than a member is sent (`figures.totals.network_totals`).
    """
    periods = recent_terms(today, count)
    by_period: dict[str, list[Contribution]] = {}
    for c in Contribution.objects.filter(period_code__in=[p.code for p in periods]).order_by("member_name"):
        by_period.setdefault(c.period_code, []).append(c)
    rows = []
    for period in periods:
        found = by_period.get(period.code, [])
        contributed = [Contributed(c.member_id, c.figures) for c in found]
        totals = network_totals(contributed, period_threshold(found), viewer_ids)
        rows.append(PeriodRow(period, totals, [c.member_name for c in found]))
    return rows


def _cell(row: PeriodRow, key: str, index: int | None) -> Value:
    section = row.totals.sections[key]
    if section.table is None:
        return "withheld" if section.contributors else None
    return section.total() if index is None else section.cells()[index]


def trend_charts(rows: list[PeriodRow]) -> list[Chart]:
    """One line chart per section: a line per column over the terms, and the section's total."""
    categories = [r.period.label for r in rows]
    charts = []
    for section in SECTIONS:
        series: dict[str, list[Value]] = {
            section.labels[c]: [_cell(r, section.key, i) for r in rows] for i, c in enumerate(section.columns)
        }
        series["Total"] = [_cell(r, section.key, None) for r in rows]
        threshold = max((r.totals.threshold for r in rows), default=5)
        charts.append(
            line_chart(
                f"Network: {section.title.lower()}",
                categories,
                series,
                category_label="Term",
                y_title="Count",
                note=(
                    f"Totals of {MIN_CONTRIBUTORS} or more members only; figures below {threshold} show as "
                    f"'fewer than {threshold}', others are withheld so that none can be worked out; 0 is a true zero."
                ),
            )
        )
    return charts


@dataclass
class NetworkView:
    network: str
    network_id: int
    period: Period
    threshold: int
    charts: list[Chart]
    withheld: list[str]


def own_against_network(received: list[dict[str, Any]]) -> list[NetworkView]:
    """Each network's totals sent to us, newest term first: per section a bar chart of ours beside the network's."""
    views = []
    for record in received:
        try:
            period = period_from_code(str(record.get("period", "")))
        except ValueError:
            continue
        charts, withheld = [], []
        for key, data in (record.get("sections") or {}).items():
            section = SECTION_BY_KEY.get(key)
            if section is None:
                continue
            if "withheld" in data:
                withheld.append(f"{section.title}: {data['withheld']}")
                continue
            columns = [section.labels.get(c, c) for c in data["columns"]]
            yours = data.get("yours") or [None] * len(columns)
            network = [v if v is not None else "withheld" for v in data["network"]]
            charts.append(
                bar_chart(
                    f"{section.title}: yours and the network's",
                    [*columns, "Total"],
                    {
                        "Yours": [*yours, data.get("yours_total")],
                        str(record.get("network", "Network")): [
                            *network,
                            data["network_total"] if data.get("network_total") is not None else "withheld",
                        ],
                    },
                    category_label=section.title,
                    y_title="Count",
                    note="The network's figure includes yours. 'withheld': the rest of the network's figure was "
                    "small, or had to be withheld so that a small one cannot be worked out.",
                )
            )
        views.append(
            NetworkView(
                network=str(record.get("network", "")),
                network_id=int(record.get("network_id", 0)),
                period=period,
                threshold=int(record.get("threshold", 0)),
                charts=charts,
                withheld=withheld,
            )
        )
    return sorted(views, key=lambda v: (v.period.end, v.network), reverse=True)


def submissions() -> list[Submission]:
    """What we sent, newest term first (every version)."""
    return list(Submission.objects.select_related("sent_by").order_by("-period_code", "network_name", "-version"))


def figures_chart(figures: dict[str, Any], period: Period) -> list[Chart]:
    """Our own figures for a period (the review before sending), one bar chart per section."""
    charts = []
    for section in SECTIONS:
        data = figures.get(section.key)
        values: list[Value] = [None] * len(section.columns)
        if isinstance(data, dict):
            values = [int(data.get(c, 0)) for c in section.columns]
        charts.append(
            bar_chart(
                f"{section.title}, {period.label}",
                [section.labels[c] for c in section.columns],
                {"Ours": values},
                category_label=section.title,
                y_title="Count",
                note="" if isinstance(data, dict) else "No data: nothing of this kind is recorded here yet.",
            )
        )
    return charts
