"""Reporting periods of the UK academic year: three terms and the year itself.

* Terms: autumn 1 September–31 December, spring 1 January–31 March, summer 1 April–31 August.
* The academic year (an annual report): 1 August–31 July.

A period has a stable code, `<year>-<term>`, where `<year>` is the academic year the term
belongs to ("2025-26" runs from autumn 2025 to summer 2026): "2025-26-autumn",
"2025-26-spring", "2025-26-summer", "2025-26-annual" — the same codes and term boundaries as
`referrals.periods` (which has the terms only; reports also cover a whole year). The code is what
a report's reference in the exchange carries (`report:2025-26-autumn`), so filing the same period
again reaches the same shared record and makes a new version of it.

Dates are whole days, Europe/London (`core.dates`), both ends inclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

TERMLY = "termly"
ANNUAL = "annual"
TERMS = ("autumn", "spring", "summer")
TERM_LABELS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}

_CODE = re.compile(r"^(\d{4})-(\d{2})-(autumn|spring|summer|annual)$")
BAD_CODE = (
    "Give the period as '<academic year>-<term>': '2025-26-autumn', '2025-26-spring', '2025-26-summer' "
    "or '2025-26-annual'."
)


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. `year` is the calendar year the academic year starts in (2025 for 2025-26)."""

    end: date
    start: date
    year: int
    name: str  # autumn, spring, summer or annual

    @property
    def kind(self) -> str:
        return ANNUAL if self.name == ANNUAL else TERMLY

    @property
    def academic_year(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def code(self) -> str:
        return f"{self.academic_year}-{self.name}"

    @property
    def label(self) -> str:
        years = f"{self.year}/{(self.year + 1) % 100:02d}"
        if self.name == ANNUAL:
            return f"Academic year {years}"
        return f"{TERM_LABELS[self.name]} {years}"

    def __str__(self) -> str:
        return self.code

    def covers(self, other: Period) -> bool:
        """Whether this period includes every day of `other` (an annual report covers its terms)."""
        return self.start <= other.start and other.end <= self.end


def term(year: int, name: str) -> Period:
    """The term `name` of the academic year starting in `year`."""
    if name == "autumn":
        return Period(start=date(year, 9, 1), end=date(year, 12, 31), year=year, name=name)
    if name == "spring":
        return Period(start=date(year + 1, 1, 1), end=date(year + 1, 3, 31), year=year, name=name)
    if name == "summer":
        return Period(start=date(year + 1, 4, 1), end=date(year + 1, 8, 31), year=year, name=name)
    if name == ANNUAL:
        return Period(start=date(year, 8, 1), end=date(year + 1, 7, 31), year=year, name=name)
    raise ValueError(BAD_CODE)


def period_from_code(code: str) -> Period:
    """`"2025-26-autumn"` → that term; ValueError naming the expected form for anything else."""
    found = _CODE.match((code or "").strip())
    if found is None:
        raise ValueError(BAD_CODE)
    year, next_two, name = int(found.group(1)), int(found.group(2)), found.group(3)
    if (year + 1) % 100 != next_two:
        raise ValueError(f"The academic year runs over two calendar years, e.g. {year}-{(year + 1) % 100:02d}-{name}.")
    return term(year, name)


def term_containing(day: date) -> Period:
    """The term `day` falls in (every day of the year falls in exactly one term)."""
    if day.month >= 9:
        return term(day.year, "autumn")
    if day.month <= 3:
        return term(day.year - 1, "spring")
    return term(day.year - 1, "summer")


def previous_term(period: Period) -> Period:
    return term_containing(period.start - timedelta(days=1))


def terms_ended_by(day: date, count: int) -> list[Period]:
    """The `count` most recent terms that ended before `day`, newest first."""
    found: list[Period] = []
    current = previous_term(term_containing(day))
    while len(found) < count:
        found.append(current)
        current = previous_term(current)
    return found


def choosable_periods(day: date, terms: int = 6) -> list[Period]:
    """Periods a partner may report on, newest first: the current term, the last `terms` ended terms,
    and the current and the last academic years (a report may be drafted before its period ends)."""
    current = term_containing(day)
    years = {p.year for p in [current, *terms_ended_by(day, terms)]}
    annuals = [term(year, ANNUAL) for year in sorted(years, reverse=True)[:2]]
    return sorted([current, *terms_ended_by(day, terms), *annuals], key=lambda p: (p.end, p.name), reverse=True)
