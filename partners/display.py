"""Figures of a report as pages show them: labelled sections and rows, suppressed cells in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from speakers.choices import Outcome as SpeakerOutcome
from welfare.choices import Outcome, PreventStage

SECTION_TITLES = [
    ("concerns", "Concerns"),
    ("escalations", "Escalations (Prevent stages reached)"),
    ("outcomes", "Outcomes of cases"),
    ("cases", "Cases"),
    ("open_actions", "Case actions"),
]
ROW_LABELS: dict[str, dict[str, str]] = {
    "concerns": {"raised": "Concerns raised"},
    "cases": {"opened": "Cases opened", "closed": "Cases closed", "open_at_end": "Cases open at the end of the period"},
    "open_actions": {"open": "Open at the end of the period", "overdue": "Of which overdue"},
    "outcomes": {"total": "All outcomes recorded"},
    "speaker_requests": {"submitted": "Requests submitted", "decided": "Requests decided"},
}


def _labels() -> dict[str, dict[str, str]]:
    labels = {key: dict(rows) for key, rows in ROW_LABELS.items()}
    labels["escalations"] = dict(PreventStage.choices)
    labels["outcomes"] = {**dict(Outcome.choices), **ROW_LABELS["outcomes"]}
    return labels


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    suppressed: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


def _value(value: Any, threshold: int, status: str = "small") -> tuple[str, bool]:
    if value is None:
        return ("withheld" if status == "withheld" else f"fewer than {threshold}"), True
    return str(value), False


def sections(figures: dict[str, Any]) -> list[Section]:
    """Concerns, escalations, outcomes, cases and actions, then speaker requests by outcome."""
    threshold = int(figures.get("threshold") or 5)
    statuses = figures.get("suppressed") or {}
    statuses = statuses if isinstance(statuses, dict) else {}
    labels = _labels()
    out = []
    for key, title in SECTION_TITLES:
        cells = figures.get(key) or {}
        if not isinstance(cells, dict):
            continue
        rows = []
        for name, value in cells.items():
            text, hidden = _value(value, threshold, statuses.get(f"{key}.{name}", "small"))
            rows.append(Row(labels.get(key, {}).get(name, name.replace("_", " ").capitalize()), text, hidden))
        out.append(Section(key, title, rows))
    speakers = figures.get("speaker_requests") or {}
    outcome_labels = dict(SpeakerOutcome.choices)
    rows = [Row(labels["speaker_requests"][k], str(speakers.get(k, 0))) for k in ("submitted", "decided")]
    rows += [Row(outcome_labels.get(k, k), str(v)) for k, v in (speakers.get("by_outcome") or {}).items()]
    out.append(Section("speaker_requests", "External speaker and event requests", rows))
    return out


def figure(figures: dict[str, Any], section: str, key: str) -> str:
    """One cell as shown: a number, or "fewer than 5" when suppressed, or "—" when absent."""
    cells = figures.get(section) or {}
    if key not in cells:
        return "—"
    statuses = figures.get("suppressed") or {}
    status = statuses.get(f"{section}.{key}", "small") if isinstance(statuses, dict) else "small"
    return _value(cells[key], int(figures.get("threshold") or 5), status)[0]
