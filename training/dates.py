"""Reading the completion dates that UK learning systems and Excel export.

Accepted (day first, as UK systems write them): ``15/03/2026``, ``15-03-2026``, ``15.03.2026``,
``15/3/26`` (two-digit years are 20yy), ``2026-03-15`` (ISO), any of these followed by a time
(``15/03/2026 14:05``, ``2026-03-15T14:05:00Z``), ``15 Mar 2026`` / ``15 March 2026``, and Excel
date serials (``46096`` = 15/03/2026: days since 30/12/1899, the 1900 date system; a fraction
is the time of day and is dropped).

A value that is not one of these raises `DateProblem` with a message that says why and what to
write instead, e.g. "03/25/2026: 25 is not a month; dates are read day first (dd/mm/yyyy)".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.csv_file import token

EXCEL_EPOCH = date(1899, 12, 30)
# Serials between these are read as dates (1/1/1990 .. 31/12/2099); other numbers are refused.
SERIAL_MIN, SERIAL_MAX = 32874, 73415

_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]  # fmt: skip
MONTHS = {**{n: i + 1 for i, n in enumerate(_NAMES)}, **{n[:3]: i + 1 for i, n in enumerate(_NAMES)}, "sept": 9}

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"(\d{1,2})[\s\-]+([a-z]{3,9})\.?[\s\-]+(\d{4})")
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_TIME = re.compile(r"(?:[t\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?(?:z|[+\-]\d{2}:?\d{2})?)?")

EXPECTED = "write it as dd/mm/yyyy (e.g. 15/03/2026) or yyyy-mm-dd"


class DateProblem(ValueError):
    pass


def _make(year: int, month: int, day: int, raw: str) -> date:
    if not 1 <= month <= 12:
        raise DateProblem(f"{raw}: {month} is not a month; dates are read day first (dd/mm/yyyy).")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"{raw}: there is no day {day} in that month; {EXPECTED}.") from None


def parse_date(cell: str) -> date:
    """The date in `cell` (see the module docstring); DateProblem if it is empty or not a date."""
    raw = token(cell).replace("\u00a0", " ")
    if not raw:
        raise DateProblem(f"The date is empty; {EXPECTED}.")
    if _SERIAL.fullmatch(raw):
        serial = int(float(raw))
        if not SERIAL_MIN <= serial <= SERIAL_MAX:
            raise DateProblem(f"{raw} is a number but not an Excel date from 1990 to 2099; {EXPECTED}.")
        return EXCEL_EPOCH + timedelta(days=serial)
    for pattern, order in ((_YMD, "ymd"), (_DMY, "dmy"), (_WORDS, "words")):
        found = re.fullmatch(pattern.pattern + _TIME.pattern, raw)
        if not found:
            continue
        a, b, c = found.group(1), found.group(2), found.group(3)
        if order == "ymd":
            return _make(int(a), int(b), int(c), raw)
        if order == "dmy":
            year = int(c) + 2000 if len(c) == 2 else int(c)
            return _make(year, int(b), int(a), raw)
        month = MONTHS.get(b)
        if month is None:
            raise DateProblem(f"{raw}: '{b}' is not a month name; {EXPECTED}.")
        return _make(int(c), month, int(a), raw)
    raise DateProblem(f"'{cell.strip()[:40]}' is not a date; {EXPECTED}.")
