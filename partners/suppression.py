"""Small numbers in a partner report, suppressed before the report leaves the partner.

A count about people (concerns, cases, Prevent stages, outcomes) from 1 to `threshold - 1` is not
sent: it becomes `None` and its dotted path is listed under `suppressed`; pages show it as
"fewer than 5". Zero is sent as zero (it identifies nobody). Secondary suppression, within each
group whose cells add up to a published total (`GROUP_TOTALS`): when exactly one cell of a group
is suppressed, the next smallest non-zero cell is suppressed too, and when no such cell exists
the total is suppressed, so no suppressed cell can be worked out by subtraction.

Speaker-request counts, training and open actions are about events and sessions, not people, and
are sent as they are.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_THRESHOLD = 5
PEOPLE_SECTIONS = ("concerns", "escalations", "outcomes", "cases")
# group (dotted path of a dict of cells) -> dotted path of the total those cells add up to.
GROUP_TOTALS: dict[str, str] = {}


def _cells(figures: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    found = []
    for section in PEOPLE_SECTIONS:
        cells = figures.get(section)
        if isinstance(cells, dict):
            found.extend((f"{section}.{key}", cells, key) for key, value in cells.items() if isinstance(value, int))
    return found


def _lookup(figures: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    *parents, last = path.split(".")
    node = figures
    for name in parents:
        node = node[name]
    return node, last


def suppress(figures: dict[str, Any], threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """A copy of `figures` with small counts about people suppressed (see the module docstring)."""
    out = copy.deepcopy(figures)
    suppressed: list[str] = []
    for path, cells, key in _cells(out):
        if 0 < cells[key] < threshold:
            cells[key] = None
            suppressed.append(path)
    for group, total_path in GROUP_TOTALS.items():
        cells, key = _lookup(out, group)
        in_group = [f"{group}.{k}" for k in cells[key] if f"{group}.{k}" in suppressed]
        if len(in_group) == 1:
            others = sorted((v, k) for k, v in cells[key].items() if isinstance(v, int) and v > 0)
            if others:
                cells[key][others[0][1]] = None
                suppressed.append(f"{group}.{others[0][1]}")
            else:
                node, last = _lookup(out, total_path)
                node[last] = None
                suppressed.append(total_path)
    out["suppressed"] = suppressed
    out["threshold"] = threshold
    return out
