"""Human labels and readable values for agreement terms: pages, the diff and the signed document.

One table, so a page, the version diff and the exported document all say "Lawful basis (UK
GDPR Art. 6): Art. 6(1)(e) public task", never "lawful_basis: 6_1_e".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from agreements.documents import OPTIONAL_TERMS, TEXT_FIELDS
from agreements.models import Controllers, LawfulBasis, Level, Purpose, RecordKind

FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "purpose": "Purpose of the sharing",
    "purposes": "Purposes records may be used for",
    "lawful_basis": "Lawful basis (UK GDPR Art. 6)",
    "special_category_condition": "Art. 9 condition (special category data)",
    "criminal_offence_condition": "Art. 10 basis (criminal offence data)",
    "dpa_schedule1_condition": "DPA 2018 Schedule 1 condition",
    "data_items": "Data items shared",
    "flows": "Record kinds, directions and levels",
    "retention_days": "Retention at the recipient",
    "small_number_threshold": "Small-number threshold (counts below it are suppressed)",
    "security": "Security expectations",
    "controllers": "Controllers",
    "legal_power": "Legal power relied on",
    "necessity": "Why the sharing is necessary",
    "dpia_done": "DPIA carried out",
    "dpia_outcome": "DPIA outcome",
    "dpo_view": "Data protection officer's view",
    "individual_rights": "How individuals' rights are handled",
    "sharing_frequency": "Dates or intervals of sharing",
    "review_date": "Review date",
    "start_date": "Start date (in force from 00:00 UK time)",
    "expiry_date": "Expiry date (in force to the end of this day, UK time)",
    "parties": "Parties",
}
assert set(TEXT_FIELDS) <= set(FIELD_LABELS)
EMPTY = "—"


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _day(value: Any) -> str:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def flow_line(flow: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """ "Speaker check: University of A, University of B → University of B (up to Summary …)"."""
    senders = ", ".join(names.get(s, s) for s in flow.get("senders", []))
    recipients = ", ".join(names.get(r, r) for r in flow.get("recipients", []))
    try:
        level = Level.from_code(str(flow.get("max_level"))).label
    except ValueError:
        level = str(flow.get("max_level"))
    return f"{_label(RecordKind, flow.get('kind'))}: {senders} → {recipients} (up to {level})"


_NUMBERS: dict[str, Callable[[Any], str]] = {
    "retention_days": lambda v: f"{v} day{'' if v == 1 else 's'}",
    "small_number_threshold": lambda v: f'Counts below {v} are shown as "fewer than {v}"',
}


def readable_value(name: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """The value of term `name` as a person reads it; `names` maps party slugs to names."""
    names = names or {}
    if value in (None, "", []):
        return EMPTY
    if name == "purposes":
        return "; ".join(_label(Purpose, p) for p in value)
    if name == "lawful_basis":
        return _label(LawfulBasis, value)
    if name == "controllers":
        return _label(Controllers, value)
    if name == "flows":
        return "\n".join(flow_line(f, names) for f in value)
    if name in _NUMBERS:
        return _NUMBERS[name](value)
    if name == "dpia_done":
        return "Yes" if value else "No"
    if name in ("review_date", "start_date", "expiry_date"):
        return _day(value)
    if name == "parties":
        return "\n".join(names.get(s, s) for s in value)
    return str(value)


def readable_terms(terms: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, str]]:
    """[{"field", "label", "value"}] for every term, in reading order."""
    return [
        {"field": name, "label": FIELD_LABELS[name], "value": _readable_term(name, terms.get(name), names)}
        for name in TEXT_FIELDS
    ]


def _readable_term(name: str, value: Any, names: Mapping[str, str]) -> str:
    if value is None and name in OPTIONAL_TERMS:  # a version from before the term: its default applies
        default = OPTIONAL_TERMS[name]
        return f"{readable_value(name, default, names)} (the default: this version predates the term)"
    return readable_value(name, value, names)
