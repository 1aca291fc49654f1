"""Students-of-concern meetings: date, agenda of cases (only cases you can see), actions agreed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit_trail import audit_read
from hub.forms_util import add_service_errors
from tenants.models import User
from tenants.scopes import Scope, scope_required
from welfare import selectors, services
from welfare.forms import AgendaForm, AgreedActionForm, MeetingForm
from welfare.models import Case, Meeting
from welfare.selectors import SESSION_OPENED_CASES


@scope_required(Scope.WELFARE_MEETINGS)
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting created: add the cases to discuss.")
            return redirect("welfare:meeting", meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    context = {"meetings": selectors.meetings(), "form": form}
    return render(request, "welfare/meetings.html", context, status=status)


def _named(request: HttpRequest) -> set[int]:
    """The cases whose subject a page may name: those opened with a reason in this session (the list of
    cases, like this page otherwise, says only "Case 12")."""
    return set(request.session.get(SESSION_OPENED_CASES, []))


def _meeting_context(request: HttpRequest, meeting: Meeting, **forms: object) -> dict[str, object]:
    shown, hidden = selectors.meeting_agenda(membership=request.membership, meeting=meeting)
    named = _named(request)
    on_agenda = {item.case_id for item in shown}
    visible = list(selectors.cases_visible_to(request.membership).filter(status="open"))
    agenda_cases = [item.case for item in shown]
    return {
        "meeting": meeting,
        "items": shown,
        "hidden": hidden,
        "named": named,
        "actions_agreed": meeting.actions.filter(case__in=[c.pk for c in agenda_cases]).select_related("owner", "case"),
        "agenda_form": forms.get("agenda_form")
        or AgendaForm(cases=[c for c in visible if c.pk not in on_agenda], named=named, prefix="agenda"),
        "action_form": forms.get("action_form")
        or AgreedActionForm(people=selectors.members_here(), cases=agenda_cases, named=named, prefix="agreed"),
    }


@scope_required(Scope.WELFARE_MEETINGS)
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk=meeting_id)
    # The agenda names people of concern and what was discussed: one audited read per view.
    audit_read(action="meeting.read", actor=request.user, organisation_id=request.tenant.pk, target=meeting,
               reason="page")  # fmt: skip
    return render(request, "welfare/meeting_detail.html", _meeting_context(request, meeting))


def _visible_case(request: HttpRequest, pk: int | None) -> Case | None:
    return selectors.cases_visible_to(request.membership).filter(pk=pk).first() if pk else None


@scope_required(Scope.WELFARE_MEETINGS)
@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk=meeting_id)
    visible = list(selectors.cases_visible_to(request.membership))
    form = AgendaForm(request.POST, cases=visible, named=_named(request), prefix="agenda")
    if form.is_valid():
        try:
            services.meeting_agenda_add(
                actor=request.user, meeting=meeting, case=_visible_case(request, form.cleaned_data["case"])
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added to the agenda.")
            return redirect("welfare:meeting", meeting_id=meeting.pk)
    context = _meeting_context(request, meeting, agenda_form=form)
    return render(request, "welfare/meeting_detail.html", context, status=400)


@scope_required(Scope.WELFARE_MEETINGS)
@require_POST
def action_agree(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk=meeting_id)
    shown, _ = selectors.meeting_agenda(membership=request.membership, meeting=meeting)
    form = AgreedActionForm(
        request.POST,
        people=selectors.members_here(),
        cases=[item.case for item in shown],
        named=_named(request),
        prefix="agreed",
    )
    if form.is_valid():
        data = form.cleaned_data
        owner = User.objects.filter(pk=data["owner"]).first() if data["owner"] else None
        try:
            services.meeting_action_agree(
                actor=request.user, meeting=meeting, case=_visible_case(request, data["case"]),
                description=data["description"], owner=owner, due_on=data["due_on"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action agreed: it is now on the case.")
            return redirect("welfare:meeting", meeting_id=meeting.pk)
    context = _meeting_context(request, meeting, action_form=form)
    return render(request, "welfare/meeting_detail.html", context, status=400)
