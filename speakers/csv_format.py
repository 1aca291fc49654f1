"""The CSV layout of the register, shared by import and export (see speakers/README.md).

One row per request; a header row names the columns (any order, any case; unknown columns are
an error so that a typo is not silently ignored). The file level (byte-order mark, separators,
formula neutralising, blank rows) is described in `core/csv_file.py`.

Each value has its own cell: there are no separators inside a cell, so a name, affiliation,
topic or label may contain any text, including ``|``, ``;``, commas, quotes and line breaks.

    reference                 optional on import; unique (e.g. SR-00012 or your own)
    status                    decided | withdrawn (blank: taken from the outcome); the export
                              also lists open requests, which cannot be imported
    title                     required
    description
    starts_at                 required: YYYY-MM-DD HH:MM, UK local time (DD/MM/YYYY HH:MM too)
    venue                     required: room and building, or the online platform
    format                    in_person | online | hybrid (blank: in_person)
    open_to_public            yes | no (blank: no); so are livestreamed, recorded
    livestreamed
    recorded
    expected_audience         whole number, blank if unknown
    organising_body           department, team or society
    submitted_on              YYYY-MM-DD or DD/MM/YYYY, blank if unknown (then notice is not recorded)
    short_notice_reason
    risk_level                low | medium | high, blank if not assessed
    higher_risk               yes | no
    risk_summary
    free_speech_considerations
    outcome                   required: approved | approved_with_mitigations | rejected |
                              withdrawn | speaker_not_invited
    decided_on                required: YYYY-MM-DD
    decider_role              the decider's roles, comma-separated: reviewer, prevent_lead, senior_decision_maker, ...
    reasons                   required
    rejection_category        health_and_safety | procedural | prevent | other (required for rejected)
    rejection_explanation     up to 300 words
    not_offence_or_reputation_alone   yes | no: the rejection does not rest on offensiveness or reputation alone
    speech_within_law         yes | no | unclear
    free_speech_steps
    restriction_proportionality
    security_costs_passed_on  yes | no
    security_costs_circumstances
    speaker_1_name            required: at least one speaker. Then speaker_1_affiliation,
    speaker_1_affiliation     speaker_1_topic, speaker_1_profile_links (one link a line), and
    speaker_1_topic           the same four columns for speaker_2, speaker_3, ... as many as
    speaker_1_profile_links   needed; a speaker whose four cells are empty is left out
    mitigation_1_label        only with approved_with_mitigations; then mitigation_1_basis
    mitigation_1_basis        (prevent | other, blank: other), mitigation_1_progress (pending |
    mitigation_1_progress     done | not_done, blank: pending), and so on for mitigation_2, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from core.csv_file import token
from sharing.names import NEEDS_A_LETTER, has_a_letter
from speakers.choices import (
    EventFormat,
    MitigationBasis,
    MitigationProgress,
    Outcome,
    RejectionCategory,
    RiskLevel,
    Status,
    WithinLaw,
)
from speakers.decision_limits import MAX_REJECTION_WORDS
from tenants.models import Role

COLUMNS = [
    "reference", "status", "title", "description", "starts_at", "venue", "format", "open_to_public", "livestreamed",
    "recorded", "expected_audience", "organising_body", "submitted_on", "short_notice_reason", "risk_level",
    "higher_risk", "risk_summary", "free_speech_considerations", "outcome", "decided_on", "decider_role", "reasons",
    "rejection_category", "rejection_explanation", "not_offence_or_reputation_alone", "speech_within_law",
    "free_speech_steps", "restriction_proportionality", "security_costs_passed_on", "security_costs_circumstances",
]  # fmt: skip
SPEAKER_FIELDS = ("name", "affiliation", "topic", "profile_links")
MITIGATION_FIELDS = ("label", "basis", "progress")
NUMBERED = re.compile(r"^(speaker|mitigation)_([1-9][0-9]{0,2})_([a-z_]+)$")
TEXT_COLUMNS = (
    "reference", "title", "description", "venue", "organising_body", "short_notice_reason", "risk_summary",
    "free_speech_considerations", "reasons", "rejection_explanation", "free_speech_steps",
    "restriction_proportionality", "security_costs_circumstances",
)  # fmt: skip
FLAGS = ("open_to_public", "livestreamed", "recorded", "higher_risk", "not_offence_or_reputation_alone",
         "security_costs_passed_on")  # fmt: skip
REQUIRED_TEXT = ("title", "venue", "reasons")
REQUIRED_COLUMNS = ("title", "starts_at", "venue", "outcome", "decided_on", "reasons", "speaker_1_name")
# The longest value each column's database field holds; longer is a row error, not a crash.
MAX_LENGTH = {"reference": 40, "title": 200, "venue": 200, "organising_body": 200, "name": 200, "affiliation": 200,
              "topic": 300, "label": 120}  # fmt: skip
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
# The export writes ISO dates; Excel set to UK dates re-saves them day first, sometimes with seconds.
DATE_LAYOUTS = ("%Y-%m-%d", "%d/%m/%Y")
MOMENT_LAYOUTS = ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")
REPLACED = {
    "speakers": "The speakers column is replaced by one set of columns per speaker: speaker_1_name, "
    "speaker_1_affiliation, speaker_1_topic, then speaker_2_name, ... Put each value in its own cell.",
    "mitigations": "The mitigations column is replaced by mitigation_1_label and mitigation_1_basis, then "
    "mitigation_2_label, ... Put each value in its own cell.",
}


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    speakers: list[dict[str, str]] = field(default_factory=list)
    mitigations: list[tuple[str, str, str]] = field(default_factory=list)  # label, basis, progress


@dataclass(frozen=True)
class Layout:
    """The columns of one file: header position -> column name ('' for an unnamed column)."""

    columns: tuple[str, ...]
    speakers: tuple[int, ...]  # the speaker numbers present, in order
    mitigations: tuple[int, ...]


def read_header(cells: list[str]) -> tuple[Layout, list[RowError]]:
    """Name each header cell; report unknown, duplicated, replaced and missing columns (row 1)."""
    names = tuple(token(cell) for cell in cells)
    errors: list[RowError] = []
    speakers, mitigations = set(), set()
    for name in names:
        match = NUMBERED.match(name)
        if match and match[3] in (SPEAKER_FIELDS if match[1] == "speaker" else MITIGATION_FIELDS):
            (speakers if match[1] == "speaker" else mitigations).add(int(match[2]))
        elif name in REPLACED:
            errors.append(RowError(1, name, REPLACED[name]))
        elif name and name not in COLUMNS:
            errors.append(RowError(1, name, "Unknown column: check its spelling against the list of columns."))
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        errors.append(RowError(1, name, "This column appears twice; keep one."))
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors.append(RowError(1, name, "Missing column."))
    return Layout(names, tuple(sorted(speakers)), tuple(sorted(mitigations))), errors


class _Row:
    def __init__(self, number: int, layout: Layout, cells: list[str]) -> None:
        self.number, self.errors = number, []
        self.raw = {name: cell for name, cell in zip(layout.columns, cells, strict=False) if name}
        self.parsed = ParsedRow(number)
        for name, cell in zip(layout.columns, cells, strict=False):
            if not name and cell.strip():
                self.error("(no heading)", "This value is under a column without a heading. "
                           "Put the value in quotes or remove the comma.")  # fmt: skip
            if "\x00" in cell:
                self.error(name or "(no heading)", "The value holds a NUL character, which cannot be stored.")

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, limit: str = "") -> str:
        value = self.raw.get(column, "")
        maximum = MAX_LENGTH.get(limit or column)
        if maximum and len(value) > maximum:
            self.error(column, f"Keep this to {maximum} characters; it has {len(value)}.")
        return value

    def code(self, column: str) -> str:
        return token(self.raw.get(column, ""))

    def choice(self, column: str, values: list[str], default: str = "") -> str:
        value = self.code(column) or default
        if value and value not in values:
            self.error(column, f"'{self.raw[column]}' is not one of: {', '.join(values)}.")
        return value

    def boolean(self, column: str) -> bool:
        value = self.code(column)
        if value not in YES | NO:
            self.error(column, f"'{self.raw[column]}' is not yes or no.")
        return value in YES

    def day(self, column: str) -> date | None:
        value = self.code(column)
        for layout in DATE_LAYOUTS:
            try:
                return datetime.strptime(value, layout).date() if value else None  # noqa: DTZ007 (a date)
            except ValueError:
                continue
        self.error(column, f"'{self.raw[column]}' is not a date in the form YYYY-MM-DD (or DD/MM/YYYY).")
        return None

    def moment(self, column: str) -> datetime | None:
        value = " ".join(self.code(column).split())
        for layout in MOMENT_LAYOUTS:
            try:
                parsed = datetime.strptime(value, layout) if value else None  # noqa: DTZ007 (local time, made aware next)
                return timezone.make_aware(parsed) if parsed else None
            except ValueError:
                continue
        self.error(column, f"'{self.raw[column]}' is not a date and time in the form YYYY-MM-DD HH:MM "
                   "(or DD/MM/YYYY HH:MM).")  # fmt: skip
        return None


def _parse_speakers(row: _Row, numbers: tuple[int, ...]) -> None:
    for n in numbers:
        speaker = {f: row.text(f"speaker_{n}_{f}", limit=f) for f in SPEAKER_FIELDS}
        if not any(value.strip() for value in speaker.values()):
            continue
        if not speaker["name"].strip():
            row.error(f"speaker_{n}_name", f"Speaker {n} has details but no name.")
        elif not has_a_letter(speaker["name"]):
            row.error(f"speaker_{n}_name", f"Speaker {n}: {NEEDS_A_LETTER}")
        row.parsed.speakers.append(speaker)
    if not row.parsed.speakers:
        row.error("speaker_1_name", "Give at least one speaker's name.")


def _parse_mitigations(row: _Row, numbers: tuple[int, ...]) -> None:
    for n in numbers:
        label = row.text(f"mitigation_{n}_label", limit="label")
        basis = row.choice(f"mitigation_{n}_basis", MitigationBasis.values, MitigationBasis.OTHER)
        progress = row.choice(f"mitigation_{n}_progress", MitigationProgress.values, MitigationProgress.PENDING)
        if label.strip():
            row.parsed.mitigations.append((label, basis, progress))
        elif row.code(f"mitigation_{n}_basis") or row.code(f"mitigation_{n}_progress"):
            row.error(f"mitigation_{n}_label", f"Mitigation {n} has a basis or progress but no label.")


def _check_required(row: _Row, values: dict[str, Any]) -> None:
    for column in REQUIRED_TEXT:
        if not values[column].strip():
            row.error(column, "This column is required.")
    for column in ("starts_at", "outcome", "decided_on"):
        if not row.code(column):
            row.error(column, "This column is required.")


def _check_rules(row: _Row, values: dict[str, Any]) -> None:
    _check_required(row, values)
    if values["status"] and values["status"] not in (Status.DECIDED, Status.WITHDRAWN):
        row.error("status", f"Only decided or withdrawn requests can be imported; this one is "
                  f"'{values['status']}'. Remove the row, or give its outcome.")  # fmt: skip
    elif values["status"] and values["outcome"] in Outcome.values:
        expected = Status.WITHDRAWN if values["outcome"] in (Outcome.WITHDRAWN, Outcome.SPEAKER_NOT_INVITED) else ""
        if (values["status"] == Status.WITHDRAWN) != bool(expected):
            row.error("status", f"'{values['status']}' does not match the outcome '{values['outcome']}'.")
    if values["outcome"] == Outcome.REJECTED and not values["rejection_category"]:
        row.error("rejection_category", "A rejection needs its reason category.")
    if len(values["rejection_explanation"].split()) > MAX_REJECTION_WORDS:
        row.error("rejection_explanation", f"Keep the explanation to {MAX_REJECTION_WORDS} words.")
    if values["outcome"] != Outcome.APPROVED_WITH_MITIGATIONS and row.parsed.mitigations:
        row.error("mitigation_1_label", "Mitigations are recorded only with approved_with_mitigations.")


def parse_row(number: int, layout: Layout, cells: list[str]) -> tuple[ParsedRow, list[RowError]]:
    """One data row (cells already restored, see csv_file) -> values ready to save, or errors."""
    row = _Row(number, layout, cells)
    v = row.parsed.values
    v |= {c: row.text(c) for c in TEXT_COLUMNS}
    v["starts_at"], v["submitted_on"], v["decided_on"] = (
        row.moment("starts_at"),
        row.day("submitted_on"),
        row.day("decided_on"),
    )
    v["status"] = row.choice("status", Status.values)
    v["format"] = row.choice("format", EventFormat.values, EventFormat.IN_PERSON)
    v |= {flag: row.boolean(flag) for flag in FLAGS}
    audience = row.code("expected_audience")
    whole = audience.isdigit() and audience.isascii() and len(audience) < 10
    v["expected_audience"] = int(audience) if whole else None
    if audience and v["expected_audience"] is None:
        row.error("expected_audience", f"'{row.raw['expected_audience']}' is not a whole number.")
    v["risk_level"] = row.choice("risk_level", RiskLevel.values)
    v["outcome"] = row.choice("outcome", Outcome.values)
    v["decider_roles"] = [token(r) for r in row.raw.get("decider_role", "").split(",") if token(r)]
    if any(role not in Role.values for role in v["decider_roles"]):
        row.error("decider_role", f"'{row.raw['decider_role']}' is not one of: {', '.join(Role.values)}.")
    v["rejection_category"] = row.choice("rejection_category", RejectionCategory.values)
    v["speech_within_law"] = row.choice("speech_within_law", WithinLaw.values)
    _parse_speakers(row, layout.speakers)
    _parse_mitigations(row, layout.mitigations)
    _check_rules(row, v)
    return row.parsed, row.errors


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_header(speakers: int, mitigations: int) -> list[str]:
    """The columns for a file holding up to this many speakers and mitigations per request."""
    return (
        COLUMNS
        + [f"speaker_{n}_{f}" for n in range(1, max(speakers, 1) + 1) for f in SPEAKER_FIELDS]
        + [f"mitigation_{n}_{f}" for n in range(1, max(mitigations, 1) + 1) for f in MITIGATION_FIELDS]
    )


def export_row(r: Any, header: list[str]) -> list[str]:
    """One register row, in `header`'s order; `r` has its speakers, assessment, decision and
    mitigations loaded. Text is written exactly as stored (the file level neutralises formulas)."""
    a, d = getattr(r, "assessment", None), getattr(r, "decision", None)
    local = timezone.localtime(r.starts_at).strftime("%Y-%m-%d %H:%M") if r.starts_at else ""
    values = {
        "reference": r.reference or "", "status": r.status, "title": r.title, "description": r.description,
        "starts_at": local, "venue": r.venue, "format": r.format, "open_to_public": _yes(r.open_to_public),
        "livestreamed": _yes(r.livestreamed), "recorded": _yes(r.recorded),
        "expected_audience": "" if r.expected_audience is None else str(r.expected_audience),
        "organising_body": r.organising_body,
        "submitted_on": timezone.localdate(r.submitted_at).isoformat() if r.submitted_at else "",
        "short_notice_reason": r.short_notice_reason,
        "risk_level": a.risk_level if a else "", "higher_risk": _yes(bool(a and a.is_higher_risk)),
        "risk_summary": a.risk_summary if a else "",
        "free_speech_considerations": a.free_speech_considerations if a else "",
        "outcome": d.outcome if d else "", "decided_on": timezone.localdate(d.decided_at).isoformat() if d else "",
        "decider_role": ",".join(d.decider_roles) if d else "", "reasons": d.reasons if d else "",
        **{k: (getattr(d, k) if d else "") for k in ("rejection_category", "rejection_explanation", "speech_within_law",
                                                     "free_speech_steps", "restriction_proportionality",
                                                     "security_costs_circumstances")},
        "not_offence_or_reputation_alone": _yes(bool(d and d.not_offence_or_reputation_alone)),
        "security_costs_passed_on": _yes(bool(d and d.security_costs_passed_on)),
    }  # fmt: skip
    for n, s in enumerate(r.speakers.all(), start=1):
        values |= {f"speaker_{n}_{f}": getattr(s, f) for f in SPEAKER_FIELDS}
    for n, m in enumerate((m for m in r.mitigations.all() if m.imposed), start=1):
        values |= {f"mitigation_{n}_label": m.label, f"mitigation_{n}_basis": m.basis,
                   f"mitigation_{n}_progress": m.progress}  # fmt: skip
    return [values.get(column, "") for column in header]
