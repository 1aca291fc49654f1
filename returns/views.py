"""Pages under /return/: the returns by year, one return (figures, charts, sources, gaps), the records
behind a figure, sign-off and the exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.dates import today as london_today
from core.xlsx import CONTENT_TYPE
from hub.forms_util import add_service_errors
from returns import selectors, services
from returns.forms import AssembleForm, SignOffForm
from returns.years import choosable_years
from tenants.scopes import Scope, has_scope, scope_required, scopes_of


@scope_required({"GET": Scope.RETURN_READ, "POST": Scope.RETURN_PREPARE})
def index(request: HttpRequest) -> HttpResponse:
    """Every year's return with its versions; assemble a year."""
    form = AssembleForm(request.POST or None, years=choosable_years(london_today()))
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.return_assemble(actor=request.user, organisation=request.tenant,
                                             year=form.cleaned_data["year"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Draft version {draft.version} of the {draft.year_code} return assembled. "
                             "Check the figures and the gaps, then ask the Prevent lead to sign it off.")  # fmt: skip
            return redirect("returns:detail", return_id=draft.pk)
    context = {
        "form": form,
        "years": selectors.returns_by_year(),
        "status": selectors.year_status(london_today()),
        "can_assemble": has_scope(request.user, request.tenant, Scope.RETURN_PREPARE),
    }
    return render(request, "returns/index.html", context, status=400 if request.method == "POST" else 200)


@scope_required(Scope.RETURN_READ)
def detail(request: HttpRequest, return_id: int) -> HttpResponse:
    found = selectors.return_get(return_id)
    header, rows = selectors.table(found.data)
    held = scopes_of(getattr(request, "membership", None))
    context = {
        "r": found,
        "data": found.data,
        "header": header,
        "rows": list(zip(found.data.get("lines", []), rows, strict=True)),
        "charts": selectors.charts(found.data),
        "sign_form": SignOffForm(initial={"seen": services.digest_of(found.data)}),
        "can_sign": found.is_draft and Scope.RETURN_SIGN_OFF in held,
        "can_prepare": Scope.RETURN_PREPARE in held,
        "can_open_reports": Scope.PARTNERS_OVERSEE in held,
        "versions": [r for code, rs in selectors.returns_by_year() if code == found.year_code for r in rs],
    }
    return render(request, "returns/detail.html", context)


@scope_required(Scope.RETURN_READ)
def records(request: HttpRequest, return_id: int) -> HttpResponse:
    """The records behind one figure (`?figure=<key>`) that this person may open; without one, the list."""
    found = selectors.return_get(return_id)
    key = request.GET.get("figure", "")
    shown = selectors.figure_records(found, key, getattr(request, "membership", None)) if key else None
    context = {"r": found, "data": found.data, "shown": shown, "lines": found.data.get("lines", [])}
    return render(request, "returns/records.html", context)


@scope_required(Scope.RETURN_SIGN_OFF)
@require_POST
def sign_off(request: HttpRequest, return_id: int) -> HttpResponse:
    found = selectors.return_get(return_id)
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        services.return_sign_off(actor=request.user, organisation=request.tenant, annual_return=found,
                                 gaps_acknowledged=bool(form.cleaned_data.get("gaps_acknowledged")),
                                 seen=form.cleaned_data.get("seen") or None)  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Version {found.version} of the {found.year_code} return is signed off. "
                         "Its figures are frozen; assembling the year again makes a new draft.")  # fmt: skip
    return redirect("returns:detail", return_id=found.pk)


@scope_required(Scope.RETURN_READ)
def export_csv(request: HttpRequest, return_id: int) -> HttpResponse:
    found = selectors.return_get(return_id)
    services.return_exported(actor=request.user, organisation=request.tenant, annual_return=found, file_format="csv")
    response = HttpResponse(selectors.as_csv(found).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{selectors.export_name(found, "csv")}"'
    return response


@scope_required(Scope.RETURN_READ)
def export_xlsx(request: HttpRequest, return_id: int) -> HttpResponse:
    found = selectors.return_get(return_id)
    services.return_exported(actor=request.user, organisation=request.tenant, annual_return=found, file_format="xlsx")
    response = HttpResponse(selectors.as_xlsx(found), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{selectors.export_name(found, "xlsx")}"'
    return response
