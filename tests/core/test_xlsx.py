"""core.xlsx: workbooks open in openpyxl, keep numbers as numbers, and never hold a formula."""

import io

import openpyxl
import pytest

from core.xlsx import write_xlsx


def _read(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book}


def test_sheets_hold_the_header_and_rows_in_order_with_numbers_as_numbers() -> None:
    data = write_xlsx({"Figures": (["Figure", "Value"], [["Approved", 12], ["Rejected", None], ["Share", 0.5]])})

    assert _read(data) == {"Figures": [["Figure", "Value"], ["Approved", 12], ["Rejected", None], ["Share", 0.5]]}


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.invalid")', "+1", "-2+3", "@SUM(A1)", "=1+1"])
def test_text_that_looks_like_a_formula_is_stored_as_text(text: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx({"S": (["Value"], [[text]])})))
    cell = book["S"]["A2"]

    assert (cell.value, cell.data_type) == (text, "s")


def test_sheet_titles_follow_excels_rules_and_may_not_collide() -> None:
    assert list(_read(write_xlsx({"Return: 2025/26 [draft]": (["a"], [])}))) == ["Return  2025 26  draft"]
    with pytest.raises(ValueError, match="both be called"):
        write_xlsx({"A/B": (["a"], []), "A:B": (["a"], [])})
    with pytest.raises(ValueError, match="at least one sheet"):
        write_xlsx({})
