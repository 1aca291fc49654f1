"""The return's reporting year: the academic year, 1 August – 31 July (as the OfS annual return uses).

A year is named by its code, "2025-26" (the calendar years it spans). `partners.periods` holds the
academic year as the `annual` period, with the same boundaries; this module parses and bounds codes.
The Prevent duty has applied to higher education providers in England since 18 September 2015, so
the first year a return can cover is 2015-16; the last is the current academic year (a draft may be
assembled before the year ends, with the months still to come flagged).
"""

from __future__ import annotations

import re
from datetime import date

from partners.periods import ANNUAL, Period, term

FIRST_YEAR = 2015
_CODE = re.compile(r"^(\d{4})-(\d{2})$")
BAD_YEAR = "Give the academic year as '<first year>-<last two digits of the next>', e.g. '2025-26'."


def academic_year(year: int) -> Period:
    """The academic year starting on 1 August `year` (a `partners.periods.Period` of kind annual)."""
    return term(year, ANNUAL)


def year_containing(day: date) -> Period:
    return academic_year(day.year if day.month >= 8 else day.year - 1)


def last_complete_year(day: date) -> Period:
    return academic_year(year_containing(day).year - 1)


def year_from_code(code: str, today: date) -> Period:
    """ "2025-26" → that academic year. ValueError (a message naming the fix) when malformed, when the
    two halves do not follow on ("2025-27"), or out of range (before 2015-16 or after the current year)."""
    found = _CODE.match((code or "").strip())
    if found is None:
        raise ValueError(BAD_YEAR)
    first, second = int(found.group(1)), int(found.group(2))
    if (first + 1) % 100 != second:
        raise ValueError(f"The academic year runs over two calendar years: {first}-{(first + 1) % 100:02d}.")
    current = year_containing(today)
    if not FIRST_YEAR <= first <= current.year:
        raise ValueError(
            f"Choose a year from {academic_year(FIRST_YEAR).academic_year} to {current.academic_year} "
            "(the Prevent duty applies from 2015-16; a year that has not started has nothing to count)."
        )
    return academic_year(first)


def choosable_years(today: date, count: int = 6) -> list[Period]:
    """The current academic year and the `count - 1` before it, newest first."""
    current = year_containing(today).year
    return [academic_year(y) for y in range(current, max(FIRST_YEAR, current - count + 1) - 1, -1)]
