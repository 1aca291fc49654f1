"""XLSX workbooks for exports (openpyxl): text never becomes a formula.

`write_xlsx(sheets)` takes `{sheet title: (header, rows)}` and returns the bytes of a workbook.
Every cell is written as a string or a number, never as a formula: text is stored as a string
cell whatever it starts with, so a value typed by a user ("=HYPERLINK(...)") is shown as that
text and never evaluated (CWE-1236), and reads back exactly as the page shows it. Numbers (int,
float) are written as numbers so a spreadsheet can sum them; None is an empty cell.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

Cell = str | int | float | None

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on a sheet title, and the characters it refuses in one.
_TITLE_MAX = 31
_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _title(name: str) -> str:
    return (name.translate(_TITLE_FORBIDDEN).strip() or "Sheet")[:_TITLE_MAX]


def write_xlsx(sheets: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Cell]]]]) -> bytes:
    """The bytes of a workbook with one sheet per entry, header row first, in the given order.

    Raises ValueError when there are no sheets or two titles collide after Excel's rules.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = Workbook()
    book.remove(book.active)
    seen: set[str] = set()
    for name, (header, rows) in sheets.items():
        title = _title(name)
        if title.lower() in seen:
            raise ValueError(f"two sheets would both be called {title!r}")
        seen.add(title.lower())
        sheet = book.create_sheet(title)
        for row in [list(header), *rows]:
            sheet.append([_value(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # never a formula, whatever the text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(value: Cell) -> str | int | float | None:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return str(value)
