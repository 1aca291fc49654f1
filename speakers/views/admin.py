"""The procedure owner's and auditor's pages: procedure, catalogue, audit sample, import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import csv_file
from hub.forms_util import add_service_errors
from speakers import csv_format, selectors, services
from speakers.forms import AuditSampleForm, ImportForm, MitigationForm, ProcedureForm
from speakers.models import Mitigation
from speakers.services import ImportRejected
from speakers.services.audit_sample import audit_sample_csv
from tenants.scopes import Scope, scope_required


def _procedure_initial() -> dict:
    config = selectors.procedure_config()
    return {
        "reviewing_roles": config.reviewing_roles,
        "higher_risk_criteria": "\n".join(config.higher_risk_criteria),
        "minimum_notice_working_days": config.minimum_notice_working_days,
        "senior_decision_maker_role": config.senior_decision_maker_role,
        "decision_validity_months": config.decision_validity_months,
    }


@scope_required(Scope.SPEAKERS_CONFIGURE)
def procedure(request: HttpRequest) -> HttpResponse:
    form = ProcedureForm(request.POST or None, initial=_procedure_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.procedure_config_update(
                actor=request.user, reviewing_roles=data["reviewing_roles"],
                higher_risk_criteria=data["higher_risk_criteria"].splitlines(),
                minimum_notice_working_days=data["minimum_notice_working_days"],
                senior_decision_maker_role=data["senior_decision_maker_role"],
                decision_validity_months=data["decision_validity_months"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Procedure saved.")
            return redirect("speakers:procedure")
    context = {"form": form, "mitigation_form": MitigationForm(),
               "catalogue": selectors.mitigation_catalogue(include_retired=True)}  # fmt: skip
    return render(request, "speakers/procedure.html", context, status=400 if form.errors else 200)


@scope_required(Scope.SPEAKERS_CONFIGURE)
@require_POST
def mitigation_add(request: HttpRequest) -> HttpResponse:
    form = MitigationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"label": "Name the mitigation."})
        services.mitigation_create(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Mitigation added to the catalogue.")
    return redirect("speakers:procedure")


@scope_required(Scope.SPEAKERS_CONFIGURE)
@require_POST
def mitigation_toggle(request: HttpRequest, mitigation_id: int) -> HttpResponse:
    item = get_object_or_404(Mitigation, pk=mitigation_id)
    services.mitigation_update(actor=request.user, mitigation=item, label=item.label, description=item.description,
                               timing=item.timing, active=not item.active)  # fmt: skip
    messages.success(request, f"“{item.label}” {'restored' if item.active else 'retired'}.")
    return redirect("speakers:procedure")


@scope_required(Scope.SPEAKERS_AUDIT)
def audit_sample(request: HttpRequest) -> HttpResponse:
    form = AuditSampleForm(request.GET or None)
    report = None
    if form.is_valid():
        try:
            report = services.audit_sample_run(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "speakers/audit_sample.html", {"form": form, "report": report})


@scope_required(Scope.SPEAKERS_AUDIT)
def audit_sample_export(request: HttpRequest) -> HttpResponse:
    """The same sample as the page (same period, size and seed), as a CSV file."""
    form = AuditSampleForm(request.GET)
    if not form.is_valid() or form.cleaned_data["seed"] is None:
        return HttpResponseBadRequest("Draw the sample on the audit page first, then download it from there.")
    try:
        report = services.audit_sample_run(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    response = HttpResponse(audit_sample_csv(report).encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"audit-sample-{report.date_from}-{report.date_to}-seed-{report.seed}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scope_required(Scope.SPEAKERS_CONFIGURE)
def import_csv(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, more = [], 0
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
            result = services.event_requests_import(actor=request.user, csv_text=text)
        except UnicodeDecodeError:
            form.add_error("file", "Save the spreadsheet as CSV in UTF-8 and try again.")
        except ImportRejected as rejected:
            errors, more = rejected.errors, rejected.more
        else:
            messages.success(request, f"Imported {result.imported} request(s).")
            return redirect("speakers:register")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "errors": errors,
        "more": more,
        "total": len(errors) + more,
        "columns": csv_format.__doc__,
        "file_rules": csv_file.__doc__,
    }
    return render(request, "speakers/import.html", context, status=status)
