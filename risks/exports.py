"""The register and the action plan as files: CSV (`core.csv_file.write_csv`) and XLSX (`core.xlsx.write_xlsx`).

Text is never a formula in either (a title such as "=HYPERLINK(...)" stays text). The rows and
the figures are the selectors', so a file holds what the page shows. Each export is audited by
the view (`risks.services.export_audit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.csv_file import write_csv
from core.xlsx import write_xlsx
from risks import selectors
from risks.models import Category, Rating

RISK_HEADER = [
    "id", "title", "category", "likelihood", "impact", "score", "rating", "owner", "status",
    "review_on", "review_due", "existing_controls", "planned_controls", "description", "open_actions",
]  # fmt: skip
ACTION_HEADER = ["id", "action", "risk_id", "risk", "owner", "due_on", "status", "overdue", "completed_on", "notes"]


def risk_rows(on: date) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for risk in selectors.risks_all().prefetch_related("actions").order_by("pk"):
        open_actions = sum(1 for a in risk.actions.all() if a.status != "done")
        rows.append(
            [
                risk.pk,
                risk.title,
                risk.get_category_display(),
                risk.likelihood,
                risk.impact,
                risk.score,
                risk.rating.label,
                risk.owner.full_name,
                risk.get_status_display(),
                risk.review_on.isoformat(),
                "yes" if risk.review_due(on) else "no",
                risk.existing_controls,
                risk.planned_controls,
                risk.description,
                open_actions,
            ]  # fmt: skip
        )
    return rows


def action_rows(on: date) -> list[list[str | int]]:
    return [
        [
            a.pk,
            a.title,
            a.risk_id or "",
            a.risk.title if a.risk else "",
            a.owner.full_name,
            a.due_on.isoformat(),
            a.get_status_display(),
            "yes" if a.is_overdue(on) else "no",
            a.completed_on.isoformat() if a.completed_on else "",
            a.notes,
        ]  # fmt: skip
        for a in selectors.actions_all().order_by("pk")
    ]


def summary_rows(on: date) -> tuple[list[str], list[list[str | int]]]:
    """The register's figures by category and rating (the page's 'Current risks by category' table)."""
    figures = selectors.overview(on)
    header = ["category", *[str(r.label) for r in Rating], "total"]
    rows: list[list[str | int]] = []
    for category in Category:
        counts = [figures.by_category[category.value][r.value] for r in Rating]
        rows.append([str(category.label), *counts, sum(counts)])
    rows.append(["All categories", *[figures.by_rating[r.value] for r in Rating], figures.current])
    rows.append(["Reviews due", figures.reviews_due, "", "", "", ""])
    rows.append(["Actions open", figures.actions_open, "", "", "", ""])
    rows.append(["Actions overdue", figures.actions_overdue, "", "", "", ""])
    return header, rows


def _text(rows: Sequence[Sequence[str | int]]) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in rows]


def risks_csv(on: date) -> tuple[str, int]:
    rows = risk_rows(on)
    return write_csv(RISK_HEADER, _text(rows)), len(rows)


def actions_csv(on: date) -> tuple[str, int]:
    rows = action_rows(on)
    return write_csv(ACTION_HEADER, _text(rows)), len(rows)


def register_xlsx(on: date) -> tuple[bytes, int]:
    """Sheets: Summary (figures), Risks, Actions, Heat map (likelihood rows 5→1, impact columns 1→5)."""
    risks = risk_rows(on)
    actions = action_rows(on)
    summary_header, summary = summary_rows(on)
    grid = selectors.heat_map()
    heat_rows: list[list[str | int]] = [
        [f"Likelihood {row[0].likelihood}", *[c.count for c in row]] for row in grid.rows
    ]
    content = write_xlsx(
        {
            "Summary": (summary_header, summary),
            "Risks": (RISK_HEADER, risks),
            "Actions": (ACTION_HEADER, actions),
            "Heat map": (["", *[f"Impact {i}" for i in range(1, 6)]], heat_rows),
        }
    )
    return content, len(risks) + len(actions)
