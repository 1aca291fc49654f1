"""Import historical requests from a spreadsheet: every row is checked first, and either all
rows are saved in one transaction or none is.

Limits (the same on the page, the API and the `speakers_import` command): a file of at most
`MAX_IMPORT_BYTES` (5 MB, checked before the file is read), at most `MAX_IMPORT_ROWS` (5,000)
rows below the header, and a refusal lists the first `MAX_LISTED_PROBLEMS` (100) problems
followed by "… and N more problems", so a badly shaped file cannot amplify into a huge answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.csv_file import read_csv
from speakers import rights
from speakers.choices import WITHDRAWAL_OUTCOMES, Status
from speakers.csv_format import Layout, ParsedRow, RowError, parse_row, read_header
from speakers.models import Assessment, Decision, EventRequest, Mitigation, RequestMitigation, Speaker
from speakers.notice import working_days_notice
from speakers.selectors import procedure_config
from speakers.services.mitigations import require_procedure_owner
from tenants.models import User

Progress = Callable[[int, int], None]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5_000
MAX_LISTED_PROBLEMS = 100


def import_size_problem(size: int) -> str | None:
    """The message refusing a file of `size` bytes, or None when it is small enough to read."""
    if size <= MAX_IMPORT_BYTES:
        return None
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the import takes at most {MAX_IMPORT_BYTES // 1024 // 1024} MB "
        f"({MAX_IMPORT_ROWS:,} rows). Split it into smaller files."
    )


class ImportRejected(Exception):
    """Nothing was imported; `errors` lists the first `MAX_LISTED_PROBLEMS` problems by row and
    column, `total` counts them all and `more` is how many were left off the list."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")
        self.total = len(errors)
        self.errors = errors[:MAX_LISTED_PROBLEMS]
        self.more = self.total - len(self.errors)

    def lines(self) -> list[str]:
        """One line a person can read per listed problem, then "… and N more problems" if any were left off."""
        listed = [f"Row {e.row}{', ' + e.column if e.column else ''}: {e.message}" for e in self.errors]
        if self.more:
            listed.append(f"… and {self.more:,} more problem(s) not listed; fix these and import again.")
        return listed


@dataclass(frozen=True)
class ImportResult:
    imported: int
    request_ids: tuple[int, ...]


def _read(text: str) -> tuple[Layout | None, list[tuple[int, list[str]]], list[RowError]]:
    header, rows, problems = read_csv(text, max_rows=MAX_IMPORT_ROWS)
    errors = [RowError(p.row, p.column, p.message) for p in problems]
    if not header:
        return None, [], errors + [RowError(1, "title", "The file is empty: the first row must name the columns.")]
    layout, header_errors = read_header(header)
    return (layout if not header_errors else None), rows, header_errors + errors


def _parse_all(
    layout: Layout, rows: list[tuple[int, list[str]]], progress: Progress | None
) -> tuple[list[ParsedRow], list[RowError]]:
    parsed, errors, seen = [], [], set()
    for index, (number, cells) in enumerate(rows):
        row, row_errors = parse_row(number, layout, cells)
        reference = row.values["reference"]
        if reference.strip() and (reference in seen or EventRequest.objects.filter(reference=reference).exists()):
            row_errors.append(RowError(row.row, "reference", f"'{reference}' is already in the register."))
        seen.add(reference)
        parsed.append(row)
        errors += row_errors
        if progress:
            progress(index + 1, len(rows) * 2)
    return parsed, errors


def _save(actor: User, row: ParsedRow, senior_role: str) -> EventRequest:
    v = row.values
    decided_at = timezone.make_aware(datetime.combine(v["decided_on"], time(12)))
    submitted_at = timezone.make_aware(datetime.combine(v["submitted_on"], time(12))) if v["submitted_on"] else None
    minimum_notice = procedure_config().minimum_notice_working_days
    notice = working_days_notice(v["submitted_on"], v["starts_at"].date()) if v["submitted_on"] else None
    request = EventRequest.objects.create(
        reference=v["reference"] if v["reference"].strip() else None, imported=True, organiser=actor,
        submitted_at=submitted_at,
        status=Status.WITHDRAWN if v["outcome"] in WITHDRAWAL_OUTCOMES else Status.DECIDED,
        notice_working_days=notice, notice_met=None if notice is None else notice >= minimum_notice,
        **{k: v[k] for k in ("title", "starts_at", "venue", "format", "open_to_public", "livestreamed", "recorded",
                             "expected_audience", "organising_body", "short_notice_reason", "description")},
    )  # fmt: skip
    if not request.reference:
        request.reference = f"SR-{request.pk:05d}"
        request.save(update_fields=["reference"])
    Speaker.objects.bulk_create(
        Speaker(request=request, position=i, **speaker) for i, speaker in enumerate(row.speakers)
    )
    if v["risk_level"]:
        Assessment.objects.create(
            request=request, assessed_by=actor, assessed_at=submitted_at or decided_at, risk_level=v["risk_level"],
            is_higher_risk=v["higher_risk"], free_speech_considerations=v["free_speech_considerations"],
            risk_summary=v["risk_summary"],
        )  # fmt: skip
    _save_decision(actor, request, row, decided_at, senior_role)
    return request


def _save_decision(actor: User, request: EventRequest, row: ParsedRow, decided_at: datetime, senior_role: str) -> None:
    v = row.values
    catalogue = {m.label.lower(): m for m in Mitigation.objects.all()}
    for label, basis, progress in row.mitigations:
        entry = catalogue.get(label.strip().lower())
        RequestMitigation.objects.create(
            request=request, mitigation=entry, label=label, basis=basis, imposed=True, progress=progress,
            timing=entry.timing if entry else "before",
        )  # fmt: skip
    Decision.objects.create(
        request=request, outcome=v["outcome"], decided_by=actor, decided_at=decided_at,
        decider_roles=v["decider_roles"], as_senior_decision_maker=senior_role in v["decider_roles"],
        **{k: v[k] for k in ("reasons", "rejection_category", "rejection_explanation", "speech_within_law",
                             "free_speech_steps", "restriction_proportionality", "security_costs_passed_on",
                             "security_costs_circumstances", "not_offence_or_reputation_alone")},
    )  # fmt: skip


def event_requests_import(*, actor: User, csv_text: str, progress: Progress | None = None) -> ImportResult:
    """Check every row, then save all of them or none. Raises ImportRejected listing each problem.

    `csv_text` is the file's text (decoded from UTF-8; a byte-order mark is allowed); the layout is in
    speakers/csv_format.py and the file rules (separators, blank rows, formulas) in core/csv_file.py.
    Files over `MAX_IMPORT_BYTES` or `MAX_IMPORT_ROWS` are refused whole (the module docstring);
    callers check the size with `import_size_problem` before reading an upload.
    """
    try:
        require_procedure_owner(actor)
    except PermissionDenied as exc:
        raise PermissionDenied("Only an organisation admin or the Prevent lead can import requests.") from exc
    too_big = import_size_problem(len(csv_text.encode("utf-8", "surrogatepass")))
    if too_big:
        raise ImportRejected([RowError(1, "(whole file)", too_big)])
    layout, rows, errors = _read(csv_text)
    parsed, row_errors = _parse_all(layout, rows, progress) if layout else ([], [])
    errors = sorted(errors + row_errors, key=lambda e: e.row)
    if not parsed and not errors:
        errors.append(RowError(2, "title", "The file has no rows to import."))
    if errors:
        raise ImportRejected(errors)
    senior_role = procedure_config().senior_decision_maker_role
    with transaction.atomic():
        saved = []
        for index, row in enumerate(parsed):
            saved.append(_save(actor, row, senior_role).pk)
            if progress:
                progress(len(parsed) + index + 1, len(parsed) * 2)
        audit_record(
            action="speakers.import",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            detail={"rows": len(saved), "first_id": saved[0], "last_id": saved[-1]},
        )
    return ImportResult(len(saved), tuple(saved))
