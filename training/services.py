"""Writes of training records. Each service checks the actor's right first (nothing is written,
not even an audit event, when it is missing), validates with messages naming the field and the
fix, writes in one transaction and records an audit event (ids and codes only, never names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.audit import audit_record
from core.dates import today as london_today
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope
from training.models import MAX_REFRESHER_MONTHS, Completion, Course, Kind, Requirement, Source, StaffMember, Tier
from training.rules import clean_label, label_key

EARLIEST = date(2000, 1, 1)  # a completion before this is almost always a mistyped or mis-read date


def _in_schema(organisation: Organisation) -> None:
    assert connection.schema_name == organisation.schema_name, "call inside the organisation's own schema"


def _manage(actor: User, organisation: Organisation) -> None:
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.TRAINING_MANAGE)


def _audit(action: str, actor: User, organisation: Organisation, target: Any, **detail: Any) -> None:
    audit_record(action=f"training.{action}", actor=actor, organisation_id=organisation.pk, target=target,
                 detail=detail)  # fmt: skip


def _text(errors: dict[str, str], name: str, value: str, limit: int, message: str, *, required: bool = True) -> str:
    cleaned = clean_label(value)
    if (required and not cleaned) or len(cleaned) > limit:
        errors[name] = message
    return cleaned


def _course_fields(errors: dict[str, str], fields: dict[str, Any], current: Course | None) -> dict[str, Any]:
    title = _text(errors, "title", fields.get("title", ""), 200,
                  "Give the course's title in up to 200 characters, e.g. 'Prevent awareness'.")  # fmt: skip
    code = _text(errors, "code", fields.get("code", ""), 40, "Give the code in up to 40 characters, or leave it empty.",
                 required=False)  # fmt: skip
    if fields.get("tier") not in Tier.values:
        errors["tier"] = "Choose a tier: " + ", ".join(str(label) for label in Tier.labels) + "."
    if fields.get("kind") not in Kind.values:
        errors["kind"] = "Choose a kind: induction, refresher or briefing."
    months = fields.get("refresher_months")
    if months is not None and not 1 <= months <= MAX_REFRESHER_MONTHS:
        errors["refresher_months"] = f"Give a number of months from 1 to {MAX_REFRESHER_MONTHS}, or leave it empty."
    others = Course.objects.exclude(pk=current.pk if current else None)
    if title and others.filter(title__iexact=title).exists():
        errors["title"] = "A course with this title exists already; choose another title or edit that course."
    if code and others.filter(code__iexact=code).exists():
        errors["code"] = "Another course has this code; codes match a learning system's export, so each is unique."
    description = str(fields.get("description", "")).strip()
    if len(description) > 2000:
        errors["description"] = "Keep the description to 2,000 characters."
    return {"title": title, "code": code, "tier": fields.get("tier"), "kind": fields.get("kind"),
            "refresher_months": months, "description": description}  # fmt: skip


def course_create(*, actor: User, organisation: Organisation, **fields: Any) -> Course:
    """A course: `title`, `code` (optional), `tier` (Tier), `kind` (Kind), `refresher_months`
    (int 1..120 or None: never expires), `description`. ValidationError keyed by field."""
    _manage(actor, organisation)
    errors: dict[str, str] = {}
    values = _course_fields(errors, fields, None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course = Course.objects.create(**values)
        _audit("course_create", actor, organisation, course, tier=course.tier, kind=course.kind)
    return course


def course_update(*, actor: User, organisation: Organisation, course: Course, **fields: Any) -> Course:
    """Change a course (same fields and errors as `course_create`); past completions keep counting."""
    _manage(actor, organisation)
    errors: dict[str, str] = {}
    values = _course_fields(errors, fields, course)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in values.items():
            setattr(course, name, value)
        course.save()
        _audit("course_update", actor, organisation, course, tier=course.tier, kind=course.kind)
    return course


def requirement_add(*, actor: User, organisation: Organisation, course: Course, department: str = "",
                    role: str = "") -> Requirement:  # fmt: skip
    """Require `course` of staff in `department` with `role` (either empty = any; both = all staff).
    Departments and roles are compared with the staff list ignoring case and spacing."""
    _manage(actor, organisation)
    errors: dict[str, str] = {}
    department = _text(errors, "department", department, 120, "Keep the department to 120 characters.", required=False)
    role = _text(errors, "role", role, 120, "Keep the role to 120 characters.", required=False)
    if not errors and any(
        label_key(r.department) == label_key(department) and label_key(r.role) == label_key(role)
        for r in course.requirements.all()
    ):
        errors["__all__"] = "This course is already required of these staff."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        requirement = Requirement.objects.create(course=course, department=department, role=role)
        _audit("requirement_add", actor, organisation, requirement, course_id=course.pk)
    return requirement


def requirement_remove(*, actor: User, organisation: Organisation, requirement: Requirement) -> None:
    """Stop requiring a course of a group; completions stay recorded."""
    _manage(actor, organisation)
    with transaction.atomic():
        _audit("requirement_remove", actor, organisation, requirement, course_id=requirement.course_id)
        requirement.delete()


def _person_fields(errors: dict[str, str], fields: dict[str, Any], current: StaffMember | None) -> dict[str, Any]:
    staff_id = _text(errors, "staff_id", fields.get("staff_id", ""), 40,
                     "Give the staff number from HR or the learning system, up to 40 characters.")  # fmt: skip
    name = _text(errors, "name", fields.get("name", ""), 200, "Give the person's name, up to 200 characters.")
    email = clean_label(fields.get("email", "")).lower()
    department = _text(errors, "department", fields.get("department", ""), 120,
                       "Give the department as on the staff list, up to 120 characters.")  # fmt: skip
    role = _text(errors, "role", fields.get("role", ""), 120,
                 "Give the role or job family, e.g. 'Security' or 'Academic', up to 120 characters.")  # fmt: skip
    if email and ("@" not in email or " " in email or len(email) > 254):
        errors["email"] = "Give an email address such as name@example.ac.uk, or leave it empty."
    others = StaffMember.objects.exclude(pk=current.pk if current else None)
    if staff_id and others.filter(staff_id__iexact=staff_id).exists():
        errors["staff_id"] = "Someone on the staff list has this staff number already."
    return {"staff_id": staff_id, "name": name, "email": email, "department": department, "role": role}


def staff_add(*, actor: User, organisation: Organisation, **fields: Any) -> StaffMember:
    """Add a person to the staff list: `staff_id`, `name`, `email` (optional), `department`, `role`."""
    _manage(actor, organisation)
    errors: dict[str, str] = {}
    values = _person_fields(errors, fields, None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = StaffMember.objects.create(**values)
        _audit("staff_add", actor, organisation, person)
    return person


def staff_update(*, actor: User, organisation: Organisation, person: StaffMember, active: bool,
                 **fields: Any) -> StaffMember:  # fmt: skip
    """Change a person's details, or mark them as left (`active` False: no longer counted in coverage)."""
    _manage(actor, organisation)
    errors: dict[str, str] = {}
    values = _person_fields(errors, fields, person)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in {**values, "active": active}.items():
            setattr(person, name, value)
        person.save()
        _audit("staff_update", actor, organisation, person, active=active)
    return person


def completion_problem(completed_on: date, today: date) -> str | None:
    """Why a completion date cannot be recorded, or None."""
    if completed_on > today:
        return f"{completed_on:%d/%m/%Y} is in the future; record training once it has been completed."
    if completed_on < EARLIEST:
        return f"{completed_on:%d/%m/%Y} is before {EARLIEST:%Y}; check the date (day first: dd/mm/yyyy)."
    return None


def completion_record(*, actor: User, organisation: Organisation, person: StaffMember, course: Course,
                      completed_on: date, source: str = Source.PAGE) -> Completion:  # fmt: skip
    """Record that `person` completed `course` on `completed_on` (not in the future, not before 2000,
    not already recorded for that day)."""
    _manage(actor, organisation)
    problem = completion_problem(completed_on, london_today())
    if problem:
        raise ValidationError({"completed_on": problem})
    if Completion.objects.filter(person=person, course=course, completed_on=completed_on).exists():
        raise ValidationError({"completed_on": "This completion is recorded already for that day."})
    try:
        with transaction.atomic():
            completion = Completion.objects.create(person=person, course=course, completed_on=completed_on,
                                                   source=source, recorded_by=actor)  # fmt: skip
            _audit("completion_record", actor, organisation, completion, course_id=course.pk, person_id=person.pk)
    except IntegrityError as exc:  # recorded by someone else a moment ago
        raise ValidationError({"completed_on": "This completion is recorded already for that day."}) from exc
    return completion


def completion_delete(*, actor: User, organisation: Organisation, completion: Completion) -> None:
    """Remove a completion recorded by mistake (audited with its ids)."""
    _manage(actor, organisation)
    with transaction.atomic():
        _audit("completion_delete", actor, organisation, completion, course_id=completion.course_id,
               person_id=completion.person_id)  # fmt: skip
        completion.delete()


def coverage_export_record(*, actor: User, organisation: Organisation, file_format: str, on: date) -> None:
    """The audit event of an export of coverage (TRAINING_READ); call before sending the file."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.TRAINING_READ)
    audit_record(action="training.coverage_export", actor=actor, organisation_id=organisation.pk,
                 target_type="training.coverage", target_id=on.isoformat(),
                 detail={"format": file_format, "on": on.isoformat()})  # fmt: skip
