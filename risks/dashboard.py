"""What the risk register puts on an organisation's dashboard (see hub.panels): risks by rating,
reviews due, overdue actions, for people holding RISKS_READ."""

from __future__ import annotations

from django.http import HttpRequest

from hub.charts import bar_chart
from hub.panels import Panel
from risks import selectors
from risks.models import Rating, Risk, RiskAction
from tenants.scopes import Scope, scopes_of


def panel(request: HttpRequest) -> Panel | None:
    """The register's card, or None without RISKS_READ or when nothing is recorded yet."""
    if Scope.RISKS_READ not in scopes_of(getattr(request, "membership", None)):
        return None
    if not Risk.objects.exists() and not RiskAction.objects.exists():
        return None
    figures = selectors.overview()
    ratings = [(str(r.label), figures.by_rating[r.value]) for r in Rating]
    chart = None
    if figures.actions_open:
        chart = bar_chart(
            "Open actions: on time and overdue",
            ["Actions"],
            {
                "On time": [figures.actions_open - figures.actions_overdue],
                "Overdue": [figures.actions_overdue],
            },
            stacked=True,
            horizontal=True,
            y_title="Actions",
        )
    return Panel(
        title="Prevent risk register",
        template="risks/panel.html",
        context={"figures": figures, "ratings": ratings, "chart": chart},
    )
