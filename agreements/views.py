"""Agreement pages on an organisation's host. Each view parses input, calls one service or selector, renders.

Every page names the scope it needs (`tenants.scopes`); the services check it again.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agreements import selectors, services
from agreements.forms import AgreementEditor, ConfirmSuspendForm, ConfirmTerminateForm, TemplateChoiceForm
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement
from agreements.validation import TEXT_FIELDS
from hub.forms_util import add_service_errors
from tenants.scopes import Scope, scope_required, scopes_of


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    agreement = selectors.agreement_for_party(request.tenant, agreement_id)
    if agreement is None:
        raise Http404("No such agreement.")  # the same for "not a party" and "does not exist"
    return agreement


@scope_required(Scope.AGREEMENTS_READ)
def agreement_list(request: HttpRequest) -> HttpResponse:
    page, rows, sort = selectors.agreement_rows_page(
        request.tenant, sort=request.GET.get("sort", "newest"), page=request.GET.get("page", 1)
    )
    context = {
        "page": page,
        "rows": page.object_list,
        "sort": sort,
        "sorts": [(code, label) for code, (label, _) in selectors.SORTS.items()],
        "awaiting_us": [r for r in rows if r.needs_our_signature],
        "review_due": [r for r in rows if r.review_due],
        "can_register": selectors.can_see_register(request.membership),
    }
    return render(request, "agreements/list.html", context)


@scope_required(Scope.AGREEMENTS_REGISTER)
def agreement_register(request: HttpRequest) -> HttpResponse:
    page, sort = selectors.register_page(
        request.tenant, sort=request.GET.get("sort", "agreement"), page=request.GET.get("page", 1)
    )
    context = {
        "page": page,
        "versions": page.object_list,
        "sort": sort,
        "sorts": [(code, label) for code, (label, _) in selectors.REGISTER_SORTS.items()],
        "now": timezone.now(),
    }
    return render(request, "agreements/register.html", context)


@scope_required(Scope.AGREEMENTS_DRAFT)
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET): choose a template and parties; step 2: the prefilled form; POST creates the draft."""
    if request.method == "POST":
        editor = AgreementEditor(request.POST)
        if editor.is_valid():
            parties, terms = editor.terms()
            terms.pop("change_note", None)
            try:
                agreement = services.agreement_create(
                    actor=request.user,
                    organisation=request.tenant,
                    parties=parties,
                    terms=terms,
                    template=request.POST.get("template_code", ""),
                )
            except ValidationError as exc:
                add_service_errors(editor.form, exc)
            else:
                messages.success(request, f"Draft {agreement.reference} saved. Review it, then send it for signature.")
                return redirect("agreement_detail", agreement_id=agreement.pk)
        context = {"editor": editor, "form": editor.form, "creating": True}
        return render(request, "agreements/edit.html", context, status=400)
    chooser = TemplateChoiceForm(request.GET or None, initial={"parties": [request.tenant.slug]})
    if not request.GET or not chooser.is_valid():
        return render(request, "agreements/new.html", {"chooser": chooser, "templates": TEMPLATES.values()})
    return _prefilled_form(request, chooser.cleaned_data)


def _prefilled_form(request: HttpRequest, choice: dict[str, Any]) -> HttpResponse:
    parties = list(choice["parties"])
    template = TEMPLATES.get(choice["template"])
    terms = template.terms(parties) if template else {}
    editor = AgreementEditor(parties=parties, terms=terms)
    context = {
        "editor": editor,
        "form": editor.form,
        "creating": True,
        "template_code": template.code if template else "",
    }
    return render(request, "agreements/edit.html", context)


@scope_required(Scope.AGREEMENTS_READ)
def agreement_detail(request: HttpRequest, agreement_id: int, number: int | None = None) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    version = selectors.agreement_version(agreement, number or agreement.current_version.number)
    if version is None:
        raise Http404("No such version.")
    row = selectors.agreement_row(agreement, request.tenant, timezone.now())
    scopes = scopes_of(request.membership)
    context = {
        "row": row,
        "agreement": agreement,
        "version": version,
        "is_current": version.pk == agreement.current_version_id,
        "is_pending": version.pk == agreement.pending_version_id,
        "terms": selectors.readable_version(version),
        "versions": selectors.versions_with_status(agreement),
        "can": {scope.name.lower(): scope in scopes for scope in Scope},
    }
    context["status"] = next(s for v, s in context["versions"] if v.pk == version.pk)
    return render(request, "agreements/detail.html", context)


@scope_required(Scope.AGREEMENTS_DRAFT)
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    base = agreement.pending_version or agreement.current_version
    version = selectors.agreement_version(agreement, base.number)
    parties = [p.organisation.slug for p in version.parties.all()]
    terms = {n: getattr(version, n) for n in TEXT_FIELDS}
    editor = AgreementEditor(request.POST or None, parties=parties, terms=terms)
    if request.method == "POST" and editor.is_valid():
        parties, terms = editor.terms()
        try:
            new = services.agreement_edit(
                actor=request.user,
                organisation=request.tenant,
                agreement=agreement,
                parties=parties,
                terms=terms,
                change_note=terms.pop("change_note", ""),
            )
        except ValidationError as exc:
            add_service_errors(editor.form, exc)
        else:
            agreement.refresh_from_db()
            if new.pk == agreement.pending_version_id:
                messages.success(
                    request,
                    f"Saved as version {new.number}, a pending version (draft). Version "
                    f"{agreement.current_version.number} stays in force until every party has signed it.",
                )
            else:
                messages.success(request, f"Saved as version {new.number} (draft).")
            return redirect("agreement_detail", agreement_id=agreement.pk)
    status = 400 if request.method == "POST" else 200
    context = {"editor": editor, "form": editor.form, "agreement": agreement, "in_force": services.in_force(agreement)}
    return render(request, "agreements/edit.html", context, status=status)


def _act(request: HttpRequest, agreement_id: int, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    try:
        action(actor=request.user, organisation=request.tenant, agreement=agreement, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("agreement_detail", agreement_id=agreement.pk)


@scope_required(Scope.AGREEMENTS_PROPOSE)
@require_POST
def agreement_propose(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_propose, "Sent to every party's signatory.")


@scope_required(Scope.AGREEMENTS_SIGN)
@require_POST
def agreement_sign(request: HttpRequest, agreement_id: int, number: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_sign, f"You signed version {number}.", version_number=number)


def _confirm_page(
    request: HttpRequest, agreement_id: int, form_class: Any, template: str, run: Any, success: str
) -> HttpResponse:
    """GET: the confirmation page. POST: act only when the box is ticked; otherwise say why and change nothing."""
    agreement = _agreement(request, agreement_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(agreement, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("agreement_detail", agreement_id=agreement.pk)
    row = selectors.agreement_row(agreement, request.tenant, timezone.now())
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"agreement": agreement, "row": row, "form": form}, status=status)


@scope_required(Scope.AGREEMENTS_END)
def agreement_suspend(request: HttpRequest, agreement_id: int) -> HttpResponse:
    def run(agreement: Agreement, data: dict[str, Any]) -> None:
        services.agreement_suspend(
            actor=request.user, organisation=request.tenant, agreement=agreement, reason=data["reason"]
        )

    return _confirm_page(
        request, agreement_id, ConfirmSuspendForm, "agreements/confirm_suspend.html", run, "Agreement suspended."
    )


@scope_required(Scope.AGREEMENTS_END)
@require_POST
def agreement_resume(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_resume, "Suspension lifted.")


@scope_required(Scope.AGREEMENTS_END)
def agreement_terminate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    def run(agreement: Agreement, data: dict[str, Any]) -> None:
        services.agreement_terminate(
            actor=request.user,
            organisation=request.tenant,
            agreement=agreement,
            reason=data["reason"],
            notice_days=data["notice_days"],
        )

    return _confirm_page(
        request, agreement_id, ConfirmTerminateForm, "agreements/confirm_terminate.html", run, "Notice given."
    )


@scope_required(Scope.AGREEMENTS_READ)
@require_GET
def agreement_diff(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """`?from=N&to=M` compares two versions; with neither, the first version with the latest."""
    agreement = _agreement(request, agreement_id)
    numbers = list(agreement.versions.order_by("number").values_list("number", flat=True))
    try:
        old_n = int(request.GET.get("from") or numbers[0])
        new_n = int(request.GET.get("to") or numbers[-1])
    except ValueError:
        return render(
            request,
            "400.html",
            {"fields": ["from", "to"], "message": "Give two version numbers to compare."},
            status=400,
        )
    old, new = selectors.agreement_version(agreement, old_n), selectors.agreement_version(agreement, new_n)
    if old is None or new is None:
        raise Http404("No such version.")
    context = {"agreement": agreement, "old": old, "new": new, "rows": selectors.version_diff(old, new)}
    return render(request, "agreements/diff.html", context)


@scope_required(Scope.AGREEMENTS_READ)
def agreement_export(request: HttpRequest, agreement_id: int, number: int) -> HttpResponse:
    """The export file of one version (as `manage.py agreement_export` writes it), as a download."""
    agreement = _agreement(request, agreement_id)
    try:
        export = services.agreement_export_take(
            actor=request.user, organisation=request.tenant, agreement=agreement, number=number
        )
    except ValueError:
        raise Http404("Only a version sent for signature can be exported.") from None
    body = json.dumps(export, indent=2, sort_keys=True, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{agreement.reference}-v{number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
