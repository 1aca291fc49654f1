"""Cards that other apps put on an organisation's dashboard.

Each app that has something for the dashboard names a function in `DASHBOARD_PANELS`:
`panel(request) -> Panel | None`. It decides from `request.membership`'s scopes (and its own
rights module) whether the person may see it, and returns None when not, or when there is nothing
to show. The dashboard renders each `Panel.template` with `panel` in its context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
