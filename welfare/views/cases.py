"""A case, on a need-to-know basis: a reason the first time in a session, then the chronology, team,
actions, escalation and the referral form export."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hub.forms_util import add_service_errors
from tenants.models import User
from tenants.scopes import Scope, scope_required
from welfare import rights, selectors, services
from welfare.choices import STAGE_FIELDS, CaseStatus
from welfare.forms import ActionForm, CloseForm, EntryForm, EscalationForm, PersonForm, ReasonForm
from welfare.models import Case, CaseAction
from welfare.selectors import SESSION_OPENED_CASES
from welfare.services import EscalationInput

CaseView = Callable[..., HttpResponse]


def opened_case(view: CaseView) -> CaseView:
    """Load the case (404 and an audited denial if the person may not see it) and, unless a reason was
    given for it earlier in this session, send them to the reason form instead of the content."""

    @wraps(view)
    def wrapped(request: HttpRequest, case_id: int, **kwargs: Any) -> HttpResponse:
        case = selectors.case_get(membership=request.membership, pk=case_id)
        if not selectors.case_opened_in_session(request.session, case):
            if request.method == "POST":
                messages.error(request, "Say why you are opening this case first.")
            return redirect("welfare:case", case_id=case.pk)
        return view(request, case, **kwargs)

    return wrapped


@scope_required(rights.SEES_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    cases = selectors.case_list(membership=request.membership, status=status)
    return render(request, "welfare/cases.html", {"cases": cases, "status": status, "statuses": CaseStatus.choices})


def _remember_opened(request: HttpRequest, case: Case) -> None:
    opened = list(request.session.get(SESSION_OPENED_CASES, []))
    if case.pk not in opened:
        request.session[SESSION_OPENED_CASES] = [*opened, case.pk]


@scope_required(rights.SEES_CASES)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The reason form the first time in a session; the case (and who opened it, when and why) after."""
    case = selectors.case_get(membership=request.membership, pk=case_id)
    if not selectors.case_opened_in_session(request.session, case):
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.case_open_record(actor=request.user, case=case, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                _remember_opened(request, case)
                return redirect("welfare:case", case_id=case.pk)
        status = 400 if request.method == "POST" else 200
        return render(request, "welfare/case_reason.html", {"case": case, "form": form}, status=status)
    if request.method == "POST":
        return redirect("welfare:case", case_id=case.pk)
    services.case_view_record(actor=request.user, case=case)
    return render(request, "welfare/case_detail.html", _case_context(request, case))


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    people = selectors.members_here()
    team = list(case.team.order_by("full_name"))
    candidates = [p for p in selectors.case_team_candidates() if p not in team]
    return {
        "case": case,
        "concerns": case.concerns.select_related("raised_by").order_by("raised_at"),
        "entries": case.entries.select_related("recorded_by"),
        "actions_list": case.actions.select_related("owner", "meeting"),
        "team": team,
        "meetings": case.meetings.order_by("-held_on"),
        "openings": selectors.case_openings(case),
        "stages": [(field, getattr(case, field)) for field in STAGE_FIELDS.values()],
        "can": rights.actions_for_case(request.membership, case),
        "entry_form": forms.get("entry_form") or EntryForm(prefix="entry"),
        "team_form": forms.get("team_form") or PersonForm(people=candidates, prefix="team"),
        "action_form": forms.get("action_form") or ActionForm(people=people, prefix="action"),
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
    }


def _after(
    request: HttpRequest, case: Case, form_name: str, form: Any, call: Callable[[], Any], done: str
) -> HttpResponse:
    """Run the service if the form parsed; on a refusal, redraw the case page with the form's errors."""
    if form.is_valid():
        try:
            call()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("welfare:case", case_id=case.pk)
    services.case_view_record(actor=request.user, case=case)  # the case page again, with the form's errors
    return render(request, "welfare/case_detail.html", _case_context(request, case, **{form_name: form}), status=400)


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def entry_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = EntryForm(request.POST, prefix="entry")

    def call() -> Any:
        data = form.cleaned_data
        return services.case_entry_add(
            actor=request.user, case=case, kind=data["kind"], occurred_on=data["occurred_on"], text=data["text"]
        )

    return _after(request, case, "entry_form", form, call, "Added to the chronology.")


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def team_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = PersonForm(request.POST, people=selectors.case_team_candidates(), prefix="team")

    def call() -> Any:
        person = User.objects.filter(pk=form.cleaned_data["person"]).first() if form.cleaned_data["person"] else None
        return services.case_team_add(actor=request.user, case=case, person=person)

    return _after(request, case, "team_form", form, call, "Added to the case team.")


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def team_remove(request: HttpRequest, case: Case) -> HttpResponse:
    raw = request.POST.get("person", "")
    person = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if person is None:
            raise ValidationError({"person": "Choose a person on the team."})
        services.case_team_remove(actor=request.user, case=case, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("welfare:case", case_id=case.pk)
    messages.success(request, "Taken off the case team.")
    if not rights.can_see_case(request.membership, case):
        return redirect("welfare:cases")
    return redirect("welfare:case", case_id=case.pk)


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def action_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = ActionForm(request.POST, people=selectors.members_here(), prefix="action")

    def call() -> Any:
        data = form.cleaned_data
        owner = User.objects.filter(pk=data["owner"]).first() if data["owner"] else None
        return services.case_action_add(
            actor=request.user, case=case, description=data["description"], owner=owner, due_on=data["due_on"]
        )

    return _after(request, case, "action_form", form, call, "Action added.")


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def action_done(request: HttpRequest, case: Case, action_id: int) -> HttpResponse:
    action = get_object_or_404(CaseAction, pk=action_id, case=case)
    done = request.POST.get("done") == "1"
    services.case_action_set_done(actor=request.user, action=action, done=done)
    messages.success(request, "Action marked done." if done else "Action marked not done.")
    return redirect("welfare:case", case_id=case.pk)


@scope_required(rights.SEES_CASES)
@require_POST
@opened_case
def close(request: HttpRequest, case: Case) -> HttpResponse:
    form = CloseForm(request.POST, prefix="close")

    def call() -> Any:
        data = form.cleaned_data
        return services.case_close(actor=request.user, case=case, closed_on=data["closed_on"], note=data["note"])

    return _after(request, case, "close_form", form, call, "Case closed.")


@scope_required(Scope.WELFARE_ESCALATE)
@opened_case
def escalation(request: HttpRequest, case: Case) -> HttpResponse:
    """Stages in order with their dates, the outcome and the ideology category (Prevent lead, deputies)."""
    initial = {name: getattr(case, name) for name in EscalationInput.__dataclass_fields__}
    form = EscalationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v if v is not None or k.endswith("_on") else "" for k, v in form.cleaned_data.items()}
        try:
            services.case_escalation_record(actor=request.user, case=case, data=EscalationInput(**data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Stages and outcome recorded.")
            return redirect("welfare:case", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    services.case_view_record(actor=request.user, case=case)  # the page shows the case's stages and outcome
    return render(request, "welfare/escalation.html", {"case": case, "form": form}, status=status)


@scope_required(Scope.WELFARE_ESCALATE)
@opened_case
def referral_form(request: HttpRequest, case: Case) -> HttpResponse:
    """Download the national referral form's fields pre-filled (the lead completes and sends it)."""
    filename, body = services.case_referral_form_export(actor=request.user, case=case)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
