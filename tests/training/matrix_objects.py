"""Real objects behind the training URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django_tenants.utils import tenant_context

from tenants.models import Organisation, Role, User
from training.models import Completion, Course, Requirement, StaffMember


def training_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`course_id`, `requirement_id`, `person_id` and `completion_id` of objects in `home`."""
    recorder = member(home, Role.PREVENT_LEAD)
    with tenant_context(home):
        course = Course.objects.create(title="Prevent awareness (matrix)", tier="awareness", kind="induction")
        requirement = Requirement.objects.create(course=course)
        person = StaffMember.objects.create(staff_id="MX1", name="Noor Siddiqui", department="Library", role="Support")
        completion = Completion.objects.create(person=person, course=course, completed_on=date(2025, 2, 3),
                                               recorded_by=recorder)  # fmt: skip
    return {"course_id": course.pk, "requirement_id": requirement.pk, "person_id": person.pk,
            "completion_id": completion.pk}  # fmt: skip
