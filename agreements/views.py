"""Agreement pages on an organisation's host. Each view parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agreements import selectors, services
from agreements.forms import AgreementForm, ReasonForm, TemplateChoiceForm, TerminateForm
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement
from agreements.validation import TEXT_FIELDS
from hub.forms_util import add_service_errors


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    agreement = selectors.agreement_for_party(request.tenant, agreement_id)
    if agreement is None:
        raise Http404("No such agreement.")  # the same for "not a party" and "does not exist"
    return agreement


def agreement_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.agreement_rows(request.tenant)
    context = {
        "rows": rows,
        "awaiting_us": [r for r in rows if r.needs_our_signature],
        "review_due": [r for r in rows if r.review_due],
        "can_register": selectors.can_see_register(request.membership),
    }
    return render(request, "agreements/list.html", context)


def agreement_register(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_register(request.membership):
        raise PermissionDenied("The register is for the data protection officer, auditors and organisation admins.")
    versions = selectors.agreement_register(request.tenant)
    return render(request, "agreements/register.html", {"versions": versions, "now": timezone.now()})


def agreement_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET): choose a template and parties; step 2: the prefilled form; POST creates the draft."""
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            parties, terms = form.terms()
            try:
                agreement = services.agreement_create(
                    actor=request.user,
                    organisation=request.tenant,
                    parties=parties,
                    terms=terms,
                    template=request.POST.get("template_code", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Draft {agreement.reference} saved. Review it, then send it for signature.")
                return redirect("agreement_detail", agreement_id=agreement.pk)
        return render(request, "agreements/edit.html", {"form": form, "creating": True}, status=400)
    chooser = TemplateChoiceForm(request.GET or None, initial={"parties": request.tenant.slug})
    if not request.GET or not chooser.is_valid():
        return render(request, "agreements/new.html", {"chooser": chooser, "templates": TEMPLATES.values()})
    return _prefilled_form(request, chooser.cleaned_data)


def _prefilled_form(request: HttpRequest, choice: dict[str, Any]) -> HttpResponse:
    parties = [s.strip() for s in choice["parties"].split(",") if s.strip()]
    template = TEMPLATES.get(choice["template"])
    terms = template.terms(parties) if template else {}
    form = AgreementForm(initial=AgreementForm.initial_from(parties, terms))
    context = {"form": form, "creating": True, "template_code": template.code if template else ""}
    return render(request, "agreements/edit.html", context)


def agreement_detail(request: HttpRequest, agreement_id: int, number: int | None = None) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    version = selectors.agreement_version(agreement, number or agreement.current_version.number)
    if version is None:
        raise Http404("No such version.")
    context = {
        "row": selectors.agreement_row(agreement, request.tenant, timezone.now()),
        "agreement": agreement,
        "version": version,
        "is_current": version.pk == agreement.current_version_id,
        "fields": [(name, getattr(version, name)) for name in TEXT_FIELDS],
        "versions": agreement.versions.order_by("number"),
        "reason_form": ReasonForm(),
        "terminate_form": TerminateForm(),
    }
    return render(request, "agreements/detail.html", context)


def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    version = selectors.agreement_version(agreement, agreement.current_version.number)
    parties = [p.organisation.slug for p in version.parties.all()]
    form = AgreementForm(
        request.POST or None, initial=AgreementForm.initial_from(parties, {n: getattr(version, n) for n in TEXT_FIELDS})
    )
    if request.method == "POST" and form.is_valid():
        parties, terms = form.terms()
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
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved as version {new.number} (draft).")
            return redirect("agreement_detail", agreement_id=agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/edit.html", {"form": form, "agreement": agreement}, status=status)


def _act(request: HttpRequest, agreement_id: int, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    try:
        action(actor=request.user, organisation=request.tenant, agreement=agreement, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("agreement_detail", agreement_id=agreement.pk)


@require_POST
def agreement_propose(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_propose, "Sent to every party's signatory.")


@require_POST
def agreement_sign(request: HttpRequest, agreement_id: int, number: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_sign, f"You signed version {number}.", version_number=number)


@require_POST
def agreement_suspend(request: HttpRequest, agreement_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, agreement_id, services.agreement_suspend, "Agreement suspended.", reason=reason)


@require_POST
def agreement_resume(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _act(request, agreement_id, services.agreement_resume, "Suspension lifted.")


@require_POST
def agreement_terminate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _act(
        request,
        agreement_id,
        services.agreement_terminate,
        "Notice to terminate given.",
        reason=request.POST.get("reason", ""),
        notice_days=request.POST.get("notice_days", ""),
    )


def agreement_diff(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    try:
        old_n, new_n = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        raise Http404("Choose two versions to compare.") from None
    old, new = selectors.agreement_version(agreement, old_n), selectors.agreement_version(agreement, new_n)
    if old is None or new is None:
        raise Http404("No such version.")
    context = {"agreement": agreement, "old": old, "new": new, "rows": selectors.version_diff(old, new)}
    return render(request, "agreements/diff.html", context)
