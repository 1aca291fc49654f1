"""The file level of the register's CSV: what Excel and office staff produce and open.

Writing (`write_csv`):

* UTF-8 with a byte-order mark, so Excel shows "Łucja Wróblewska" and not mojibake;
* CRLF line ends and every cell in double quotes (a quote inside is doubled), as Excel writes;
* formula neutralising (CWE-1236, as OWASP's CSV-injection guidance recommends): a cell whose
  text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any run of
  apostrophes, gets one more apostrophe in front. Excel then shows the text, not a formula.

Reading (`read_csv`) reverses exactly that: a cell that starts with one or more apostrophes
followed by one of those characters loses ONE apostrophe. So ``'=SUM(A1)`` reads as
``=SUM(A1)``, and a value that really starts with ``'=`` was written as ``''=`` and reads back
as ``'=``. Any other cell is read exactly as written. Reading also accepts:

* a byte-order mark or none; commas, or semicolons (European Excel) or tabs as the separator,
  taken from the header row;
* rows whose cells are all empty or blank (such as ``,,,,``), which are skipped; row numbers
  still count them, so a reported row number is the one the spreadsheet shows;
* rows with fewer cells than the header (the missing ones are empty), and columns without a
  heading as long as they are empty (Excel writes the empty columns of its used range).
  A row with MORE cells than the header has columns is reported with its row number, even
  if the extra cells are empty: it is almost always an unquoted comma that shifted the
  row's values one column to the right.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BOM = "\ufeff"
TRIGGERS = frozenset("=+-@\t\r")
SEPARATORS = (",", ";", "\t")
TOO_MANY_CELLS = (
    "This row has {cells} cells but the header has {columns} columns, so a value probably holds a comma. "
    "Put the value in quotes or remove the comma."
)


@dataclass(frozen=True)
class CsvProblem:
    """A problem with the file's structure; `row` is the spreadsheet's row number (header = 1)."""

    row: int
    column: str
    message: str


def neutralise(value: str) -> str:
    """The cell as written: one apostrophe more if the text after its apostrophes starts a formula."""
    rest = value.lstrip("'")
    return "'" + value if rest and rest[0] in TRIGGERS else value


def restore(cell: str) -> str:
    """The value of a cell as read: the inverse of `neutralise` (removes exactly one apostrophe)."""
    rest = cell.lstrip("'")
    return cell[1:] if cell.startswith("'") and rest and rest[0] in TRIGGERS else cell


def token(cell: str) -> str:
    """A cell holding a code, number or date, as typed: no invisible format characters
    (zero-width space, byte-order mark, soft hyphen), no surrounding spaces, lower case."""
    return "".join(ch for ch in cell if unicodedata.category(ch) != "Cf").strip().lower()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The text of a CSV file as Excel expects it (see the module docstring); encode it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + out.getvalue()


def _separator(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(SEPARATORS, key=first_line.count) if any(s in first_line for s in SEPARATORS) else ","


def read_csv(text: str, max_rows: int | None = None) -> tuple[list[str], list[tuple[int, list[str]]], list[CsvProblem]]:
    """(header cells, [(row number, cell values restored)], problems) of a CSV file's text.

    Blank rows are left out. A row with more cells than the header is a problem, not a crash.
    Header cells are returned as written (see `token`). With `max_rows`, reading stops at the
    first row past that many below the header (blank ones included) with one problem saying so.
    """
    text = text.removeprefix(BOM)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    problems: list[CsvProblem] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                header = cells
            elif max_rows is not None and number - 1 > max_rows:
                message = f"The file has more than {max_rows:,} rows below the header; split it into smaller files."
                problems.append(CsvProblem(number, "(whole file)", message))
                break
            elif any(cell.strip() for cell in cells):
                if len(cells) > len(header):
                    message = TOO_MANY_CELLS.format(cells=len(cells), columns=len(header))
                    problems.append(CsvProblem(number, "(whole row)", message))
                    continue
                rows.append((number, [restore(cell) for cell in cells[: len(header)]]))
    except csv.Error as exc:
        problems.append(CsvProblem(number + 1, "(whole row)", f"The file cannot be read from here on: {exc}."))
    return header, rows, problems
