"""Reads of training records, from the current organisation's schema.

The interface other apps use (the annual return, network figures):

* `delivered_in(start, end)` — completions recorded in a window, by the course's kind;
* `coverage(on)` — required person-course pairs, how many are current, how many overdue, by role
  and by department;
* `has_records()` — whether the organisation has recorded any training at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from partners.models import TrainingRecord
from training.models import Completion, Course, Kind, Requirement, StaffMember
from training.rules import Status, clean_label, expires_on, label_key, percent, requires, status


def has_records() -> bool:
    """True once the organisation has recorded at least one completion (of any course, ever)."""
    return Completion.objects.exists()


def delivered_in(start: date, end: date) -> dict[str, int | None]:
    """Completions recorded with `start <= completed_on <= end`, counted by the course's kind:
    `{"induction": n, "refresher": n, "briefing": n}` (broader briefings and workshops count as
    "briefing"). Every value is None when the organisation has recorded no training at all: the
    return shows a gap, not a zero (OfS annual return: training delivered). A person who has since
    left still counts: the training was delivered.
    """
    if not has_records():
        return {kind: None for kind in Kind.values}
    counted = dict(
        Completion.objects.filter(completed_on__gte=start, completed_on__lte=end)
        .values_list("course__kind")
        .annotate(n=Count("pk"))
        .values_list("course__kind", "n")
    )
    return {kind: counted.get(kind, 0) for kind in Kind.values}


@dataclass(frozen=True)
class Item:
    """One course one person must take, and where they stand on the day."""

    person: StaffMember
    course: Course
    status: Status
    last_completed: date | None
    expires_on: date | None  # of the last completion; None if never completed or it never expires

    @property
    def overdue(self) -> bool:
        return self.status != Status.CURRENT


@dataclass(frozen=True)
class CoverageRow:
    """Coverage of one group (a role, a department or a course). `required` counts person-course pairs."""

    label: str
    people: int
    required: int
    complete: int
    overdue: int
    percent: float | None


@dataclass(frozen=True)
class Coverage:
    """Coverage on `on` of the current staff list (people marked as left are not counted).

    `required` is the number of (person, course) pairs some requirement covers; `complete` those
    with a completion on or before `on` that has not expired; `overdue` = required - complete
    (never completed, or refresher expired); `percent` = complete / required to one decimal, None
    when nothing is required. `people` counts staff with at least one requirement and
    `people_overdue` those with at least one overdue course. The breakdowns are sorted by label.
    """

    on: date
    required: int
    complete: int
    overdue: int
    percent: float | None
    people: int
    people_overdue: int
    by_role: list[CoverageRow]
    by_department: list[CoverageRow]
    by_course: list[CoverageRow]


def items(on: date, people: Iterable[StaffMember] | None = None) -> list[Item]:
    """Every required (person, course) pair of the active staff list on `on`, with its status."""
    staff = list(people) if people is not None else list(StaffMember.objects.filter(active=True))
    requirements = list(Requirement.objects.select_related("course"))
    last = {
        (row["person_id"], row["course_id"]): row["last"]
        for row in Completion.objects.filter(completed_on__lte=on, person__in=[p.pk for p in staff])
        .values("person_id", "course_id")
        .annotate(last=Max("completed_on"))
    }
    out: list[Item] = []
    for person in staff:
        courses: dict[int, Course] = {}
        for req in requirements:
            if requires(department=req.department, role=req.role, person_department=person.department,
                        person_role=person.role):  # fmt: skip
                courses[req.course_id] = req.course
        for course in sorted(courses.values(), key=lambda c: (c.title.casefold(), c.pk)):
            done = last.get((person.pk, course.pk))
            state = status(last_completed=done, refresher_months=course.refresher_months, on=on)
            ends = expires_on(done, course.refresher_months) if done is not None else None
            out.append(Item(person, course, state, done, ends))
    return out


def _rows(found: list[Item], key: Callable[[Item], str]) -> list[CoverageRow]:
    groups: dict[str, list[Item]] = defaultdict(list)
    labels: dict[str, str] = {}
    for item in found:
        label = clean_label(key(item)) or "(not given)"
        groups[label.casefold()].append(item)
        labels.setdefault(label.casefold(), label)
    rows = []
    for k in sorted(groups, key=lambda k: labels[k].casefold()):
        group = groups[k]
        complete = sum(1 for i in group if not i.overdue)
        rows.append(CoverageRow(labels[k], len({i.person.pk for i in group}), len(group), complete,
                                len(group) - complete, percent(complete, len(group))))  # fmt: skip
    return rows


def coverage(on: date) -> Coverage:
    """Coverage of the organisation's required training on `on` (see `Coverage`)."""
    found = items(on)
    complete = sum(1 for i in found if not i.overdue)
    return Coverage(
        on=on,
        required=len(found),
        complete=complete,
        overdue=len(found) - complete,
        percent=percent(complete, len(found)),
        people=len({i.person.pk for i in found}),
        people_overdue=len({i.person.pk for i in found if i.overdue}),
        by_role=_rows(found, lambda i: i.person.role),
        by_department=_rows(found, lambda i: i.person.department),
        by_course=_rows(found, lambda i: i.course.title),
    )


def overdue(on: date, *, department: str = "", role: str = "") -> list[Item]:
    """Who is overdue on `on` and with what, optionally for one department and/or role (compared
    like requirements: case and spacing do not matter); by department, then name, then course."""
    found = [
        i
        for i in items(on)
        if i.overdue
        and (not department or label_key(department) == label_key(i.person.department))
        and (not role or label_key(role) == label_key(i.person.role))
    ]
    return sorted(found, key=lambda i: (label_key(i.person.department), i.person.name.casefold(), i.person.pk,
                                        i.course.title.casefold()))  # fmt: skip


def courses() -> QuerySet[Course]:
    return Course.objects.annotate(completions_count=Count("completions", distinct=True)).prefetch_related(
        "requirements"
    )


def course_get(course_id: int) -> Course:
    return get_object_or_404(Course, pk=course_id)


def person_get(person_id: int) -> StaffMember:
    return get_object_or_404(StaffMember, pk=person_id)


def completion_get(completion_id: int) -> Completion:
    return get_object_or_404(Completion.objects.select_related("person", "course"), pk=completion_id)


def requirement_get(requirement_id: int) -> Requirement:
    return get_object_or_404(Requirement.objects.select_related("course"), pk=requirement_id)


def staff(query: str = "", *, include_left: bool = False) -> QuerySet[StaffMember]:
    """The staff list, by name; `query` matches the name, staff id, email, department or role."""
    rows = StaffMember.objects.all() if include_left else StaffMember.objects.filter(active=True)
    if query:
        rows = rows.filter(
            Q(name__icontains=query) | Q(staff_id__icontains=query) | Q(email__icontains=query)
            | Q(department__icontains=query) | Q(role__icontains=query)
        )  # fmt: skip
    return rows


def departments_and_roles() -> tuple[list[str], list[str]]:
    """The distinct departments and roles on the active staff list (as written, case-insensitively distinct)."""

    def distinct(values: Iterable[str]) -> list[str]:
        seen: dict[str, str] = {}
        for v in values:
            seen.setdefault(label_key(v), clean_label(v))
        return sorted(seen.values(), key=str.casefold)

    active = StaffMember.objects.filter(active=True)
    return distinct(active.values_list("department", flat=True)), distinct(active.values_list("role", flat=True))


def delivered_to_partners() -> int:
    """Sessions this organisation (a validating university) recorded as delivered to its partners'
    staff (`partners.TrainingRecord` with a `partner_id`, in this organisation's own schema)."""
    return TrainingRecord.objects.filter(partner_id__isnull=False).count()
