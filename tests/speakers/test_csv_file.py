"""The file level of the register's CSV, without a database: neutralising, BOM, separators."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from core.csv_file import BOM, neutralise, read_csv, restore, write_csv

# Any Unicode a PostgreSQL text column holds: everything but NUL and lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
# ...and the characters that matter most here, often.
TRICKY = st.text(st.sampled_from(list("=+-@\t\r\n'\",;| \ufeff\u200ba") + ["Ł", "ễ"]), max_size=12)
CELL = st.one_of(TEXT, TRICKY)


def test_a_cell_that_starts_a_formula_is_neutralised_and_read_back():
    table = [
        ('=HYPERLINK("http://example.invalid/x","Agenda")', '\'=HYPERLINK("http://example.invalid/x","Agenda")'),
        ("+44 Room 2", "'+44 Room 2"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("'=already quoted", "''=already quoted"),
        ("''+twice", "'''+twice"),
        ("Room = 2", "Room = 2"),
        ("'plain apostrophe", "'plain apostrophe"),
        ("'", "'"),
        ("", ""),
    ]
    for value, written in table:
        assert neutralise(value) == written, value
        assert restore(written) == value, value


def test_a_cell_typed_in_excel_with_an_apostrophe_before_a_formula_loses_exactly_one_apostrophe():
    assert restore("'=SUM(A1)") == "=SUM(A1)"
    assert restore("''=SUM(A1)") == "'=SUM(A1)"
    assert restore("'Brien") == "'Brien"


@settings(max_examples=2000)
@given(CELL)
def test_restore_undoes_neutralise_for_any_text(value):
    written = neutralise(value)
    assert restore(written) == value
    assert written.lstrip("'")[:1] not in set("=+-@\t\r") or written.startswith("'")


def test_the_file_starts_with_a_bom_uses_crlf_and_quotes_every_cell():
    text = write_csv(["title", "venue"], [["Łucja Wróblewska", "+44 Room 2"]])

    assert text.startswith(BOM)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert text == BOM + '"title","venue"\r\n"Łucja Wróblewska","\'+44 Room 2"\r\n'


@settings(max_examples=1000)
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5))
def test_any_table_of_text_reads_back_exactly(rows):
    # Rows whose cells are all blank are skipped by design; the rest come back cell for cell.
    text = write_csv(["a", "b", "c"], rows)

    header, read, problems = read_csv(text)

    assert header == ["a", "b", "c"] and problems == []
    kept = [(n, r) for n, r in enumerate(rows, start=2) if any(cell.strip() for cell in map(neutralise, r))]
    assert read == kept


def test_semicolons_blank_rows_and_trailing_empty_cells_are_read_as_excel_writes_them():
    text = "\ufefftitle;venue;;\r\nŁucja;Room 1, Hall B;;\r\n;;;\r\n ; ;;\r\nNguyễn Thị Bảo Ngọc\r\n"

    header, rows, problems = read_csv(text)

    assert header == ["title", "venue", "", ""] and problems == []
    assert rows == [(2, ["Łucja", "Room 1, Hall B", "", ""]), (5, ["Nguyễn Thị Bảo Ngọc"])]


def test_a_row_with_more_cells_than_the_header_is_a_problem_with_its_row_number():
    text = "title,venue\r\nTalk,Room 2, Hollins Building\r\nOther,Hall\r\n"

    header, rows, problems = read_csv(text)

    assert rows == [(3, ["Other", "Hall"])]
    assert [(p.row, p.column) for p in problems] == [(2, "(whole row)")]
    assert "Put the value in quotes or remove the comma" in problems[0].message


def test_a_line_break_inside_a_quoted_cell_stays_and_the_row_numbers_count_records():
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["title", "venue"], ["Two\r\nlines", "Hall"], ["Next", "Room"]])

    _, rows, _ = read_csv(out.getvalue())

    assert rows == [(2, ["Two\r\nlines", "Hall"]), (3, ["Next", "Room"])]
