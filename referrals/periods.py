"""UK academic terms, the periods aggregates are counted and sent by. Pure.

An academic year runs from 1 September to 31 August, in three terms (dates inclusive, whole days
Europe/London, as every date-only field in the hub: `core.dates`):

* autumn: 1 September – 31 December
* spring: 1 January – 31 March
* summer: 1 April – 31 August

Providers' own term dates differ by a week or two; these fixed boundaries make periods from
different partners comparable and never overlap, so no count can be worked out across them.
A period's code is "<first year>-<yy>-<term>", e.g. "2026-27-autumn".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

TERMS = ("autumn", "spring", "summer")
_CODE = re.compile(r"^(\d{4})-(\d{2})-(autumn|spring|summer)$")


@dataclass(frozen=True, order=True)
class Term:
    year: int  # the academic year's first calendar year (2026 for 2026/27)
    index: int  # 0 autumn, 1 spring, 2 summer

    @property
    def name(self) -> str:
        return TERMS[self.index]

    @property
    def code(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-{self.name}"

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def starts(self) -> date:
        return (date(self.year, 9, 1), date(self.year + 1, 1, 1), date(self.year + 1, 4, 1))[self.index]

    @property
    def ends(self) -> date:
        """The last day of the term (inclusive)."""
        return (date(self.year, 12, 31), date(self.year + 1, 3, 31), date(self.year + 1, 8, 31))[self.index]

    def previous(self) -> Term:
        return Term(self.year, self.index - 1) if self.index else Term(self.year - 1, 2)

    def next(self) -> Term:
        return Term(self.year, self.index + 1) if self.index < 2 else Term(self.year + 1, 0)


def term_of(day: date) -> Term:
    """The term `day` falls in."""
    if day.month >= 9:
        return Term(day.year, 0)
    return Term(day.year - 1, 1 if day.month <= 3 else 2)


def last_ended(today: date) -> Term:
    """The most recent term whose last day is before `today`: the one a termly send reports."""
    return term_of(today).previous()


def term_from_code(code: str) -> Term:
    """`"2026-27-autumn"` → Term; ValueError naming the expected form otherwise."""
    match = _CODE.match(code.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"Unknown period {code!r}; write it like 2026-27-autumn (autumn, spring or summer).")
    return Term(int(match[1]), TERMS.index(match[3]))


def recent_terms(today: date, count: int) -> list[Term]:
    """The `count` terms that ended most recently, oldest first."""
    terms = [last_ended(today)]
    while len(terms) < count:
        terms.append(terms[-1].previous())
    return list(reversed(terms))


def days(term: Term) -> int:
    return (term.ends - term.starts + timedelta(days=1)).days
