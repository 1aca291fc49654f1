"""Import completions from a learning system's CSV export: every row is checked first, and either
every row is saved in one transaction or none is.

Columns are found by their heading, whatever the order and case (see `COLUMNS` for the headings
each column may have; other columns are ignored and listed in the summary). A file needs a
course, a completion date, and a staff id or an email address. With a "Status" column, rows
whose status is not a completion ("In progress", "Not started", "Failed") are skipped and counted.

People: a row names a person by staff id, else by email address, on the organisation's staff
list. By default a person not on the list is an error ("unknown person"): the staff list is the
organisation's, and a typo in a staff id must not quietly add a stranger. With `add_people`, a row
for someone not on the list adds them, provided it gives every staff field (staff id, name,
department, role; email optional); the staff list can thus be loaded from the same export.

Rows are refused, with their row number and column, for: an unknown course, an unknown person
(without `add_people`, or with a staff field missing), a date that is not a date, is in the future
or before 2000, and a row repeating an earlier row of the file (same person, course and date). A
completion already recorded is not an error — learning systems export everything every time — it
is skipped and counted as "already recorded".

The file: UTF-8 with or without a byte-order mark, or Windows-1252 (Excel's "CSV" on Windows);
commas, semicolons or tabs; blank rows skipped (row numbers still count them); formula-neutralised
cells restored; zero-width characters and no-break spaces in codes and dates ignored (core.csv_file).
Limits: `MAX_IMPORT_BYTES`, `MAX_IMPORT_ROWS`; a refusal lists at most `MAX_LISTED_PROBLEMS`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from core.audit import audit_record
from core.csv_file import read_csv, token
from core.dates import today as london_today
from tenants.models import Organisation, User
from tenants.scopes import Scope, has_scope
from training.dates import DateProblem, parse_date
from training.models import Completion, Course, Source, StaffMember
from training.rules import clean_label
from training.services import completion_problem

Progress = Callable[[int, int], None]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5_000
MAX_LISTED_PROBLEMS = 100

COLUMNS: dict[str, set[str]] = {
    "staff_id": {"staff id", "staff number", "staff no", "employee id", "employee number", "employee no",
                 "person id", "payroll number"},
    "email": {"email", "email address", "e mail", "e mail address", "work email", "user email"},
    "name": {"name", "full name", "learner", "learner name", "employee name", "staff name"},
    "department": {"department", "dept", "department name", "school department", "org unit",
                   "organisational unit", "organizational unit", "team"},
    "role": {"role", "job family", "job role", "job title", "role job family", "staff group"},
    "course": {"course", "course title", "course name", "course code", "module", "module title", "learning item"},
    "completed": {"completed", "completed date", "completion date", "date completed", "completed on",
                  "date of completion", "completed at"},
    "status": {"status", "completion status"},
}  # fmt: skip
COLUMN_LABELS = {"staff_id": "staff id", "email": "email", "name": "name", "department": "department",
                 "role": "role", "course": "course", "completed": "completed date", "status": "status"}  # fmt: skip
DONE_STATUSES = {"completed", "complete", "passed", "pass", "attended", "achieved", "finished"}
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae"})


def fold(text: str) -> str:
    """A key for matching a heading or a course name: no accents or invisible characters, letter
    variants folded (ł→l, ı→i), case-folded, punctuation and spacing as single spaces."""
    decomposed = unicodedata.normalize("NFKD", token(text).translate(_FOLD))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did (or, checked only, would do)."""

    rows: int = 0  # rows below the header that held something
    imported: int = 0  # completions saved
    already: int = 0  # rows whose completion was recorded already (skipped)
    not_completed: int = 0  # rows whose status was not a completion (skipped)
    people_added: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    checked_only: bool = False
    # (rows found, people to add, completions not yet recorded): what `completions_import` writes
    pending: tuple[list, list, list] = field(default_factory=lambda: ([], [], []), repr=False)


class ImportRejected(Exception):
    """Nothing was imported; `errors` lists the first `MAX_LISTED_PROBLEMS` problems."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")
        self.total = len(errors)
        self.errors = errors[:MAX_LISTED_PROBLEMS]
        self.more = self.total - len(self.errors)

    def lines(self) -> list[str]:
        listed = [f"Row {e.row}, {e.column}: {e.message}" for e in self.errors]
        return listed + ([f"… and {self.more:,} more problems."] if self.more else [])


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-16 with a byte-order mark (Excel's "Unicode Text", tab-separated),
    UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


EMAIL_EXAMPLE = "name@example.ac.uk (up to 254 characters, no spaces)"


def email_acceptable(email: str) -> bool:
    """Whether an import may store `email` on the staff list (the staff form's rule: an '@', no spaces or
    control characters, which PostgreSQL or the field could not hold, at most 254 characters)."""
    return (
        "@" in email and len(email) <= 254 and not any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in email)
    )


def import_size_problem(size: int) -> str | None:
    if size <= MAX_IMPORT_BYTES:
        return None
    return f"The file is {size / 1024 / 1024:.1f} MB; the import takes at most 5 MB. Split it into smaller files."


def _layout(header: list[str]) -> tuple[dict[str, int], list[str], list[RowError]]:
    found: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    lookup = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    for index, heading in enumerate(header):
        name = lookup.get(fold(heading))
        if name is None:
            if heading.strip():
                ignored.append(clean_label(heading))
        elif name in found:
            errors.append(RowError(1, clean_label(heading), f"Two columns give the {COLUMN_LABELS[name]}; keep one."))
        else:
            found[name] = index
    missing = [COLUMN_LABELS[n] for n in ("course", "completed") if n not in found]
    if "staff_id" not in found and "email" not in found:
        missing.append("staff id or email")
    for name in missing:
        errors.append(RowError(1, "(header)", f"No '{name}' column. The first row must name the columns; "
                               "see the accepted headings on the import page."))  # fmt: skip
    return found, ignored, errors


class _Parser:
    def __init__(self, header: list[str], layout: dict[str, int], add_people: bool) -> None:
        self.header, self.layout, self.add_people, self.today = header, layout, add_people, london_today()
        # A course is named by its title or code: exactly (case aside) first, else loosely (`fold`) when
        # that matches one course only; two courses folding alike ("WRAP: part 1", "WRAP part 1") are
        # never guessed between.
        self.exact: dict[str, Course] = {}
        self.loose: dict[str, dict[int, Course]] = defaultdict(dict)
        courses = list(Course.objects.all())
        for names in ([c.title for c in courses], [c.code for c in courses]):
            for c, name in zip(courses, names, strict=True):
                if name:
                    self.exact.setdefault(clean_label(name).casefold(), c)
                    self.loose[fold(name)][c.pk] = c
        people = list(StaffMember.objects.all())
        self.by_id = {p.staff_id.casefold(): p for p in people}
        self.by_email = {p.email.casefold(): p for p in people if p.email}
        self.new_people: dict[str, StaffMember] = {}
        self.seen: dict[tuple[str, int, date], int] = {}

    def cell(self, cells: list[str], name: str) -> str:
        index = self.layout.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def heading(self, name: str) -> str:
        return clean_label(self.header[self.layout[name]]) if name in self.layout else COLUMN_LABELS[name]

    def course(self, number: int, cells: list[str], errors: list[RowError]) -> Course | None:
        raw = clean_label(self.cell(cells, "course"))
        found = self.exact.get(raw.casefold()) if raw else None
        candidates = list(self.loose.get(fold(raw), {}).values()) if raw and found is None else []
        if len(candidates) > 1:
            names = " or ".join(f"'{c.title}'" for c in sorted(candidates, key=lambda c: c.title))
            errors.append(RowError(number, self.heading("course"), f"'{raw[:80]}' could be {names}; write the "
                                   "course's title or code exactly."))  # fmt: skip
            return None
        found = found or (candidates[0] if candidates else None)
        if found is None:
            what = f"'{raw[:80]}' is not one of our courses" if raw else "The course is empty"
            errors.append(RowError(number, self.heading("course"),
                                   f"{what}; add it on the Courses page or correct the name."))  # fmt: skip
        return found

    def person(self, number: int, cells: list[str], errors: list[RowError]) -> StaffMember | None:
        staff_id = clean_label(self.cell(cells, "staff_id"))
        email = token(self.cell(cells, "email"))
        if staff_id:
            found = self.by_id.get(staff_id.casefold()) or self.new_people.get(staff_id.casefold())
            if found is not None and email and found.email and found.email.casefold() != email:
                errors.append(RowError(number, self.heading("email"),
                                       f"Staff id {staff_id} is {found.name}, whose email on the staff list differs; "
                                       "correct the staff id or the email."))  # fmt: skip
                return None
        elif email:
            found = self.by_email.get(email)
        else:
            errors.append(RowError(number, self.heading("staff_id" if "staff_id" in self.layout else "email"),
                                   "Give the person's staff id or email address."))  # fmt: skip
            return None
        if found is not None:
            return found
        return self._new_person(number, cells, staff_id, email, errors)

    def _new_person(self, number: int, cells: list[str], staff_id: str, email: str,
                    errors: list[RowError]) -> StaffMember | None:  # fmt: skip
        who = f"staff id {staff_id}" if staff_id else f"email {email}"
        if not self.add_people:
            column = self.heading("staff_id" if staff_id else "email")
            errors.append(RowError(number, column, f"No one on the staff list has {who}. Add them to the staff list, "
                                   "or choose to add people not on the staff list from rows that give every staff "
                                   "field."))  # fmt: skip
            return None
        values = {n: clean_label(self.cell(cells, n)) for n in ("name", "department", "role")}
        missing = [COLUMN_LABELS[n] for n, v in {"staff_id": staff_id, **values}.items() if not v]
        if missing:
            errors.append(RowError(number, ", ".join(missing), f"No one on the staff list has {who}; to add them the "
                                   f"row needs their {' and '.join(missing)}."))  # fmt: skip
            return None
        if email and not email_acceptable(email):
            message = f"To add {who}, give an email address such as {EMAIL_EXAMPLE}, or leave it empty."
            errors.append(RowError(number, self.heading("email"), message))
            return None
        if len(staff_id) > 40 or any(len(v) > (200 if n == "name" else 120) for n, v in values.items()):
            errors.append(RowError(number, "(staff fields)", "A staff field is too long (staff id 40, name 200, "
                                   "department and role 120 characters)."))  # fmt: skip
            return None
        created = StaffMember(staff_id=staff_id, email=email, **values)
        self.new_people[staff_id.casefold()] = created
        if created.email:
            self.by_email.setdefault(created.email, created)
        return created

    def completed(self, number: int, cells: list[str], errors: list[RowError]) -> date | None:
        try:
            when = parse_date(self.cell(cells, "completed"))
        except DateProblem as problem:
            errors.append(RowError(number, self.heading("completed"), str(problem)))
            return None
        wrong = completion_problem(when, self.today)
        if wrong:
            errors.append(RowError(number, self.heading("completed"), wrong))
            return None
        return when


def _parse(text: str, add_people: bool, result: ImportResult, progress: Progress | None
           ) -> tuple[list[tuple[StaffMember, Course, date]], list[StaffMember]]:  # fmt: skip
    header, rows, problems = read_csv(text, max_rows=MAX_IMPORT_ROWS)
    errors = [RowError(p.row, p.column, p.message) for p in problems]
    layout, result.ignored_columns, layout_errors = _layout(header)
    if layout_errors:
        raise ImportRejected(layout_errors + errors)
    parser = _Parser(header, layout, add_people)
    found: list[tuple[StaffMember, Course, date]] = []
    result.rows = len(rows) + len([p for p in problems if p.column == "(whole row)"])
    for done, (number, cells) in enumerate(rows, start=1):
        if progress is not None and done % 200 == 0:
            progress(done, len(rows))
        status = fold(parser.cell(cells, "status"))
        if "status" in layout and status and status not in DONE_STATUSES:
            result.not_completed += 1
            continue
        before = len(errors)
        course = parser.course(number, cells, errors)
        who = parser.person(number, cells, errors)
        when = parser.completed(number, cells, errors)
        if len(errors) > before or course is None or who is None or when is None:
            continue
        key = (who.staff_id.casefold(), course.pk, when)
        if key in parser.seen:
            errors.append(RowError(number, "(whole row)", f"Repeats row {parser.seen[key]}: the same person, "
                                   "course and date. Remove one of them."))  # fmt: skip
            continue
        parser.seen[key] = number
        found.append((who, course, when))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return found, list(parser.new_people.values())


def _checked(csv_text: str, add_people: bool, check_only: bool, progress: Progress | None) -> ImportResult:
    result = ImportResult(checked_only=check_only)
    found, new_people = _parse(csv_text, add_people, result, progress)
    existing = set(Completion.objects.values_list("person__staff_id", "course_id", "completed_on"))
    existing = {(sid.casefold(), cid, day) for sid, cid, day in existing}
    fresh = [(p, c, d) for p, c, d in found if (p.staff_id.casefold(), c.pk, d) not in existing]
    result.already = len(found) - len(fresh)
    result.imported, result.people_added = len(fresh), len(new_people)
    result.pending = (found, new_people, fresh)
    return result


def completions_import(*, actor: User, organisation: Organisation, csv_text: str, add_people: bool = False,
                       check_only: bool = False, progress: Progress | None = None) -> ImportResult:  # fmt: skip
    """Check and import a learning system's export (see the module docstring). Returns what was
    imported (or, with `check_only`, what would be; nothing is written). Raises PermissionDenied
    without TRAINING_MANAGE and ImportRejected, with nothing written, when any row is wrong."""
    if not has_scope(actor, organisation, Scope.TRAINING_MANAGE):
        raise PermissionDenied("Importing completions needs the 'training:manage' right.")
    with transaction.atomic():
        if not check_only:
            # One import at a time per organisation: the same file sent twice at once (a double click)
            # must see the first one's people and completions, not fail on the unique constraints.
            key = f"{connection.schema_name}:training.import"
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        result = _checked(csv_text, add_people, check_only, progress)
        if check_only:
            return result
        found, new_people, fresh = result.pending
        StaffMember.objects.bulk_create(new_people)
        Completion.objects.bulk_create(
            [
                Completion(person=p, course=c, completed_on=d, source=Source.IMPORT, recorded_by=actor)
                for p, c, d in fresh
            ]  # fmt: skip
        )
        audit_record(action="training.completions_import", actor=actor, organisation_id=organisation.pk,
                     target_type="training.completion", detail={"imported": result.imported,
                     "already": result.already, "people_added": result.people_added, "rows": result.rows})  # fmt: skip
    if progress is not None:
        progress(len(found), len(found))
    return result
