"""Pages under /risks/: the register with its heat map, a risk and its history, the action plan,
exports, sharing a summary with a network, and (on a network's host) the summaries members sent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from agreements.models import RecordKind
from agreements.policy import SharingDenied
from core.dates import today as london_today
from core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from hub.charts import bar_chart
from hub.fetch_metadata import is_deliberate
from hub.forms_util import add_service_errors
from risks import exports, selectors, services
from risks.forms import ActionForm, FilterForm, RiskForm, ShareForm
from risks.models import CURRENT_STATUSES, ActionStatus, Category, Rating, RiskStatus
from sharing.records import records_shared
from tenants.scopes import Scope, has_scope, scope_required


def _can(request: HttpRequest, scope: Scope) -> bool:
    return has_scope(request.user, request.tenant, scope)


def _category_chart(figures: selectors.Overview) -> Any:
    return bar_chart(
        "Current risks by category and rating",
        [str(c.label) for c in Category],
        {str(r.label): [figures.by_category[c.value][r.value] for c in Category] for r in Rating},
        stacked=True,
        horizontal=True,
        category_label="Category",
        y_title="Risks",
    )


@scope_required(Scope.RISKS_READ)
def register(request: HttpRequest) -> HttpResponse:
    """The register: figures, the heat map of current risks, a chart by category, and the filtered list."""
    today = london_today()
    form = FilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = selectors.risks_all().annotate(open_actions=Count("actions", filter=~Q(actions__status=ActionStatus.DONE)))
    status = chosen.get("status") or "current"
    if status == "current":
        rows = rows.filter(status__in=CURRENT_STATUSES)
    elif status in RiskStatus.values:
        rows = rows.filter(status=status)
    if chosen.get("category"):
        rows = rows.filter(category=chosen["category"])
    for name in ("likelihood", "impact"):
        if chosen.get(name):
            rows = rows.filter(**{name: chosen[name]})
    risks = list(rows)
    if chosen.get("rating"):
        risks = [r for r in risks if r.rating == chosen["rating"]]
    risks.sort(key=lambda r: (-r.score, r.title.lower(), r.pk))
    figures = selectors.overview(today)
    context = {
        "form": form,
        "risks": risks,
        "today": today,
        "figures": figures,
        "ratings": [(r, figures.by_rating[r.value]) for r in Rating],
        "heat": selectors.heat_map(),
        "impacts": list(range(1, 6)),
        "chart": _category_chart(figures),
        "can_manage": _can(request, Scope.RISKS_MANAGE),
        "can_share": _can(request, Scope.RISKS_SHARE),
        "filtered": bool(request.GET),
    }
    return render(request, "risks/register.html", context)


def _risk_input(data: dict[str, Any]) -> services.RiskInput:
    return services.RiskInput(
        title=data["title"],
        description=data["description"],
        category=data["category"],
        likelihood=data["likelihood"],
        impact=data["impact"],
        owner=data["owner"],
        existing_controls=data["existing_controls"],
        planned_controls=data["planned_controls"],
        review_on=data["review_on"],
        status=data["status"],
    )


@scope_required(Scope.RISKS_MANAGE)
def risk_new(request: HttpRequest) -> HttpResponse:
    form = RiskForm(request.POST or None, organisation=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            data, reason = _risk_input(form.cleaned_data), form.cleaned_data["reason"]
            risk = services.risk_create(actor=request.user, organisation=request.tenant, data=data, reason=reason)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Risk added: {risk.title} (rated {risk.rating.label.lower()}).")
            return redirect("risks:risk", risk_id=risk.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "risks/risk_form.html", {"form": form, "risk": None}, status=status)


@scope_required(Scope.RISKS_READ)
def risk_detail(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = selectors.risk_get(risk_id)
    today = london_today()
    context = {
        "risk": risk,
        "today": today,
        "changes": risk.changes.select_related("changed_by"),
        "actions": [(a, a.is_overdue(today)) for a in risk.actions.select_related("owner")],
        "can_manage": _can(request, Scope.RISKS_MANAGE),
    }
    return render(request, "risks/risk.html", context)


@scope_required(Scope.RISKS_MANAGE)
def risk_edit(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = selectors.risk_get(risk_id)
    form = RiskForm(request.POST or None, organisation=request.tenant, editing=True, initial=RiskForm.initial_for(risk))
    if request.method == "POST" and form.is_valid():
        try:
            data, reason = _risk_input(form.cleaned_data), form.cleaned_data["reason"]
            change = services.risk_update(
                actor=request.user, organisation=request.tenant, risk=risk, data=data, reason=reason
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if change is None:
                messages.info(request, "Nothing changed, so nothing was added to the history.")
            else:
                labels = ", ".join(e["label"].lower() for e in change.fields)
                messages.success(request, f"Risk updated ({labels}); the change and its reason are in the history.")
            return redirect("risks:risk", risk_id=risk.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk}, status=status)


@scope_required(Scope.RISKS_READ)
def action_plan(request: HttpRequest) -> HttpResponse:
    """Every action: open ones first by due date (overdue flagged), then done ones."""
    today = london_today()
    show = request.GET.get("show", "open")
    rows = selectors.actions_all()
    if show == "overdue":
        rows = rows.exclude(status=ActionStatus.DONE).filter(due_on__lt=today)
    elif show != "all":
        show = "open"
        rows = rows.exclude(status=ActionStatus.DONE)
    actions = sorted(rows, key=lambda a: (a.status == ActionStatus.DONE, a.due_on, a.pk))
    figures = selectors.overview(today)
    context = {
        "actions": [(a, a.is_overdue(today)) for a in actions],
        "show": show,
        "figures": figures,
        "today": today,
        "can_manage": _can(request, Scope.RISKS_MANAGE),
    }
    return render(request, "risks/actions.html", context)


def _action_input(data: dict[str, Any]) -> services.ActionInput:
    return services.ActionInput(
        title=data["title"],
        owner=data["owner"],
        due_on=data["due_on"],
        risk=data["risk"],
        notes=data["notes"],
        status=data["status"],
    )


@scope_required(Scope.RISKS_MANAGE)
def action_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("risk", "").isdigit():
        initial["risk"] = int(request.GET["risk"])
    form = ActionForm(request.POST or None, organisation=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, organisation=request.tenant,
                                            data=_action_input(form.cleaned_data),
                                            recording_past=form.cleaned_data["recording_past"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action added: {action.title}, due {action.due_on:%-d %B %Y}.")
            return redirect("risks:risk", risk_id=action.risk_id) if action.risk_id else redirect("risks:actions")
    status = 400 if request.method == "POST" else 200
    return render(request, "risks/action_form.html", {"form": form, "action": None}, status=status)


@scope_required(Scope.RISKS_MANAGE)
def action_edit(request: HttpRequest, risk_action_id: int) -> HttpResponse:
    action = selectors.action_get(risk_action_id)
    initial = {"title": action.title, "risk": action.risk_id, "owner": action.owner_id, "due_on": action.due_on,
               "status": action.status, "notes": action.notes}  # fmt: skip
    form = ActionForm(request.POST or None, organisation=request.tenant, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, organisation=request.tenant, action=action,
                                   data=_action_input(form.cleaned_data))  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action updated: {action.title}.")
            return redirect("risks:actions")
    status = 400 if request.method == "POST" else 200
    return render(request, "risks/action_form.html", {"form": form, "action": action}, status=status)


# --- exports -----------------------------------------------------------------------------------


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@scope_required(Scope.RISKS_READ)
def export_risks_csv(request: HttpRequest) -> HttpResponse:
    today = london_today()
    text, rows = exports.risks_csv(today)
    services.export_audit(actor=request.user, organisation=request.tenant, what="risks", file_format="csv", rows=rows)
    return _download(text.encode("utf-8"), "text/csv; charset=utf-8", f"risk-register-{today.isoformat()}.csv")


@scope_required(Scope.RISKS_READ)
def export_actions_csv(request: HttpRequest) -> HttpResponse:
    today = london_today()
    text, rows = exports.actions_csv(today)
    services.export_audit(actor=request.user, organisation=request.tenant, what="actions", file_format="csv", rows=rows)
    return _download(text.encode("utf-8"), "text/csv; charset=utf-8", f"action-plan-{today.isoformat()}.csv")


@scope_required(Scope.RISKS_READ)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    today = london_today()
    content, rows = exports.register_xlsx(today)
    services.export_audit(
        actor=request.user, organisation=request.tenant, what="register", file_format="xlsx", rows=rows
    )
    return _download(content, XLSX_CONTENT_TYPE, f"risk-register-{today.isoformat()}.xlsx")


# --- sharing with a network ------------------------------------------------------------------------

DENIED = (
    "No information-sharing agreement in force lets {network} receive our risk summary. Ask our data "
    "protection officer or Prevent lead to agree one (the 'Risk register summaries to a network' template), "
    "then send it again. Nothing was sent."
)


@scope_required(Scope.RISKS_SHARE)
def share(request: HttpRequest) -> HttpResponse:
    """Preview the counts that would cross, choose a network we belong to, send; what we sent before."""
    form = ShareForm(request.POST or None, organisation=request.tenant)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            network = form.cleaned_data["network"]
            try:
                services.summary_share(actor=request.user, organisation=request.tenant, network=network)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except SharingDenied:
                form.add_error(None, DENIED.format(network=network.name))
            else:
                messages.success(request, f"Risk summary sent to {network.name}: counts only, no titles or names.")
                return redirect("risks:share")
    record = selectors.summary_record()
    sent = records_shared(source=request.tenant, kind=RecordKind.RISK_SUMMARY).select_related("shared_by")
    context = {
        "form": form,
        "record": record,
        "figures": selectors.overview(),
        "ratings": list(Rating),
        "categories": [(c.label, [record["by_category"][c.value][r.value] for r in Rating]) for c in Category],
        "sent": sent,
        "networks": form.fields["network"].queryset,  # type: ignore[attr-defined]
    }
    return render(request, "risks/share.html", context, status=status)


@scope_required(Scope.RISKS_READ)
def received(request: HttpRequest) -> HttpResponse:
    """On a network's host: the latest summary from each current member, opened through the policy.

    Opening is recorded for each member, so a link from another site asks first (POST to open)."""
    if not (request.method == "POST" or (request.method == "GET" and is_deliberate(request))):
        return render(request, "risks/confirm.html", {})
    summaries = selectors.received_summaries(request.tenant, request.user)
    totals = {
        "current": sum(s.current for s in summaries),
        "by_rating": [sum(s.by_rating[i][1] for s in summaries) for i in range(len(Rating))],
        "reviews_due": sum(s.reviews_due for s in summaries),
        "actions_open": sum(s.actions_open for s in summaries),
        "actions_overdue": sum(s.actions_overdue for s in summaries),
    }
    chart = bar_chart(
        "Members' current risks by rating",
        [s.view.source_name for s in summaries],
        {str(r.label): [s.by_rating[i][1] for s in summaries] for i, r in enumerate(Rating)},
        stacked=True,
        horizontal=True,
        category_label="Member",
        y_title="Risks",
    )
    context = {
        "summaries": summaries,
        "totals": totals,
        "ratings": list(Rating),
        "members": selectors.network_members(request.tenant),
        "chart": chart,
    }
    return render(request, "risks/received.html", context)
