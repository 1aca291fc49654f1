"""The subject access export file: one ZIP holding the same records twice, for machines and for people.

File name: ``subject-access-<organisation slug>-<export id>.zip`` (never the person's name;
the export id is random and is recorded in the audit event with the file's SHA-256, so the
file released can be matched to the export later). Inside:

``subject-access.json`` (UTF-8, ``format`` = ``partnership-hub/subject-access``, ``version`` 1)::

    {"format", "version", "export_id", "organisation": {"name", "slug"},
     "exported_at", "exported_by": {"id", "name"},
     "search": {"given_name", "family_name", "date_of_birth", "reference"},
     "notes": [str, ...],               # what the file holds and does not, for the reviewer
     "about_the_processing": {...},     # Art. 15(1)(a)-(h): purposes, recipients, retention, rights
     "sections": {
        "concerns": [record, ...], "cases": [record, ...], "received": [record, ...]}}

    record = {"type": "concern" | "case" | ..., "id": int, "title": str, "why": str,
              "fields": {name: value, ...},          # every stored field of the row
              "labels": {name: human label, ...},
              "display": {name: human-readable value, ...},
              "parts": {"entries": [record, ...], "actions": [...], ...}}

Values are JSON: dates and times ISO 8601, choices as their code (``display`` has the label),
a person as ``{"id", "name"}``.

``subject-access.txt`` (UTF-8): the same records, in reading order, with labels; long texts
indented. Intended to be read, redacted where the law requires (third parties), and released.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import textwrap
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import capfirst

from core.dates import LONDON

FORMAT = "partnership-hub/subject-access"
VERSION = 1
JSON_NAME = "subject-access.json"
TEXT_NAME = "subject-access.txt"

PersonName = Callable[[int], str]


@dataclass
class Record:
    """One record in the file: its fields, in order, and its parts (chronology, actions, ...)."""

    type: str
    id: int | str
    title: str
    why: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[Record]] = field(default_factory=dict)
    part_titles: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, label: str, value: Any, display: str | None = None) -> None:
        self.fields[name] = value
        self.labels[name] = label
        self.display[name] = display if display is not None else _display(value)

    def add_part(self, key: str, title: str, records: list[Record]) -> None:
        self.parts[key] = records
        self.part_titles[key] = title

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "why": self.why,
            "fields": self.fields,
            "labels": self.labels,
            "display": self.display,
            "parts": {key: [r.as_json() for r in records] for key, records in self.parts.items()},
        }


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict) and "name" in value:
        return str(value["name"] or f"person {value.get('id')}")
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value) or "—"
    return str(value)


def _human(value: Any) -> str | None:
    """Dates and times as people read them (London time); None: the default display."""
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(LONDON):%d %B %Y %H:%M} (UK time)"
    if isinstance(value, dt.date):
        return f"{value:%d %B %Y}"
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} bytes>"
    return value


def record_from_model(
    instance: models.Model,
    *,
    kind: str,
    title: str,
    person: PersonName,
    why: str = "",
    exclude: Iterable[str] = (),
) -> Record:
    """Every stored field of `instance` (and its many-to-many people), labelled with its verbose name."""
    record = Record(type=kind, id=instance.pk, title=title, why=why)
    skipped = set(exclude)
    user_model = _user_model()
    for f in instance._meta.concrete_fields:
        if f.name in skipped:
            continue
        label = capfirst(str(f.verbose_name))
        raw = f.value_from_object(instance)
        if f.is_relation and f.related_model is user_model:
            value: Any = None if raw is None else {"id": raw, "name": person(raw)}
            record.put(f.name, label, value)
        elif f.is_relation:
            record.put(f.name, label, raw)
        elif f.choices:
            record.put(f.name, label, raw, getattr(instance, f"get_{f.name}_display")() if raw else "—")
        else:
            record.put(f.name, label, _json_value(raw), _human(raw))
    for m2m in instance._meta.many_to_many:
        if m2m.name in skipped or m2m.related_model is not user_model:
            continue
        ids = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
        record.put(m2m.name, capfirst(str(m2m.verbose_name)), [{"id": i, "name": person(i)} for i in ids])
    return record


def _user_model() -> type[models.Model]:
    from django.contrib.auth import get_user_model

    return get_user_model()


@dataclass
class ExportDocument:
    export_id: str
    organisation: dict[str, str]
    exported_at: dt.datetime
    exported_by: dict[str, Any]
    search: dict[str, Any]
    notes: list[str]
    about: dict[str, str]
    sections: dict[str, list[Record]]
    section_titles: dict[str, str]

    @property
    def record_count(self) -> int:
        return sum(len(records) for records in self.sections.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "export_id": self.export_id,
            "organisation": self.organisation,
            "exported_at": self.exported_at.isoformat(),
            "exported_by": self.exported_by,
            "search": self.search,
            "notes": self.notes,
            "about_the_processing": self.about,
            "sections": {key: [r.as_json() for r in records] for key, records in self.sections.items()},
        }


_WIDTH = 100


def _wrap(text: str, indent: str) -> list[str]:
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, _WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent])
    return lines


def _record_lines(record: Record, depth: int) -> list[str]:
    pad = "    " * depth
    rule = "=" if depth == 0 else "-"
    heading = f"{pad}{record.title}"
    lines = ["", heading, f"{pad}{rule * (len(heading) - len(pad))}"]
    if record.why:
        lines.append(f"{pad}Why it is included: {record.why}")
    for name in record.fields:
        shown = record.display[name]
        label = record.labels[name]
        if "\n" in shown or len(shown) > 70:
            lines.append(f"{pad}{label}:")
            lines.extend(_wrap(shown, pad + "    "))
        else:
            lines.append(f"{pad}{label}: {shown}")
    for key, parts in record.parts.items():
        lines.append("")
        lines.append(f"{pad}{record.part_titles[key]} ({len(parts)})")
        if not parts:
            lines.append(f"{pad}    None.")
        for part in parts:
            lines.extend(_record_lines(part, depth + 1))
    return lines


def render_text(document: ExportDocument) -> str:
    search = document.search
    lines = [
        f"SUBJECT ACCESS REQUEST: records held by {document.organisation['name']}",
        "",
        f"Export {document.export_id}, made {document.exported_at:%d %B %Y at %H:%M} UTC "
        f"by {document.exported_by['name']}.",
        f"Searched for: given name {search['given_name']!r}, family name {search['family_name']!r}, "
        f"date of birth {search['date_of_birth'] or 'not given'}, "
        f"student or staff number {search['reference'] or 'not given'}.",
        "",
        "Before release",
    ]
    for note in document.notes:
        lines.extend(_wrap(f"* {note}", ""))
    lines += ["", "About the processing (UK GDPR Art. 15(1))"]
    for label, text in document.about.items():
        lines.extend(_wrap(f"{label}: {text}", ""))
    for key, records in document.sections.items():
        title = f"{document.section_titles[key]} ({len(records)})"
        lines += ["", "", title.upper(), "#" * len(title)]
        if not records:
            lines.append("None found.")
        for record in records:
            lines.extend(_record_lines(record, 0))
    return "\n".join(lines) + "\n"


def render_json(document: ExportDocument) -> str:
    return json.dumps(document.as_json(), ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def filename(organisation_slug: str, export_id: str) -> str:
    return f"subject-access-{organisation_slug}-{export_id}.zip"


def build_zip(document: ExportDocument) -> bytes:
    """The file's bytes: the JSON and the text, deflated, dated at the export."""
    buffer = io.BytesIO()
    stamp = document.exported_at.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((JSON_NAME, render_json(document)), (TEXT_NAME, render_text(document))):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
