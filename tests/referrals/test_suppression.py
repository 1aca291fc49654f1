"""Small-number suppression, against an independent checker that tries to work suppressed figures out.

The checker knows only what a reader of the published table knows: the shown figures, that
every row and column adds up, that zeros are shown (so a suppressed figure is at least 1), that
"fewer than N" means 1..N-1 and that a withheld figure was not small (so at least N). It then
searches every table consistent with that knowledge that differs from the true one by at most
one in each cell (enough: the constraints are totally unimodular, so if a suppressed figure
can take another value at all, it can by a change of one around a cycle), row by row with the
row totals pruning the search. A suppressed figure is *worked out* if no consistent table
gives it another value.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from referrals.suppression import Status, SuppressedTable, suppress

Table = dict[str, dict[str, int]]


def _true_grid(counts: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(row[j] for row in grid) for j in range(len(grid[0]))])
    return grid


def _published(table: SuppressedTable) -> list[list[tuple[Status, int | None]]]:
    grid = [
        [(f.status, f.value) for f in [*(table.cells[r, c] for c in table.columns), table.row_totals[r]]]
        for r in table.rows
    ]
    grid.append([(f.status, f.value) for f in [*(table.column_totals[c] for c in table.columns), table.total]])
    return grid


def _fits(status: Status, shown: int | None, value: int, threshold: int) -> bool:
    if status is Status.SHOWN:
        return value == shown
    if threshold == 0:  # a table withheld entirely tells the reader nothing but that counts are counts
        return value >= 0
    if status is Status.SMALL:
        return 1 <= value <= threshold - 1
    return value >= threshold


def _consistent_tables(published, true_cells: list[list[int]], threshold: int) -> Iterator[list[list[int]]]:
    """Every table within one of the true cells that a reader cannot tell from the true one."""
    rows, cols = len(true_cells), len(true_cells[0])

    def options(i: int) -> Iterator[list[int]]:
        choices = []
        for j in range(cols):
            status, shown = published[i][j]
            if status is Status.SHOWN:
                choices.append([shown])
            else:
                v = true_cells[i][j]
                choices.append([x for x in (v - 1, v, v + 1) if _fits(status, None, x, threshold)])
        for row in itertools.product(*choices):
            status, shown = published[i][cols]
            if _fits(status, shown, sum(row), threshold):
                yield list(row)

    def build(i: int, done: list[list[int]]) -> Iterator[list[list[int]]]:
        if i == rows:
            totals = [sum(r[j] for r in done) for j in range(cols)]
            if all(_fits(*published[rows][j], totals[j], threshold) for j in range(cols)) and _fits(
                *published[rows][cols], sum(totals), threshold
            ):
                yield done
            return
        for row in options(i):
            yield from build(i + 1, [*done, row])

    yield from build(0, [])


def figures_worked_out(table: SuppressedTable, counts: list[list[int]]) -> set[tuple[int, int]]:
    published = _published(table)
    truth = _true_grid(counts)
    threshold = 0 if table.withheld_entirely else table.threshold
    suppressed = {
        (i, j)
        for i, line in enumerate(published)
        for j, (status, _) in enumerate(line)
        if status is not Status.SHOWN and not (status is Status.SMALL and table.threshold <= 2)
    }
    varies: set[tuple[int, int]] = set()
    for other in _consistent_tables(published, counts, threshold):
        grid = _true_grid(other)
        varies |= {(i, j) for i, j in suppressed if grid[i][j] != truth[i][j]}
        if varies == suppressed:
            break
    return suppressed - varies


def _as_table(counts: list[list[int]]) -> tuple[Table, list[str], list[str]]:
    rows = [f"row{i}" for i in range(len(counts))]
    cols = [f"col{j}" for j in range(len(counts[0]))]
    return {r: dict(zip(cols, line, strict=True)) for r, line in zip(rows, counts, strict=True)}, rows, cols


tables = st.integers(1, 3).flatmap(
    lambda rows: st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 25)), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(counts=tables, threshold=st.integers(3, 7))
def test_no_suppressed_figure_can_be_worked_out_from_what_is_published(counts, threshold):
    table, rows, cols = _as_table(counts)

    result = suppress(table, threshold, rows=rows, columns=cols)

    assert figures_worked_out(result, counts) == set()


@settings(max_examples=300, deadline=None)
@given(counts=tables, threshold=st.integers(1, 9))
def test_shown_figures_are_exactly_the_inputs_and_every_small_one_is_hidden(counts, threshold):
    table, rows, cols = _as_table(counts)

    result = suppress(table, threshold, rows=rows, columns=cols)

    truth = _true_grid(counts)
    for i, line in enumerate(_published(result)):
        for j, (status, value) in enumerate(line):
            if status is Status.SHOWN:
                assert value == truth[i][j]
            else:
                assert value is None
            if 0 < truth[i][j] < threshold:
                assert status is not Status.SHOWN
            if truth[i][j] == 0 and not result.withheld_entirely:
                assert status is Status.SHOWN, "true zeros are shown"
            if status is Status.SMALL:
                assert 0 < truth[i][j] < threshold


@settings(max_examples=300, deadline=None)
@given(counts=tables, threshold=st.integers(3, 7))
def test_every_row_and_column_with_a_suppressed_figure_has_another_or_a_suppressed_total(counts, threshold):
    # The usual rule of thumb, implied by the exact check: one lone suppression in a line is given
    # away by that line's total.
    table, rows, cols = _as_table(counts)

    published = _published(suppress(table, threshold, rows=rows, columns=cols))

    lines = [list(line) for line in published] + [list(column) for column in zip(*published, strict=True)]
    for line in lines:
        hidden = sum(status is not Status.SHOWN for status, _ in line)
        assert hidden != 1


@given(counts=tables, threshold=st.integers(1, 9))
def test_the_record_sent_round_trips_and_carries_no_suppressed_value(counts, threshold):
    table, rows, cols = _as_table(counts)
    result = suppress(table, threshold, rows=rows, columns=cols)

    record = result.to_record()

    assert SuppressedTable.from_record(record) == result
    assert all(f.value is None for f in result.figures() if not f.shown)


def test_a_table_with_no_small_figure_is_published_whole():
    result = suppress({"stage": {"autumn": 12, "spring": 7}, "outcome": {"autumn": 5, "spring": 30}}, 5)

    assert all(f.shown for f in result.figures())
    assert result.total.value == 54


def test_one_small_cell_takes_the_smallest_cells_of_its_row_and_column_with_it():
    counts = {
        "internal_support": {"autumn": 3, "spring": 12, "summer": 20},
        "specialist_advice_support": {"autumn": 8, "spring": 9, "summer": 15},
        "no_further_action": {"autumn": 10, "spring": 11, "summer": 30},
    }

    result = suppress(counts, 5)

    assert result.cells["internal_support", "autumn"].label(5) == "fewer than 5"
    withheld = {key for key, f in result.cells.items() if f.status is Status.WITHHELD}
    # 12 beside it, 8 below it, then 9, which closes the cycle 3-12-9-8: four cells, no total.
    assert withheld == {
        ("internal_support", "spring"),
        ("specialist_advice_support", "autumn"),
        ("specialist_advice_support", "spring"),
    }
    assert all(f.shown for f in [*result.row_totals.values(), *result.column_totals.values(), result.total])
    assert figures_worked_out(result, [[3, 12, 20], [8, 9, 15], [10, 11, 30]]) == set()


def test_two_small_cells_beside_a_shown_total_are_not_left_to_be_worked_out_from_their_floor():
    # "fewer than 5" + "fewer than 5" + 10 = 12 would give both small cells away as 1 each.
    result = suppress({"row": {"a": 1, "b": 1, "c": 10}}, 5)

    assert result.cells["row", "c"].status is Status.WITHHELD
    assert result.column_totals["c"].status is Status.WITHHELD
    assert figures_worked_out(result, [[1, 1, 10]]) == set()


def test_a_table_too_small_to_protect_is_withheld_entirely():
    # One row "1, 1" under threshold 3: every figure is 1 or 2 and each can be worked out.
    result = suppress({"row": {"a": 1, "b": 1}}, 3)

    assert result.withheld_entirely
    assert {f.label(3) for f in result.figures()} == {"withheld"}
    assert all(f.value is None for f in result.figures())


def test_a_threshold_of_one_suppresses_nothing_and_negative_counts_are_refused():
    assert all(f.shown for f in suppress({"row": {"a": 1, "b": 0}}, 1).figures())
    try:
        suppress({"row": {"a": -1}}, 5)
    except ValueError as exc:
        assert "negative" in str(exc)
    else:
        raise AssertionError("a negative count was accepted")


def test_the_checker_catches_a_lone_suppression():
    # The checker itself, on a table suppressed badly by hand: 3 is 22 - 7 - 12.
    bad = suppress({"row": {"a": 3, "b": 7, "c": 12}}, 1)
    object.__setattr__(bad, "threshold", 5)
    cells = dict(bad.cells)
    from referrals.suppression import Figure

    cells["row", "a"] = Figure(Status.SMALL)
    object.__setattr__(bad, "cells", cells)

    assert figures_worked_out(bad, [[3, 7, 12]]) == {(0, 0)}


@given(counts=tables)
def test_suppression_is_deterministic(counts):
    table, rows, cols = _as_table(counts)
    assume(counts)

    assert suppress(table, 5, rows=rows, columns=cols) == suppress(table, 5, rows=rows, columns=cols)
