"""What the good-practice library puts on an organisation's dashboard (see hub.panels).

The latest published write-ups, for anyone who may read the library; an invitation to write the
first one for those who may publish; nothing for the others while the library is empty. A member
organisation's own library is usually empty (write-ups are shared in its networks' libraries), so
the card links to the libraries of the networks and groups it belongs to.
"""

from __future__ import annotations

from django.http import HttpRequest

from hub.hosts import organisation_url
from hub.panels import Panel
from library import selectors
from networks.selectors import networks_of
from tenants.scopes import Scope, scopes_of

LATEST = 3


def panel(request: HttpRequest) -> Panel | None:
    """This app's dashboard card for `request.membership`, or None when it has nothing for them."""
    held = scopes_of(getattr(request, "membership", None))
    if Scope.LIBRARY_READ not in held:
        return None
    found = selectors.practices_found(request.tenant).practices
    total = found.count()
    can_publish = Scope.LIBRARY_PUBLISH in held
    networks = [(n.name, organisation_url(request, n.slug, "/library/")) for n in networks_of(request.tenant)]
    if not total and not can_publish and not networks:
        return None
    context = {"latest": list(found[:LATEST]), "total": total, "can_publish": can_publish, "networks": networks}
    return Panel(title="Good-practice library", template="library/_dashboard_panel.html", context=context)
