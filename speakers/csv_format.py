"""The CSV layout of the register, shared by import and export (see README.md).

One row per request, UTF-8, a header row with these columns (any order; unknown columns
are an error so a typo is not silently ignored):

    reference                 optional on import; unique (e.g. SR-00012 or your own)
    title                     required
    starts_at                 required: YYYY-MM-DD HH:MM, UK local time
    venue                     required: room and building, or the online platform
    format                    in_person | online | hybrid (blank: in_person)
    open_to_public            yes | no (blank: no); so are livestreamed, recorded
    livestreamed
    recorded
    expected_audience         whole number, blank if unknown
    organising_body           department, team or society
    speakers                  required: "Name | Affiliation | Topic", several separated by ";"
    submitted_on              YYYY-MM-DD, blank if unknown (then notice is not recorded)
    short_notice_reason
    risk_level                low | medium | high, blank if not assessed
    higher_risk               yes | no
    free_speech_considerations
    outcome                   required: approved | approved_with_mitigations | rejected |
                              withdrawn | speaker_not_invited
    decided_on                required: YYYY-MM-DD
    decider_role              the decider's roles, comma-separated: reviewer, prevent_lead, senior_decision_maker, ...
    reasons                   required
    mitigations               "Label: prevent" or "Label: other", several separated by ";"
    rejection_category        health_and_safety | procedural | prevent | other (required for rejected)
    rejection_explanation     up to 300 words
    speech_within_law         yes | no | unclear
    free_speech_steps
    restriction_proportionality
    security_costs_passed_on  yes | no
    security_costs_circumstances
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from speakers.choices import EventFormat, MitigationBasis, Outcome, RejectionCategory, RiskLevel, WithinLaw
from speakers.decision_limits import MAX_REJECTION_WORDS
from tenants.models import Role

COLUMNS = [
    "reference", "title", "starts_at", "venue", "format", "open_to_public", "livestreamed", "recorded",
    "expected_audience", "organising_body", "speakers", "submitted_on", "short_notice_reason", "risk_level",
    "higher_risk", "free_speech_considerations", "outcome", "decided_on", "decider_role", "reasons", "mitigations",
    "rejection_category", "rejection_explanation", "speech_within_law", "free_speech_steps",
    "restriction_proportionality", "security_costs_passed_on", "security_costs_circumstances",
]  # fmt: skip
REQUIRED = ("title", "starts_at", "venue", "speakers", "outcome", "decided_on", "reasons")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


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
    speakers: list[tuple[str, str, str]] = field(default_factory=list)
    mitigations: list[tuple[str, str]] = field(default_factory=list)


class _Row:
    def __init__(self, number: int, raw: dict[str, str]) -> None:
        self.number, self.raw, self.errors = number, {k: (v or "").strip() for k, v in raw.items()}, []
        self.parsed = ParsedRow(number)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str) -> str:
        return self.raw.get(column, "")

    def choice(self, column: str, values: list[str], default: str = "") -> str:
        value = self.text(column).lower() or default
        if value and value not in values:
            self.error(column, f"'{self.text(column)}' is not one of: {', '.join(values)}.")
        return value

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in YES | NO:
            self.error(column, f"'{self.text(column)}' is not yes or no.")
        return value in YES

    def day(self, column: str) -> date | None:
        value = self.text(column)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            self.error(column, f"'{value}' is not a date in the form YYYY-MM-DD.")
            return None

    def moment(self, column: str) -> datetime | None:
        value = self.text(column)
        try:
            parsed = datetime.strptime(value, "%Y-%m-%d %H:%M") if value else None  # noqa: DTZ007 (local time, made aware next)
            return timezone.make_aware(parsed) if parsed else None
        except ValueError:
            self.error(column, f"'{value}' is not a date and time in the form YYYY-MM-DD HH:MM.")
            return None


def _parse_speakers(row: _Row) -> None:
    for entry in filter(None, (e.strip() for e in row.text("speakers").split(";"))):
        name, affiliation, topic = ([p.strip() for p in entry.split("|")] + ["", ""])[:3]
        if not name:
            row.error("speakers", f"'{entry}' has no speaker name before the first '|'.")
        row.parsed.speakers.append((name, affiliation, topic))


def _parse_mitigations(row: _Row) -> None:
    for entry in filter(None, (e.strip() for e in row.text("mitigations").split(";"))):
        label, _, basis = entry.rpartition(":") if ":" in entry else (entry, "", "other")
        basis = basis.strip().lower() or "other"
        if basis not in MitigationBasis.values:
            row.error("mitigations", f"'{entry}': say ': prevent' or ': other' after the label.")
        row.parsed.mitigations.append((label.strip(), basis))


def _check_rules(row: _Row, values: dict[str, Any]) -> None:
    for column in REQUIRED:
        if not row.text(column):
            row.error(column, "This column is required.")
    if values["outcome"] == Outcome.REJECTED and not values["rejection_category"]:
        row.error("rejection_category", "A rejection needs its reason category.")
    if len(values["rejection_explanation"].split()) > MAX_REJECTION_WORDS:
        row.error("rejection_explanation", f"Keep the explanation to {MAX_REJECTION_WORDS} words.")
    if values["outcome"] != Outcome.APPROVED_WITH_MITIGATIONS and row.parsed.mitigations:
        row.error("mitigations", "Mitigations are recorded only with approved_with_mitigations.")


def parse_row(number: int, raw: dict[str, str]) -> tuple[ParsedRow, list[RowError]]:
    row = _Row(number, raw)
    v = row.parsed.values
    v |= {
        c: row.text(c)
        for c in (
            "reference",
            "title",
            "venue",
            "organising_body",
            "short_notice_reason",
            "free_speech_considerations",
            "reasons",
            "rejection_explanation",
            "free_speech_steps",
            "restriction_proportionality",
            "security_costs_circumstances",
        )
    }
    v["starts_at"], v["submitted_on"], v["decided_on"] = (
        row.moment("starts_at"),
        row.day("submitted_on"),
        row.day("decided_on"),
    )
    v["format"] = row.choice("format", EventFormat.values, EventFormat.IN_PERSON)
    for flag in ("open_to_public", "livestreamed", "recorded", "higher_risk", "security_costs_passed_on"):
        v[flag] = row.boolean(flag)
    audience = row.text("expected_audience")
    v["expected_audience"] = int(audience) if audience.isdigit() else None
    if audience and not audience.isdigit():
        row.error("expected_audience", f"'{audience}' is not a whole number.")
    v["risk_level"] = row.choice("risk_level", RiskLevel.values)
    v["outcome"] = row.choice("outcome", Outcome.values)
    v["decider_roles"] = [r.strip().lower() for r in row.text("decider_role").split(",") if r.strip()]
    if any(role not in Role.values for role in v["decider_roles"]):
        row.error("decider_role", f"'{row.text('decider_role')}' is not one of: {', '.join(Role.values)}.")
    v["rejection_category"] = row.choice("rejection_category", RejectionCategory.values)
    v["speech_within_law"] = row.choice("speech_within_law", WithinLaw.values)
    _parse_speakers(row)
    _parse_mitigations(row)
    _check_rules(row, v)
    return row.parsed, row.errors  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_row(r: Any) -> dict[str, str]:
    """One register row; `r` has its speakers, assessment, decision and mitigations loaded."""
    a, d = getattr(r, "assessment", None), getattr(r, "decision", None)
    local = timezone.localtime(r.starts_at).strftime("%Y-%m-%d %H:%M") if r.starts_at else ""
    return {
        "reference": r.reference or "", "title": r.title, "starts_at": local, "venue": r.venue, "format": r.format,
        "open_to_public": _yes(r.open_to_public), "livestreamed": _yes(r.livestreamed), "recorded": _yes(r.recorded),
        "expected_audience": "" if r.expected_audience is None else str(r.expected_audience),
        "organising_body": r.organising_body,
        "speakers": "; ".join(f"{s.name} | {s.affiliation} | {s.topic}" for s in r.speakers.all()),
        "submitted_on": timezone.localdate(r.submitted_at).isoformat() if r.submitted_at else "",
        "short_notice_reason": r.short_notice_reason,
        "risk_level": a.risk_level if a else "", "higher_risk": _yes(bool(a and a.is_higher_risk)),
        "free_speech_considerations": a.free_speech_considerations if a else "",
        "outcome": d.outcome if d else "", "decided_on": timezone.localdate(d.decided_at).isoformat() if d else "",
        "decider_role": _decider_role(d), "reasons": d.reasons if d else "",
        "mitigations": "; ".join(f"{m.label}: {m.basis}" for m in r.mitigations.all() if m.imposed),
        **{k: (getattr(d, k) if d else "") for k in ("rejection_category", "rejection_explanation", "speech_within_law",
                                                     "free_speech_steps", "restriction_proportionality",
                                                     "security_costs_circumstances")},
        "security_costs_passed_on": _yes(bool(d and d.security_costs_passed_on)),
    }  # fmt: skip


def _decider_role(decision: Any) -> str:
    return ",".join(decision.decider_roles) if decision else ""
