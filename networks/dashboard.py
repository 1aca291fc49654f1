"""What networks put on an organisation's dashboard (see hub.panels).

On a network's host: for each member organisation the person speaks for, the upcoming meetings
and that organisation's open actions (overdue first); for a co-ordinator, the network's overdue
count. On any other organisation's host: the networks it belongs to, with links to their sites,
from public `member_of` links only (another organisation's schema is never read here).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest

from hub.hosts import organisation_url
from hub.panels import Panel
from networks import selectors
from networks.models import ActionStatus, Paper
from networks.services import CONVENING_KINDS
from tenants.scopes import Scope, scopes_of


def panel(request: HttpRequest) -> Panel | None:
    """This app's dashboard card for `request.membership`, or None when it has nothing for them."""
    membership = getattr(request, "membership", None)
    held = scopes_of(membership)
    if Scope.NETWORK_READ not in held:
        return None
    organisation = request.tenant
    networks = [(n, organisation_url(request, n.slug, "/network/")) for n in selectors.networks_of(organisation)]
    if organisation.kind not in CONVENING_KINDS:
        if not networks:
            return None
        mine = [(n, organisation_url(request, n.slug, "/network/mine/")) for n, _ in networks]
        context = {"networks": networks, "mine": mine, "is_network": False}
        return Panel("Our networks", "networks/_panel.html", context)
    represented = selectors.represented_organisations(organisation, request.user)
    upcoming = list(
        selectors.meetings_upcoming().prefetch_related(Prefetch("papers", queryset=Paper.objects.defer("content")))[:3]
    )
    for_members = [
        (member, list(selectors.actions_of(member, status=ActionStatus.OPEN).order_by("due_on", "pk")[:10]))
        for member in represented
    ]
    can_convene = Scope.NETWORK_CONVENE in held
    if not (upcoming or for_members or can_convene or networks):
        return None
    context = {
        "is_network": True,
        "upcoming": upcoming,
        "for_members": for_members,
        "overdue": selectors.overdue_actions().count() if can_convene else None,
        "networks": networks,
    }
    return Panel(f"{organisation.name}: meetings and actions", "networks/_panel.html", context)
