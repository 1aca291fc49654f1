"""Pages for subject access (/welfare/subject-access/) and retention review (/welfare/retention/).

Names are typed into POSTed forms, never into a URL; the export is a POST that answers with
the file (no name in its file name). Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hub.forms_util import add_service_errors
from tenants.scopes import Scope, scope_required
from welfare import retention, sar
from welfare.models import Subject
from welfare.retention_rules import MAX_KEEP_DAYS, MIN_KEEP_DAYS, Decision

_NAME_MAX = Subject._meta.get_field("subject_given_name").max_length
_NUMBER_MAX = Subject._meta.get_field("subject_number").max_length


class SubjectAccessForm(forms.Form):
    given_name = forms.CharField(max_length=_NAME_MAX, help_text="As the person gave it in their request.")
    family_name = forms.CharField(max_length=_NAME_MAX)
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="If you know it: records with a different date of birth are about someone else and are left out.",
    )
    reference = forms.CharField(
        label="Student or staff number", max_length=_NUMBER_MAX, required=False, help_text="If you know it."
    )


class RetentionReviewForm(forms.Form):
    case = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[(Decision.DESTROY, "Destroy"), (Decision.KEEP, "Keep")])
    keep_days = forms.IntegerField(min_value=MIN_KEEP_DAYS, max_value=MAX_KEEP_DAYS, required=False)
    reason = forms.CharField(max_length=1000, required=False)


def _search_args(form: SubjectAccessForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in ("given_name", "family_name", "date_of_birth", "reference")}


@scope_required(Scope.WELFARE_SUBJECT_ACCESS)
@never_cache
def subject_access(request: HttpRequest) -> HttpResponse:
    form = SubjectAccessForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = sar.subject_access_search(organisation=request.tenant, user=request.user, **_search_args(form))
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if form.errors else 200
    return render(request, "welfare/sar_search.html", {"form": form, "result": result}, status=status)


@scope_required(Scope.WELFARE_SUBJECT_ACCESS)
@never_cache
@require_POST
def subject_access_export(request: HttpRequest) -> HttpResponse:
    form = SubjectAccessForm(request.POST)
    if form.is_valid():
        try:
            exported = sar.subject_access_export(
                organisation=request.tenant,
                user=request.user,
                include=request.POST.getlist("include"),
                **_search_args(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = HttpResponse(exported.content, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
    return render(request, "welfare/sar_search.html", {"form": form, "result": None}, status=400)


@scope_required(Scope.WELFARE_RETENTION)
@never_cache
def retention_review(request: HttpRequest) -> HttpResponse:
    form = RetentionReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                retention.case_retention_review(
                    actor=request.user, organisation=request.tenant, case_id=data["case"],
                    decision=data["decision"], keep_days=data["keep_days"], reason=data["reason"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _reviewed_message(data))
                return redirect("welfare:retention")
    context = {
        "rows": retention.retention_review_list(),
        "destroyed": retention.retention_destroyed_list(),
        "retention_days": retention.retention_days(),
        "form": form if form.is_bound else None,
        "posted_case": form.data.get("case") if form.is_bound else None,
        "min_keep": MIN_KEEP_DAYS,
        "max_keep": MAX_KEEP_DAYS,
    }
    return render(request, "welfare/retention_review.html", context, status=400 if form.errors else 200)


def _reviewed_message(data: dict[str, Any]) -> str:
    if data["decision"] == Decision.DESTROY:
        return f"Case {data['case']} approved for destruction: the scheduled run destroys it and its shared copies."
    return f"Case {data['case']} kept for {data['keep_days']} more day(s)."
