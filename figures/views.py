"""Pages under /figures/: a member's own figures against the network's; the co-ordinator's totals and trends."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.dates import today as london_today
from figures import selectors, services
from figures.assembly import own_figures
from figures.forms import PublishForm, SendForm
from hub.forms_util import add_service_errors
from networks.selectors import networks_of
from tenants.scopes import Scope, has_scope, scope_required


@scope_required(Scope.FIGURES_READ)
def index(request: HttpRequest) -> HttpResponse:
    """Members: our figures against each network's. A network or group: its totals and trends."""
    organisation = request.tenant  # type: ignore[attr-defined]
    today = london_today()
    context: dict[str, object] = {
        "can_send": has_scope(request.user, organisation, Scope.FIGURES_CONTRIBUTE),
        "networks": list(networks_of(organisation)),
        "is_network": selectors.is_network(organisation),
    }
    if context["networks"]:
        received = services.totals_received(organisation=organisation, actor=request.user)  # type: ignore[arg-type]
        context["views"] = selectors.own_against_network(received)
        context["sent"] = selectors.submissions()[:12]
    if context["is_network"]:
        services.ingest(network=organisation, actor=request.user)  # type: ignore[arg-type]
        rows = selectors.network_trends(today, viewer_ids=selectors.viewer_organisations(organisation, request.user))
        context.update(
            rows=rows,
            trend_charts=selectors.trend_charts(rows),
            publish_form=PublishForm(today=today),
        )
    return render(request, "figures/index.html", context)


@scope_required(Scope.FIGURES_CONTRIBUTE)
def send(request: HttpRequest) -> HttpResponse:
    """Review our figures for a term, then send them to a network (only if an agreement allows)."""
    organisation = request.tenant  # type: ignore[attr-defined]
    today = london_today()
    networks = list(networks_of(organisation))
    data = request.POST if request.method == "POST" else (request.GET if "period" in request.GET else None)
    form = SendForm(data, networks=networks, today=today)
    preview = None
    if data is not None and form.is_valid():
        network, period = form.chosen()
        if request.method == "POST":
            try:
                services.contribution_send(
                    actor=request.user,  # type: ignore[arg-type]
                    organisation=organisation,
                    network=network,
                    period=period,
                    today=today,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Our figures for the {period.label} were sent to {network.name}.")
                return redirect("figures:index")
        preview = {"period": period, "charts": selectors.figures_chart(own_figures(period, today), period)}
    return render(request, "figures/send.html", {"form": form, "preview": preview, "networks": networks})


@scope_required({"POST": Scope.FIGURES_CONTRIBUTE})
def publish(request: HttpRequest) -> HttpResponse:
    """A network sends each member its totals for a term beside the member's own figures."""
    organisation = request.tenant  # type: ignore[attr-defined]
    form = PublishForm(request.POST, today=london_today())
    if not selectors.is_network(organisation):
        messages.error(request, "Only a network or group publishes network totals.")
        return redirect("figures:index")
    if not form.is_valid():
        messages.error(request, "Choose a term that has ended.")
        return redirect("figures:index")
    period = form.chosen()
    services.ingest(network=organisation, actor=request.user)  # type: ignore[arg-type]
    report = services.totals_publish(actor=request.user, network=organisation, period=period)  # type: ignore[arg-type]
    parts = [f"{len(report.sent)} member(s) sent the {period.label} totals"]
    if report.unchanged:
        parts.append(f"{len(report.unchanged)} already had them")
    if report.not_enough:
        parts.append(f"{len(report.not_enough)} not sent: fewer than three members have contributed for this term")
    if report.refused:
        parts.append(f"{len(report.refused)} not sent: no agreement in force allows it ({', '.join(report.refused)})")
    messages.success(request, "; ".join(parts) + ".")
    return redirect("figures:index")
