"""The coverage page's figures as export tables (CSV via core.csv_file, XLSX via core.xlsx).

Both formats hold exactly the figures the page shows, from one `Coverage` and one overdue list:
a coverage table (overall, then by department, by role and by course) and the list of who is
overdue with what. Text is never a formula (write_csv neutralises; write_xlsx writes strings).
"""

from __future__ import annotations

from training.rules import STATUS_LABELS
from training.selectors import Coverage, CoverageRow, Item

COVERAGE_HEADER = ["Breakdown", "Group", "People", "Required", "Up to date", "Overdue", "Coverage %"]
OVERDUE_HEADER = ["Staff number", "Name", "Department", "Role", "Course", "Status", "Last completed", "Expired on"]

Cell = str | int | float | None


def coverage_rows(found: Coverage) -> list[list[Cell]]:
    """One row for the whole organisation, then one per department, role and course."""
    overall = CoverageRow("All staff", found.people, found.required, found.complete, found.overdue, found.percent)
    groups = [("Overall", [overall]), ("Department", found.by_department), ("Role", found.by_role),
              ("Course", found.by_course)]  # fmt: skip
    return [
        [kind, r.label, r.people, r.required, r.complete, r.overdue, r.percent] for kind, rows in groups for r in rows
    ]


def overdue_rows(items: list[Item]) -> list[list[Cell]]:
    return [
        [
            i.person.staff_id,
            i.person.name,
            i.person.department,
            i.person.role,
            i.course.title,
            STATUS_LABELS[i.status],
            i.last_completed.isoformat() if i.last_completed else "",
            i.expires_on.isoformat() if i.expires_on else "",
        ]  # fmt: skip
        for i in items
    ]


def as_text(rows: list[list[Cell]]) -> list[list[str]]:
    """Rows for a CSV file: numbers as the page prints them, no data as an empty cell."""
    return [["" if v is None else str(v) for v in row] for row in rows]
