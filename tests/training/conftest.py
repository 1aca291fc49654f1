"""Helpers for training tests: a manager and a reader in `org_a`, and quick ways to make records.

Every name here is fictional; names of many backgrounds appear across every outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tenants.models import Organisation, Role, User
from training.models import Completion, Course, Requirement, StaffMember


@dataclass
class People:
    org: Organisation
    lead: User  # Prevent lead: manages training
    officer: User  # safeguarding officer: reads coverage only
    organiser: User  # no training rights


@pytest.fixture
def t(org_a, member) -> People:
    return People(
        org=org_a,
        lead=member(org_a, Role.PREVENT_LEAD),
        officer=member(org_a, Role.SAFEGUARDING_OFFICER),
        organiser=member(org_a, Role.ORGANISER),
    )


def course(title: str = "Prevent awareness", *, kind: str = "induction", tier: str = "awareness",
           months: int | None = None, code: str = "") -> Course:  # fmt: skip
    return Course.objects.create(title=title, kind=kind, tier=tier, refresher_months=months, code=code)


def person(staff_id: str, name: str, department: str = "Library", role: str = "Support", **extra) -> StaffMember:
    return StaffMember.objects.create(staff_id=staff_id, name=name, department=department, role=role, **extra)


def require(c: Course, department: str = "", role: str = "") -> Requirement:
    return Requirement.objects.create(course=c, department=department, role=role)


def done(p: StaffMember, c: Course, on: date, by: User) -> Completion:
    return Completion.objects.create(person=p, course=c, completed_on=on, recorded_by=by)
