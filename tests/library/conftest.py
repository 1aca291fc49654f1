"""Helpers for the library's tests: people who speak for a member in the network's library."""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.utils import tenant_context

from library import services
from library.models import Practice
from library.services import PracticeText
from tenants import services as tenant_services
from tenants.models import Organisation, User


def text(**changes: object) -> PracticeText:
    """A valid write-up; `changes` replace fields."""
    fields: dict[str, object] = {
        "title": "Welfare officers in every school",
        "summary": "Each academic school has a named welfare officer students can reach the same day.",
        "practice": "Officers meet fortnightly with student services and escalate to the Prevent lead.",
        "what_worked": "Concerns reach the right person within a day.",
        "contact_role": "Prevent lead",
        "themes": ["welfare"],
    }
    fields.update(changes)
    return PracticeText(**fields)  # type: ignore[arg-type]


def network_member(
    member: Callable[..., User], network: Organisation, home: Organisation, *roles: str, **fields: object
) -> User:
    """A person with `roles` in `network` who also belongs to the member `home` (whom they speak for)."""
    user = member(network, *(roles or ("prevent_lead",)), **fields)
    tenant_services.membership_grant(actor=None, organisation=home, user=user, roles=["prevent_lead"])
    return user


def write(user: User, where: Organisation, *, publish: bool = True, **changes: object) -> Practice:
    with tenant_context(where):
        return services.practice_create(actor=user, organisation=where, text=text(**changes), publish=publish)
