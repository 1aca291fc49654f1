"""Small-number suppression of a two-way table of counts, with secondary suppression. Pure; no Django.

What is published: every cell, every row total, every column total and the grand total. Think of
them as one *extended* table of (R+1) × (C+1) figures whose last row and last column are the
totals: every row and every column of it is an equation "the cells add up to the total".

The rule (referrals/README.md says the same for readers):

1. **True zeros are shown** as 0 (GSS/Ofqual practice: "True zero is denoted as '0'"). A zero
   names no one, and "no referrals this term" is what oversight needs to read. Everyone may
   therefore know that a suppressed figure is at least 1.
2. **Primary suppression**: a figure (cell or total) with 0 < n < threshold is *small* and shown
   as "fewer than {threshold}". Readers know it lies in [1, threshold − 1].
3. **Secondary suppression**: while some suppressed figure could be worked out exactly from what
   is published (the shown figures, the additivity of every row and column, and the ranges the
   labels give away), one more figure is *withheld*, to a fixed point. A row or column with a
   single suppressed figure is dealt with first (its total gives it away); then any figure the
   exact check finds. The figure withheld is a non-zero shown one of that row or column (if none
   is left there, of the whole table): one that closes a cycle (its other line already has a
   suppressed figure) first, then the smallest, then cells before totals. Withheld figures were
   not small, so readers know they are at least `threshold`; the check accounts for that.
4. If even withholding every non-zero figure leaves one that can be worked out (tiny tables
   such as a single row of 1 and 1 with threshold 3), the **whole table is withheld**: no figure,
   zeros included, is published.

"Worked out exactly" is decided exactly, not by the usual rule of thumb ("two suppressions in
every line"), which misses both linear chains through a bridge and bounds (a row "fewer than 5,
fewer than 5, 10, total 12" gives both small cells away as 1). The constraints form a
transportation polytope (totally unimodular), so a suppressed figure can take another integer
value iff a unit change around a *cycle* of suppressed figures keeps every one inside its
range: `_can_move` looks for such a cycle with a graph search. A threshold of 2 gives no
protection to a 1 ("fewer than 2" is 1); such figures are not counted as worked out, since the
label already says what they are.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Figure", "Status", "SuppressedTable", "suppress"]

RECORD_FORMAT = "partnership-hub/suppressed-table/v1"


class Status(enum.StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary: 0 < n < threshold, read "fewer than {threshold}"
    WITHHELD = "withheld"  # secondary: withheld so that a small figure cannot be worked out


@dataclass(frozen=True)
class Figure:
    status: Status
    value: int | None = None  # the count when shown; never kept for a suppressed figure

    def label(self, threshold: int) -> str:
        if self.status is Status.SHOWN:
            return str(self.value)
        if self.status is Status.SMALL:
            return f"fewer than {threshold}"
        return "withheld"

    @property
    def shown(self) -> bool:
        return self.status is Status.SHOWN


@dataclass(frozen=True)
class SuppressedTable:
    """What may be published of a table: shown figures and the status of every other one."""

    threshold: int
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[tuple[str, str], Figure]
    row_totals: Mapping[str, Figure]
    column_totals: Mapping[str, Figure]
    total: Figure
    withheld_entirely: bool = False

    def figures(self) -> Iterator[Figure]:
        yield from self.cells.values()
        yield from self.row_totals.values()
        yield from self.column_totals.values()
        yield self.total

    def to_record(self) -> dict[str, Any]:
        """JSON-ready; holds no suppressed value (safe to seal and send)."""

        def out(figure: Figure) -> dict[str, Any]:
            return {"status": figure.status.value, "value": figure.value}

        return {
            "format": RECORD_FORMAT,
            "threshold": self.threshold,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "cells": [[out(self.cells[r, c]) for c in self.columns] for r in self.rows],
            "row_totals": [out(self.row_totals[r]) for r in self.rows],
            "column_totals": [out(self.column_totals[c]) for c in self.columns],
            "total": out(self.total),
            "withheld_entirely": self.withheld_entirely,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> SuppressedTable:
        """The table `to_record` wrote; ValueError for anything else (a suppressed figure never carries a value)."""
        if data.get("format") != RECORD_FORMAT:
            raise ValueError("Not a suppressed table record.")

        def read(raw: Mapping[str, Any]) -> Figure:
            status = Status(raw["status"])
            value = raw.get("value")
            if (status is Status.SHOWN) != isinstance(value, int):
                raise ValueError("A shown figure carries its count; a suppressed one carries none.")
            return Figure(status, value if status is Status.SHOWN else None)

        rows, columns = tuple(data["rows"]), tuple(data["columns"])
        return cls(
            threshold=int(data["threshold"]),
            rows=rows,
            columns=columns,
            cells={(r, c): read(data["cells"][i][j]) for i, r in enumerate(rows) for j, c in enumerate(columns)},
            row_totals={r: read(data["row_totals"][i]) for i, r in enumerate(rows)},
            column_totals={c: read(data["column_totals"][j]) for j, c in enumerate(columns)},
            total=read(data["total"]),
            withheld_entirely=bool(data.get("withheld_entirely", False)),
        )


# --- The algorithm over the extended table -------------------------------------------------------

Grid = list[list[int]]
Statuses = list[list[Status]]
Entry = tuple[int, int]


def _extended(counts: Mapping[str, Mapping[str, int]], rows: Sequence[str], columns: Sequence[str]) -> Grid:
    grid = [[int(counts.get(r, {}).get(c, 0)) for c in columns] for r in rows]
    for r, line in zip(rows, grid, strict=True):
        if any(n < 0 for n in line):
            raise ValueError(f"Counts cannot be negative (row {r!r}).")
        line.append(sum(line))
    grid.append([sum(line[j] for line in grid) for j in range(len(columns) + 1)])
    return grid


def _bounds(status: Status, threshold: int) -> tuple[int, int | None]:
    """What a reader knows of a suppressed figure from its label: (lowest, highest or None)."""
    if status is Status.SMALL:
        return 1, threshold - 1
    return threshold, None


def _arcs(grid: Grid, status: Statuses, threshold: int) -> dict[Entry, list[tuple[str, str]]]:
    """For each suppressed figure, the directed arcs of the unit changes its range allows.

    Vertices are rows ("r3") and columns ("c1") of the extended table. With y = s_row · s_col · x
    (s = −1 on the totals line, +1 elsewhere), every row and column of y sums to zero, so a
    feasible change is a circulation: +1 in y is an arc row → column, −1 an arc column → row.
    """
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    arcs: dict[Entry, list[tuple[str, str]]] = {}
    for i, line in enumerate(grid):
        for j, value in enumerate(line):
            if status[i][j] is Status.SHOWN:
                continue
            sign = (-1 if i == last_row else 1) * (-1 if j == last_col else 1)
            low, high = _bounds(status[i][j], threshold)
            here = []
            for step, possible in ((1, high is None or value < high), (-1, value > low)):
                if possible:
                    here.append((f"r{i}", f"c{j}") if step * sign > 0 else (f"c{j}", f"r{i}"))
            arcs[i, j] = here
    return arcs


def _can_move(entry: Entry, arcs: dict[Entry, list[tuple[str, str]]]) -> bool:
    """Whether a cycle of unit changes through `entry` (using no other arc of it) stays feasible."""
    graph: dict[str, list[str]] = {}
    for other, pairs in arcs.items():
        if other != entry:
            for start, end in pairs:
                graph.setdefault(start, []).append(end)
    for start, end in arcs[entry]:
        seen, queue = {end}, deque([end])
        while queue:
            vertex = queue.popleft()
            if vertex == start:
                return True
            for following in graph.get(vertex, []):
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
    return False


def worked_out(grid: Grid, status: Statuses, threshold: int) -> list[Entry]:
    """Suppressed figures a reader could work out exactly (those whose label leaves a choice)."""
    arcs = _arcs(grid, status, threshold)
    found = []
    for entry in arcs:
        low, high = _bounds(status[entry[0]][entry[1]], threshold)
        if (high is None or high > low) and not _can_move(entry, arcs):
            found.append(entry)
    return found


def _lines(grid: Grid) -> list[list[Entry]]:
    """Every row, then every column, of the extended table."""
    rows, cols = len(grid), len(grid[0])
    return [[(i, j) for j in range(cols)] for i in range(rows)] + [[(i, j) for i in range(rows)] for j in range(cols)]


def _hidden(cells: list[Entry], status: Statuses) -> list[Entry]:
    return [(i, j) for i, j in cells if status[i][j] is not Status.SHOWN]


_NOTHING_LEFT: Entry = (-1, -1)
Choice = tuple[tuple[bool, int, bool, int, int], Entry]  # (preference, figure): lower is better


def _best_in(cells: list[Entry], grid: Grid, status: Statuses) -> Choice | None:
    """The figure of the line `cells` to withhold next, with its preference; None when none is left.

    Only non-zero shown figures qualify (zeros stay shown). A figure whose *other* line (its
    column, for a figure taken from a row, and vice versa) already holds a suppressed figure
    comes first: withholding it closes a cycle, where another would only move the problem on.
    Then the smallest; then cells before totals.
    """
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    along_row = len({i for i, _ in cells}) == 1
    choices = []
    for i, j in cells:
        if status[i][j] is not Status.SHOWN or grid[i][j] == 0:
            continue
        other = [(k, j) for k in range(last_row + 1)] if along_row else [(i, k) for k in range(last_col + 1)]
        closes = bool(_hidden(other, status))
        choices.append(((not closes, grid[i][j], i == last_row or j == last_col, i, j), (i, j)))
    return min(choices) if choices else None


def _next_to_withhold(grid: Grid, status: Statuses, threshold: int) -> Entry | None:
    """The next figure to withhold, or None when the table is safe.

    First the usual rule: a row or column holding exactly one suppressed figure gives it away
    through its total, so one more figure of that line is withheld. When no line is lonely, the
    exact check runs, and a figure it finds is protected from its own row or column, else from
    anywhere in the table. `_NOTHING_LEFT` when no figure is left to withhold.
    """
    for line in _lines(grid):
        if len(_hidden(line, status)) == 1:
            choice = _best_in(line, grid, status)
            return choice[1] if choice else _NOTHING_LEFT
    pinned = worked_out(grid, status, threshold)
    if not pinned:
        return None
    i, j = pinned[0]
    own = [c for c in (_best_in(line, grid, status) for line in _lines(grid) if (i, j) in line) if c]
    if own:
        return min(own)[1]
    anywhere = [c for c in (_best_in(line, grid, status) for line in _lines(grid)) if c]
    return min(anywhere)[1] if anywhere else _NOTHING_LEFT


def _statuses(grid: Grid, threshold: int) -> tuple[Statuses, bool]:
    """(status of every figure, whether the whole table had to be withheld)."""
    status = [[Status.SMALL if 0 < n < threshold else Status.SHOWN for n in line] for line in grid]
    while (chosen := _next_to_withhold(grid, status, threshold)) is not None:
        if chosen == _NOTHING_LEFT:
            return [[Status.WITHHELD for _ in line] for line in grid], True
        status[chosen[0]][chosen[1]] = Status.WITHHELD
    return status, False


def suppress(
    counts: Mapping[str, Mapping[str, int]],
    threshold: int,
    *,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> SuppressedTable:
    """Apply the rule in this module's docstring to `counts[row][column]` (missing cells count 0).

    `rows` and `columns` fix the order (default: as first met). A threshold of 1 or less
    suppresses nothing. Raises ValueError for a negative count.
    """
    row_keys = tuple(rows if rows is not None else counts.keys())
    column_keys = tuple(columns if columns is not None else dict.fromkeys(c for line in counts.values() for c in line))
    grid = _extended(counts, row_keys, column_keys)
    status, everything = _statuses(grid, threshold)

    def figure(i: int, j: int) -> Figure:
        return Figure(status[i][j], grid[i][j] if status[i][j] is Status.SHOWN else None)

    last_row, last_col = len(row_keys), len(column_keys)
    return SuppressedTable(
        threshold=threshold,
        rows=row_keys,
        columns=column_keys,
        cells={(r, c): figure(i, j) for i, r in enumerate(row_keys) for j, c in enumerate(column_keys)},
        row_totals={r: figure(i, last_col) for i, r in enumerate(row_keys)},
        column_totals={c: figure(last_row, j) for j, c in enumerate(column_keys)},
        total=figure(last_row, last_col),
        withheld_entirely=everything,
    )
