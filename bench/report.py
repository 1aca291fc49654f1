"""One way for every benchmark to hand its figures to `bench/run_all.py`.

A benchmark prints its own tables for people, then calls `emit(...)` once per figure it
measured beside a floor or baseline. `emit` prints one machine-readable line,

    BENCH {"bench": "exchange", "what": "search p95, 100k checks", "value": 4.1, "unit": "ms", ...}

which `run_all` collects from each benchmark's output and writes to `bench/results.md`.
Nothing here measures anything.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence

PREFIX = "BENCH "


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) of `samples` by nearest rank; ValueError when empty."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def p50(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    return percentile(samples, 0.95)


def emit(
    bench: str,
    what: str,
    value: float,
    unit: str,
    *,
    floor: float | None = None,
    floor_what: str = "",
    target: str = "",
    met: bool | None = None,
    note: str = "",
) -> dict[str, object]:
    """Print one figure as a `BENCH {json}` line and return it.

    `value` and `floor` share `unit` (ms, items/s, req/s, statements…); `ratio` is
    value/floor when a floor is given. `target` is the issue's target in words
    ("p95 ≤ 3× floor"); `met` whether this run met it (None: no target).
    """
    row: dict[str, object] = {"bench": bench, "what": what, "value": round(value, 3), "unit": unit}
    if floor is not None:
        row["floor"] = round(floor, 3)
        row["floor_what"] = floor_what
        row["ratio"] = round(value / floor, 2) if floor else None
    if target:
        row["target"] = target
    if met is not None:
        row["met"] = met
    if note:
        row["note"] = note
    print(PREFIX + json.dumps(row, ensure_ascii=False), flush=True)
    return row


def parse(output: str) -> list[dict[str, object]]:
    """Every `BENCH {json}` row in a benchmark's output, in order."""
    return [json.loads(line[len(PREFIX) :]) for line in output.splitlines() if line.startswith(PREFIX)]
