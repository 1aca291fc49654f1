"""Raise a concern, see what you raised, and triage (the safeguarding team)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.audit_trail import audit_list_read, audit_read
from hub.forms_util import add_service_errors
from tenants.scopes import Scope, scope_required, scopes_of
from welfare import rights, selectors, services
from welfare.forms import ConcernForm, TriageForm
from welfare.models import Case
from welfare.services import ConcernInput


@scope_required(Scope.WELFARE_RAISE)
def home(request: HttpRequest) -> HttpResponse:
    """Everyone: raise a concern and follow its status. The team's pages are linked for those who hold them."""
    held = scopes_of(request.membership)
    context = {
        "concerns": selectors.concerns_raised_by(membership=request.membership),
        "can_triage": Scope.WELFARE_TRIAGE in held,
        "can_see_cases": bool(held & set(rights.SEES_CASES)),
        "can_meet": Scope.WELFARE_MEETINGS in held,
        "can_configure": rights.may_name_deputies(request.membership),
        "can_subject_access": Scope.WELFARE_SUBJECT_ACCESS in held,
        "can_review_retention": Scope.WELFARE_RETENTION in held,
        "waiting": selectors.triage_queue(membership=request.membership).count()
        if Scope.WELFARE_TRIAGE in held
        else None,
    }
    return render(request, "welfare/home.html", context)


@scope_required(Scope.WELFARE_RAISE)
def concern_new(request: HttpRequest) -> HttpResponse:
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in ConcernInput.__dataclass_fields__}
        try:
            services.concern_raise(actor=request.user, data=ConcernInput(**data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your concern has been received by the safeguarding team.")
            return redirect("welfare:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "welfare/concern_form.html", {"form": form}, status=status)


@scope_required(Scope.WELFARE_TRIAGE)
def triage_list(request: HttpRequest) -> HttpResponse:
    concerns = list(selectors.triage_queue(membership=request.membership))
    # The queue shows who each concern is about: one audited read for the page, naming the ids shown.
    audit_list_read(action="concern.list_read", actor=request.user, organisation_id=request.tenant.pk,
                    target_type="welfare.concern", ids=[c.pk for c in concerns], reason="triage_queue")  # fmt: skip
    return render(request, "welfare/triage_list.html", {"concerns": concerns})


@scope_required(Scope.WELFARE_TRIAGE)
def triage(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_get(membership=request.membership, pk=concern_id)
    if concern.case is not None and not selectors.case_opened_in_session(request.session, concern.case):
        return redirect("welfare:case", case_id=concern.case_id)  # part of a case: its reason first
    cases = list(selectors.open_cases_for_merge(membership=request.membership))
    form = TriageForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = Case.objects.filter(pk=data["case"]).first() if data.get("case") else None
        try:
            services.concern_triage(
                actor=request.user, concern=concern, outcome=data["outcome"], note=data["note"], case=case
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Concern {concern.pk} triaged: {concern.get_triage_outcome_display().lower()}.")
            if concern.case_id and rights.can_see_case(request.membership, concern.case):
                return redirect("welfare:case", case_id=concern.case_id)
            return redirect("welfare:triage_list")
    status = 400 if request.method == "POST" else 200
    audit_read(action="concern.read", actor=request.user, organisation_id=request.tenant.pk, target=concern,
               reason="triage")  # fmt: skip
    return render(request, "welfare/triage.html", {"concern": concern, "form": form}, status=status)
