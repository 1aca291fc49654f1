"""What training records puts on an organisation's dashboard (see hub.panels): coverage on today's
date, how much is overdue, and coverage by department as a chart with its table."""

from __future__ import annotations

from django.http import HttpRequest

from core.dates import today
from hub.panels import Panel
from tenants.models import OrganisationKind
from tenants.scopes import Scope, scopes_of
from training import selectors
from training.charts import coverage_chart
from training.models import Course


def panel(request: HttpRequest) -> Panel | None:
    """The card for people with TRAINING_READ; None without it, or when no course is defined and the
    person cannot define one (a manager at a provider or partner sees a prompt to start; networks and
    Prevent groups, which train no staff of their own here, see nothing until they define a course)."""
    held = scopes_of(getattr(request, "membership", None))
    if Scope.TRAINING_READ not in held:
        return None
    if not Course.objects.exists():
        kind = getattr(getattr(request, "tenant", None), "kind", "")
        if Scope.TRAINING_MANAGE not in held or kind not in (OrganisationKind.PROVIDER, OrganisationKind.PARTNER):
            return None
        return Panel("Training coverage", "training/_panel.html", {"empty": True})
    found = selectors.coverage(today())
    chart = coverage_chart("Training coverage by department", found.by_department, "Department")
    return Panel("Training coverage", "training/_panel.html", {"coverage": found, "chart": chart, "empty": False})
