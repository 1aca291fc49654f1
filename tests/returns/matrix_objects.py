"""Real objects behind the return's URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.utils import tenant_context

from core.dates import today
from returns import services
from returns.years import last_complete_year
from tenants.models import Organisation, Role, User


def returns_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`return_id`: a draft return of `home` for the last complete academic year."""
    lead = member(home, Role.PREVENT_LEAD)
    with tenant_context(home):
        draft = services.return_assemble(actor=lead, organisation=home, year=last_complete_year(today()))
    return {"return_id": draft.pk}
