"""The reviewer's and senior decision-maker's pages: assess, escalate, decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit_trail import audit_read
from hub.forms_util import add_service_errors
from speakers import rights, selectors, services
from speakers.forms import AssessmentForm, DecisionForm, EscalateForm
from speakers.services import AssessmentInput, DecisionInput, ProposedMitigation, RiskFactorInput
from tenants.models import Membership, User
from tenants.scopes import Scope, scope_required


def _assessment_input(data: dict) -> AssessmentInput:
    prevent = set(data["prevent_mitigations"])
    factors = []
    if data["factor"] or data["evidence"] or data["source"]:
        factors.append(RiskFactorInput(data["factor"], data["evidence"], data["source"], data["source_date"]))
    return AssessmentInput(
        risk_level=data["risk_level"], criteria_met=data["criteria_met"], risk_summary=data["risk_summary"],
        free_speech_considerations=data["free_speech_considerations"], factors=factors,
        mitigations=[ProposedMitigation(int(m), "prevent" if m in prevent else "other") for m in data["mitigations"]],
    )  # fmt: skip


@scope_required(Scope.SPEAKERS_REVIEW)
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    config = selectors.procedure_config()
    catalogue = [(str(m.pk), m.label) for m in selectors.mitigation_catalogue()]
    form = AssessmentForm(request.POST or None, criteria=config.higher_risk_criteria, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_request_assess(actor=request.user, event_request=event_request,
                                          data=_assessment_input(form.cleaned_data))  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Assessment recorded.")
            return redirect("speakers:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "speakers/assess.html", {"form": form, "r": event_request}, status=status)


def _senior_people(organisation: object, exclude: int | None = None) -> list[tuple[int, str]]:
    """People who hold the procedure's senior decision-maker role here now."""
    members = Membership.objects.filter(
        organisation=organisation, roles__contains=[rights.senior_role()], user__is_active=True
    ).exclude(user_id=exclude)
    return [(m.user_id, m.user.full_name) for m in members.select_related("user").order_by("user__full_name")]


@scope_required(Scope.SPEAKERS_REVIEW)
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _escalation_page(request, pk, again=False)


@scope_required(Scope.SPEAKERS_REVIEW)
def reescalate(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer sends a stuck escalated request (its decision-maker lost the role or left) to another."""
    return _escalation_page(request, pk, again=True)


def _escalation_page(request: HttpRequest, pk: int, *, again: bool) -> HttpResponse:
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    exclude = event_request.escalated_to_id if again else None
    form = EscalateForm(request.POST or None, people=_senior_people(request.tenant, exclude))
    service = services.event_request_reescalate if again else services.event_request_escalate
    if request.method == "POST" and form.is_valid():
        try:
            service(
                actor=request.user, event_request=event_request, note=form.cleaned_data["note"],
                decision_maker=User.objects.get(pk=form.cleaned_data["decision_maker"]),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Escalated to the senior decision-maker.")
            return redirect("speakers:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "r": event_request, "again": again, "stuck": rights.escalation_is_stuck(event_request)}
    return render(request, "speakers/escalate.html", context, status=status)


def _shared_message(shared: int | None) -> str:
    if shared is None:
        return "Your organisation shares checks when asked: use 'Share this check' on the request."
    if shared == 0:
        return "Not shared: no active information-sharing agreement lets another organisation receive speaker checks."
    return f"{shared} speaker check{'s' if shared != 1 else ''} shared with the organisations your agreements allow."


@scope_required(rights.DECIDERS)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Risk and freedom of speech side by side; approving (with mitigations if needed) is the short path."""
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    proposed = [(m.pk, m.label) for m in event_request.mitigations.all()]
    initial = {"outcome": "approved_with_mitigations" if proposed else "approved",
               "imposed_mitigation_ids": [pk for pk, _ in proposed]}  # fmt: skip
    form = DecisionForm(request.POST or None, proposed=proposed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.event_request_decide(
                actor=request.user, event_request=event_request, data=DecisionInput(**form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Decision recorded. " + _shared_message(decision.shared_checks))
            return redirect("speakers:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    # The page shows the assessment's risk summary: one audited read per view.
    audit_read(action="speaker_request.read", actor=request.user, organisation_id=request.tenant.pk,
               target=event_request, reason="decide")  # fmt: skip
    return render(request, "speakers/decide.html", {"form": form, "r": event_request}, status=status)


@scope_required(Scope.EXCHANGE_SHARE)
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share (or re-share, as a correction) a decided request's speaker checks with the network now."""
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    try:
        shared = services.event_request_share(actor=request.user, event_request=event_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _shared_message(shared))
    return redirect("speakers:detail", pk=pk)
