"""Small checks every welfare service shares."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from core.dates import today
from tenants.models import Membership, User
from welfare import rights
from welfare.models import Case

NOT_FOUND = "No such case."


def not_in_future(value: date | None, field: str, errors: dict[str, str], what: str = "The date") -> None:
    if value is not None and value > today():
        errors.setdefault(field, f"{what} cannot be in the future: enter today's date or an earlier one.")


def case_access(actor: User, case: Case) -> Membership:
    """The actor's membership if they may see the case now; otherwise refused like a missing case."""
    membership = rights.membership_of(actor)
    if not rights.can_see_case(membership, case):
        raise PermissionDenied(NOT_FOUND)
    return membership


def organisation_id() -> int:
    return rights.current_organisation().pk
