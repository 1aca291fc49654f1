"""What the annual Prevent return puts on an organisation's dashboard (see hub.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from core.dates import today as london_today
from hub.panels import Panel
from returns.selectors import year_status
from tenants.models import OrganisationKind
from tenants.scopes import Scope, scopes_of


def panel(request: HttpRequest) -> Panel | None:
    """For holders of `return:read`: the current academic year's return — not started, draft or signed
    off — and how many gaps it flags."""
    if Scope.RETURN_READ not in scopes_of(getattr(request, "membership", None)):
        return None
    if request.tenant.kind in (OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP):
        return None  # a network or Silver group files no return: its co-ordinator was told to assemble one
    return Panel(title="The annual Prevent return", template="returns/_panel.html",
                 context={"status": year_status(london_today())})  # fmt: skip
