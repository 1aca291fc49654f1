"""The organiser's pages and the register."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.audit_trail import audit_read
from hub.forms_util import add_service_errors
from speakers import rights, selectors, services
from speakers.choices import Outcome, Status
from speakers.forms import EventForm, ProgressForm, RegisterForm, SpeakerFormSet, WithdrawForm
from speakers.models import EventRequest, RequestMitigation
from speakers.services import EventDetails, SpeakerDetails
from tenants.scopes import Scope, scope_required, scopes_of

REGISTER_PAGE_SIZE = 25
# Column headings that sort: (heading, key of the first click, key of the second click).
SORTABLE_COLUMNS = {"reference": "Reference", "title": "Event", "date": "Date", "risk": "Risk"}


def _sort_links(sort: str) -> list[dict[str, str]]:
    """Each sortable heading: the key its link asks for, and its aria-sort if it is the current order."""
    links = []
    for key, heading in SORTABLE_COLUMNS.items():
        # "risk" (without a minus) puts the highest first; the other bare keys go A to Z, soonest first.
        bare_is_ascending = key != "risk"
        state = ""
        if sort.lstrip("-") == key:
            ascending = (sort == key) == bare_is_ascending
            state = "ascending" if ascending else "descending"
        links.append({"key": key, "heading": heading, "next": f"-{key}" if sort == key else key, "aria_sort": state})
    return links


@scope_required(rights.SEES_REQUESTS)
def register(request: HttpRequest) -> HttpResponse:
    """Search, filter and sort the requests this person may see, most urgent first, a page at a
    time, with counts by outcome for the period."""
    form = RegisterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.RegisterFilter(
        search=data.get("q", ""), status=data.get("status", ""), risk=data.get("risk", ""),
        date_from=data.get("date_from"), date_to=data.get("date_to"),
    )  # fmt: skip
    sort = data.get("sort") or "urgency"
    counts = selectors.register_counts(
        membership=request.membership, date_from=filters.date_from, date_to=filters.date_to
    )
    rows = selectors.register_requests(membership=request.membership, filters=filters, sort=sort)
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "requests": page.object_list,
        "sort": sort,
        "sort_label": selectors.REGISTER_SORTS[sort],
        "sort_links": _sort_links(sort),
        "today": timezone.localdate(),
        "counts": [(label, counts.get(value, 0)) for value, label in Outcome.choices],
        "can_submit": Scope.SPEAKERS_SUBMIT in scopes_of(request.membership),
        "query": request.GET.urlencode(),
    }
    return render(request, "speakers/register.html", context, status=400 if form.errors else 200)


def _details(form: EventForm) -> EventDetails:
    data = form.cleaned_data
    return EventDetails(**{name: data[name] for name in EventDetails.__dataclass_fields__ if name in data})


def _speakers(formset: SpeakerFormSet) -> list[SpeakerDetails]:
    return [SpeakerDetails(**{k: f.cleaned_data.get(k, "") for k in SpeakerDetails.__dataclass_fields__})
            for f in formset.forms if f.cleaned_data.get("name")]  # fmt: skip


def _initial(event_request: EventRequest | None) -> tuple[dict, list[dict]]:
    if event_request is None:
        return {}, []
    event = {name: getattr(event_request, name) for name in EventDetails.__dataclass_fields__}
    speakers = [{k: getattr(s, k) for k in SpeakerDetails.__dataclass_fields__} for s in event_request.speakers.all()]
    return event, speakers


def _change_speakers(post: dict, formset: SpeakerFormSet) -> tuple[SpeakerFormSet, str]:
    """The speaker blocks after 'Add another speaker' or 'Remove speaker N', and what changed.
    Nothing is saved: the values typed so far are carried into the re-rendered page."""
    blocks = [{name: form[name].value() or "" for name in form.fields} for form in formset.forms]
    removing = post.get("remove_speaker")
    if removing is None:
        blocks.append({})
        message = f"Speaker {len(blocks)} added: fill in their details below."
    elif removing.isdigit() and int(removing) < len(blocks):
        blocks.pop(int(removing))
        message = f"Speaker {int(removing) + 1} removed. Save the draft or submit to keep the change."
    else:
        message = "That speaker is no longer on the form."
    changed = SpeakerFormSet(initial=blocks, prefix="speakers")
    if removing is None:
        changed.forms[-1].fields["name"].widget.attrs["autofocus"] = True
    return changed, message


@scope_required(Scope.SPEAKERS_SUBMIT)
def request_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New request, or the organiser's draft: 'Save draft' keeps it, 'Submit for review' sends it;
    'Add another speaker' and 'Remove speaker N' redraw the form with the values typed so far."""
    event_request = selectors.event_request_get(membership=request.membership, pk=pk) if pk else None
    event_initial, speaker_initial = _initial(event_request)
    form = EventForm(request.POST or None, initial=event_initial)
    formset = SpeakerFormSet(request.POST or None, initial=speaker_initial, prefix="speakers")
    if request.method == "POST" and ("add_speaker" in request.POST or "remove_speaker" in request.POST):
        formset, message = _change_speakers(request.POST, formset)
        context = {"form": form, "formset": formset, "event_request": event_request, "speakers_message": message}
        return render(request, "speakers/request_form.html", context)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        submitting = "submit" in request.POST
        try:
            if submitting:
                event_request = services.event_request_submit(
                    actor=request.user, event_request=event_request, details=_details(form),
                    speakers=_speakers(formset), short_notice_reason=form.cleaned_data["short_notice_reason"],
                )  # fmt: skip
            else:
                event_request = services.event_request_save_draft(
                    actor=request.user, event_request=event_request, details=_details(form), speakers=_speakers(formset)
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Submitted for review." if submitting else "Draft saved.")
            return redirect("speakers:detail", pk=event_request.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "formset": formset, "event_request": event_request}
    return render(request, "speakers/request_form.html", context, status=status)


@scope_required(rights.SEES_REQUESTS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    config = selectors.procedure_config()
    context = {
        "r": event_request,
        "actions": rights.actions_for(request.membership, config, event_request),
        "withdraw_form": WithdrawForm(),
        "progress_form": ProgressForm(),
        "Status": Status,
    }
    # The page shows the speakers, the assessment and its rationale: one audited read per view.
    audit_read(action="speaker_request.read", actor=request.user, organisation_id=request.tenant.pk,
               target=event_request, reason="page")  # fmt: skip
    return render(request, "speakers/detail.html", context)


@scope_required(rights.OWNER_OR_REVIEWER)
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.event_request_withdraw(
                actor=request.user, event_request=event_request, reason=form.cleaned_data["reason"],
                speaker_not_invited=form.cleaned_data["speaker_not_invited"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The outcome is recorded.")
    else:
        messages.error(request, "Give a reason for withdrawing.")
    return redirect("speakers:detail", pk=pk)


@scope_required(rights.OWNER_OR_REVIEWER)
@require_POST
def mitigation_progress(request: HttpRequest, pk: int, mitigation_id: int) -> HttpResponse:
    event_request = selectors.event_request_get(membership=request.membership, pk=pk)
    item = get_object_or_404(RequestMitigation, pk=mitigation_id, request=event_request)
    form = ProgressForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"progress": "Choose the mitigation's progress."})
        services.request_mitigation_progress(
            actor=request.user, request_mitigation=item, progress=form.cleaned_data["progress"],
            note=form.cleaned_data["note"],
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Progress recorded for “{item.label}”.")
    return redirect("speakers:detail", pk=pk)


@scope_required(rights.SEES_REQUESTS)
def export_csv(request: HttpRequest) -> HttpResponse:
    text = services.event_requests_export(actor=request.user)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="speaker-requests.csv"'
    return response
