"""The network's totals for a period, suppressed as the referrals' figures are. Pure; no database.

What is published, and to whom:

* **The co-ordinator** (the network's own people with FIGURES_READ) sees, per period and section,
  the network total of each column and the section's total — a one-row table suppressed by
  `referrals.suppression.suppress` (true zeros shown; 0 < n < threshold shown as "fewer than N";
  exact secondary suppression so that no small figure can be worked out from the row total).
  It also sees *who* contributed (names, never a member's own figures).
* **Each member** is sent the network's figures beside its own. Since a member knows its own
  figures exactly, "network − yours" is what it learns about the rest of the network, so the
  table suppressed is the *rest of the network* (everyone else's sum): a network figure is sent
  only where the rest's figure is shown; elsewhere it is withheld.
* **At least three members** (`MIN_CONTRIBUTORS`) must have contributed to a section for a
  period before anything of it is published to anyone; a member is sent a section only when at
  least two *other* members contributed to it. So a published total never is one member's
  figure, and "network − yours" always mixes two or more other members (the threshold rule of
  statistical disclosure control, as the ONS and GSS apply it to business counts).

The threshold is the highest `small_number_threshold` of the agreements the figures travelled
under (the contributions' and the one the totals are sent under).

What this does NOT guarantee (figures/README.md): several members pooling what they were sent;
and a period whose totals change after they were sent (a late contribution or a correction):
the difference between two versions of one period is the change, which may be one member's
figures. `tests/figures/test_suppression.py` holds the known gap as a strict xfail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from referrals.suppression import Figure, Status, SuppressedTable, suppress

MIN_CONTRIBUTORS = 3
TOTALS_FORMAT = "network-totals/v1"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    labels: Mapping[str, str]


def _sections() -> list[Section]:
    from speakers.choices import Outcome
    from welfare.choices import PreventStage

    return [
        Section(
            "speaker_requests",
            "Speaker and event requests by outcome",
            tuple(Outcome.values),
            {o.value: o.label for o in Outcome},
        ),
        Section(
            "welfare_escalations",
            "Welfare cases escalated, by Prevent stage",
            tuple(PreventStage.values),
            {s.value: s.label for s in PreventStage},
        ),
        Section(
            "training",
            "Training coverage (required courses, person by person)",
            ("complete", "overdue"),
            {"complete": "Complete", "overdue": "Overdue or never completed"},
        ),
    ]


SECTIONS: list[Section] = _sections()
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


@dataclass(frozen=True)
class Contributed:
    """One member's figures for one period (what the network ingested)."""

    member_id: int
    figures: Mapping[str, Any]


def _counts(figures: Mapping[str, Any], section: Section) -> dict[str, int] | None:
    raw = figures.get(section.key)
    if not isinstance(raw, Mapping):
        return None
    return {c: max(int(raw.get(c, 0) or 0), 0) for c in section.columns}


def _sum(rows: Sequence[dict[str, int]], section: Section) -> dict[str, int]:
    return {c: sum(r[c] for r in rows) for c in section.columns}


@dataclass
class SectionTotals:
    section: Section
    table: SuppressedTable | None  # None: withheld as a whole (`reason`)
    contributors: int
    reason: str = ""

    def label(self, figure: Figure) -> str | int:
        assert self.table is not None
        return figure.value if figure.shown and figure.value is not None else figure.label(self.table.threshold)

    def cells(self) -> list[str | int | None]:
        """Each column's figure as the co-ordinator sees it: a count, "fewer than N", "withheld"; None = no data."""
        if self.table is None:
            return [None for _ in self.section.columns]
        return [self.label(self.table.cells["network", c]) for c in self.section.columns]

    def total(self) -> str | int | None:
        return None if self.table is None else self.label(self.table.row_totals["network"])


@dataclass
class PeriodTotals:
    threshold: int
    contributors: int
    sections: dict[str, SectionTotals] = field(default_factory=dict)


def _not_enough(count: int) -> str:
    return (
        f"withheld: {count} member(s) contributed; the network's figures are published once at least "
        f"{MIN_CONTRIBUTORS} have"
        if count
        else "no data: no member has contributed figures for this period"
    )


def _hide_what_the_rest_would_reveal(table: SuppressedTable, rest: SuppressedTable) -> SuppressedTable:
    """`table` (the network row) with every figure withheld whose rest-of-network figure is not shown."""
    hidden = Figure(Status.WITHHELD)
    cells = {
        (row, c): hidden if figure.shown and not rest.cells["rest", c].shown else figure
        for (row, c), figure in table.cells.items()
    }
    row_total = table.row_totals["network"]
    if row_total.shown and not rest.row_totals["rest"].shown:
        row_total = hidden
    column_totals = {c: cells["network", c] for c in table.columns}
    return replace(table, cells=cells, row_totals={"network": row_total}, column_totals=column_totals, total=row_total)


def network_totals(
    contributions: Sequence[Contributed], threshold: int, viewer_ids: frozenset[int] = frozenset()
) -> PeriodTotals:
    """The co-ordinator's totals for one period: each section a suppressed one-row table, or withheld.

    `viewer_ids`: the organisations the reader belongs to besides the network (a member's person on
    the network's site knows that member's own figures exactly). Where any of them contributed,
    "network − ours" must reveal no more than `member_record` would send: the section is withheld
    unless at least two *other* members contributed, and a figure is shown only where the rest of
    the network's figure passes suppression too.
    """
    result = PeriodTotals(threshold=threshold, contributors=len(contributions))
    for section in SECTIONS:
        counted = [(x.member_id, _counts(x.figures, section)) for x in contributions]
        rows = [c for _, c in counted if c is not None]
        if len(rows) < MIN_CONTRIBUTORS:
            result.sections[section.key] = SectionTotals(section, None, len(rows), _not_enough(len(rows)))
            continue
        table = suppress({"network": _sum(rows, section)}, threshold, rows=["network"], columns=section.columns)
        rest_rows = [c for member, c in counted if c is not None and member not in viewer_ids]
        if len(rest_rows) < len(rows):  # the reader knows some of these figures
            if len(rest_rows) < MIN_CONTRIBUTORS - 1:
                reason = (
                    f"withheld: you belong to a member that contributed, and fewer than {MIN_CONTRIBUTORS - 1} "
                    "other members have"
                )
                result.sections[section.key] = SectionTotals(section, None, len(rows), reason)
                continue
            rest = suppress({"rest": _sum(rest_rows, section)}, threshold, rows=["rest"], columns=section.columns)
            table = _hide_what_the_rest_would_reveal(table, rest)
        result.sections[section.key] = SectionTotals(section, table, len(rows))
    return result


def member_record(
    contributions: Sequence[Contributed], member_id: int, threshold: int, period_code: str
) -> dict[str, Any] | None:
    """What the network sends one member for a period: its own figures and the network's; None if nothing may go.

    `{"format", "period", "threshold", "sections": {key: {"columns", "yours", "yours_total",
    "network", "network_total"} | {"withheld": reason}}}` — a network figure is an int, or None
    where it is withheld (the rest of the network's figure was small or had to be protected).
    """
    own_rows = [c for c in contributions if c.member_id == member_id]
    others = [c for c in contributions if c.member_id != member_id]
    if len(contributions) < MIN_CONTRIBUTORS:
        return None
    sections: dict[str, Any] = {}
    for section in SECTIONS:
        rest_rows = [c for c in (_counts(x.figures, section) for x in others) if c is not None]
        own = _counts(own_rows[0].figures, section) if own_rows else None
        if len(rest_rows) < MIN_CONTRIBUTORS - 1:
            sections[section.key] = {"withheld": _not_enough(len(rest_rows) + (own is not None))}
            continue
        rest = _sum(rest_rows, section)
        table = suppress({"rest": rest}, threshold, rows=["rest"], columns=section.columns)
        mine = own or dict.fromkeys(section.columns, 0)
        network = [
            mine[c] + rest[c] if table.cells["rest", c].status is Status.SHOWN else None for c in section.columns
        ]
        shown_total = table.row_totals["rest"].status is Status.SHOWN
        sections[section.key] = {
            "columns": list(section.columns),
            "yours": [mine[c] for c in section.columns] if own is not None else None,
            "yours_total": sum(mine.values()) if own is not None else None,
            "network": network,
            "network_total": sum(mine.values()) + sum(rest.values()) if shown_total else None,
        }
    return {"format": TOTALS_FORMAT, "period": period_code, "threshold": threshold, "sections": sections}
