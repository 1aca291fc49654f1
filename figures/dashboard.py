"""What network figures puts on an organisation's dashboard (see hub.panels).

* On a network's (or group's) host, for whoever holds FIGURES_READ (the co-ordinator): the trend of
  the network's speaker-request totals over recent terms (what was ingested; the page brings in
  anything new).
* On a member's host, for its Prevent lead: our figures against the network's, from the newest
  totals a network sent us.
"""

from __future__ import annotations

from django.http import HttpRequest

from core.dates import today as london_today
from figures import selectors, services
from hub.panels import Panel
from networks.selectors import networks_of
from tenants.models import Role
from tenants.scopes import Scope, scopes_of

TEMPLATE = "figures/_panel.html"


def panel(request: HttpRequest) -> Panel | None:
    """This app's dashboard card for `request.membership`, or None when it has nothing for them."""
    membership = getattr(request, "membership", None)
    if Scope.FIGURES_READ not in scopes_of(membership):
        return None
    organisation = request.tenant  # type: ignore[attr-defined]
    if selectors.is_network(organisation):
        rows = selectors.network_trends(
            london_today(), viewer_ids=selectors.viewer_organisations(organisation, request.user)
        )
        if not any(r.totals.contributors for r in rows):
            return None
        return Panel(
            title="Network figures",
            template=TEMPLATE,
            context={"chart": selectors.trend_charts(rows)[0], "network": True},
        )
    if Role.PREVENT_LEAD not in (getattr(membership, "roles", None) or []) or not networks_of(organisation).exists():
        return None
    views = selectors.own_against_network(
        services.totals_received(organisation=organisation, actor=request.user)  # type: ignore[arg-type]
    )
    if not views or not views[0].charts:
        return None
    return Panel(
        title="Our figures against the network's",
        template=TEMPLATE,
        context={"chart": views[0].charts[0], "view": views[0], "network": False},
    )
