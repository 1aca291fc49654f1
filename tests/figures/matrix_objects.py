"""URL kwargs for the rights matrix: the figures routes take none (the term is a query parameter)."""

from __future__ import annotations

from tenants.models import Organisation


def figures_objects(home: Organisation, member: object) -> dict[str, int]:
    return {}
