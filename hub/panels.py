"""Cards that other apps put on an organisation's dashboard.

Each app that has something for the dashboard names a function in `DASHBOARD_PANELS`:
`panel(request) -> Panel | None`. It decides from `request.membership`'s scopes (and its own
rights module) whether the person may see it, and returns None when not, or when there is nothing
to show. The dashboard renders each `Panel.template` with `panel` in its context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.module_loading import import_string

DASHBOARD_PANELS = [
    "speakers.dashboard.panel",
    "networks.dashboard.panel",
    "figures.dashboard.panel",
    "training.dashboard.panel",
    "risks.dashboard.panel",
    "returns.dashboard.panel",
    "library.dashboard.panel",
]


@dataclass
class Panel:
    """One dashboard card: `template` is rendered with `panel` (this object) in its context."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def dashboard_panels(request: HttpRequest) -> list[Panel]:
    """The cards for this request's person, in `DASHBOARD_PANELS` order."""
    panels = []
    for dotted in DASHBOARD_PANELS:
        made = import_string(dotted)(request)
        if made is not None:
            panels.append(made)
    return panels


def counts_in_one_query(querysets: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """How many rows each queryset has, all in ONE statement: `{name: count}`, same keys.

    Each queryset becomes a scalar subquery (`(SELECT count(*) FROM (...))`) of one SELECT, so a
    card's figures cost one round trip however many there are and whatever the data. The querysets
    may mix the tenant's schema and the public one (the connection's search_path holds both). An
    empty queryset (`.none()`) counts 0 without a subquery. Raises DatabaseError like any query.
    """
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    found = dict.fromkeys(querysets, 0)
    for name, queryset in querysets.items():
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"(SELECT count(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608 (compiled queryset)
        params.extend(sql_params)
        names.append(name)
    if not parts:
        return found
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608 (compiled querysets, parameters bound)
        row = cursor.fetchone()
    found.update(zip(names, (int(n) for n in row), strict=True))
    return found
