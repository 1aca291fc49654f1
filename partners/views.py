"""Pages under /partners/: the partner's reports and training; the validating university's assurance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agreements.policy import SharingDenied
from agreements.selectors import small_number_threshold
from core.dates import today as london_today
from hub.fetch_metadata import is_deliberate
from hub.forms_util import add_service_errors
from partners import display, selectors, services
from partners.forms import AssembleForm, CommentForm, NarrativeForm, PartnerTrainingForm, TrainingForm
from partners.periods import choosable_periods
from partners.projection import report_record
from partners.suppression import DEFAULT_THRESHOLD
from referrals.selectors import aggregate_view, summary_view
from tenants.models import Organisation
from tenants.scopes import Scope, has_scope, scope_required, scopes_of

READERS = [Scope.PARTNERS_REPORT, Scope.PARTNERS_SIGN_OFF]


def _confirm(request: HttpRequest, what: str) -> HttpResponse:
    """A link from another site opens nothing (opening a received report is recorded for the partner)."""
    return render(request, "partners/confirm.html", {"what": what})


# --- The validating university ---------------------------------------------------------------


@scope_required({"GET": [Scope.PARTNERS_OVERSEE, *READERS], "POST": Scope.PARTNERS_OVERSEE})
def assurance(request: HttpRequest) -> HttpResponse:
    """Per partner: agreement, last report and what is overdue, concerns and referrals, speakers, training.

    The section's front page for everyone it opens to: a partner's reporters (who do not oversee, or
    whose organisation validates no partner) go on to their own reports."""
    held = scopes_of(getattr(request, "membership", None))
    oversees = Scope.PARTNERS_OVERSEE in held and selectors.validated_partners(request.tenant)
    if request.method == "GET" and not oversees and held & set(READERS):
        return redirect("partners:reports")
    if not (request.method == "POST" or (request.method == "GET" and is_deliberate(request))):
        return _confirm(request, "the partners' reports")
    blocks = selectors.assurance(request.tenant, request.user)
    for block in blocks:
        _decorate(block)
    context = {
        "blocks": blocks,
        "can_train": has_scope(request.user, request.tenant, Scope.PARTNERS_TRAINING),
        "can_report": has_scope(request.user, request.tenant, Scope.PARTNERS_REPORT),
        "overdue_days": selectors.OVERDUE_AFTER_DAYS,
        "perms_nav": _nav(request),
    }
    return render(request, "partners/assurance.html", context)


def _decorate(block: selectors.PartnerBlock) -> None:
    """What the template shows of a block, in the shapes it lists."""
    figures = block.last_report.data.get("figures", {}) if block.last_report else {}
    shown = display.sections(figures)
    block.welfare_sections = [s for s in shown if s.key != "speaker_requests"]  # type: ignore[attr-defined]
    block.speaker_sections = [s for s in shown if s.key == "speaker_requests"]  # type: ignore[attr-defined]
    block.our_training = [  # type: ignore[attr-defined]
        {"date": t.delivered_on.isoformat(), "topic": t.topic, "audience": t.audience, "attendees": t.attendees}
        for t in block.training
    ]
    block.report_rows = [(v, block.comments.get(v.id, 0)) for v in block.reports]  # type: ignore[attr-defined]
    received = block.referrals or {}
    aggregates = received.get("aggregates") or []
    block.referral_aggregate = aggregate_view(aggregates[0]) if aggregates else None  # type: ignore[attr-defined]
    block.referral_cases = [summary_view(v) for v in received.get("cases") or []]  # type: ignore[attr-defined]


def _nav(request: HttpRequest) -> dict[str, bool]:
    held = scopes_of(getattr(request, "membership", None))
    return {
        "oversee": Scope.PARTNERS_OVERSEE in held,
        "train": Scope.PARTNERS_TRAINING in held,
        "report": bool(held & set(READERS)),
    }


@scope_required({"GET": Scope.PARTNERS_OVERSEE, "POST": Scope.PARTNERS_TRAINING})
def received(request: HttpRequest, record_id: int) -> HttpResponse:
    """One report a partner sent us, opened through the policy, with our comments on it."""
    commenting = request.method == "POST" and "text" in request.POST
    if not (request.method == "POST" or (request.method == "GET" and is_deliberate(request))):
        return _confirm(request, "this report")
    form = CommentForm(request.POST if commenting else None)
    try:
        view, comments = selectors.received_report(request.tenant, request.user, record_id)
        if commenting and form.is_valid():
            services.report_comment_add(actor=request.user, organisation=request.tenant, record_id=record_id,
                                        text=form.cleaned_data["text"])  # fmt: skip
            messages.success(request, "Comment recorded. It stays at this university.")
            return redirect("partners:received", record_id=record_id)
    except SharingDenied as exc:
        raise Http404("Not found.") from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
    context = {
        "view": view,
        "report": view.data,
        "figure_sections": display.sections(view.data.get("figures", {})),
        "comments": comments,
        "form": form,
        "can_comment": has_scope(request.user, request.tenant, Scope.PARTNERS_TRAINING),
    }
    return render(request, "partners/received.html", context, status=400 if commenting else 200)


@scope_required(Scope.PARTNERS_TRAINING)
def partner_training(request: HttpRequest) -> HttpResponse:
    """Record training this university delivered to the staff of a partner it validates."""
    partners = selectors.validated_partners(request.tenant)
    form = PartnerTrainingForm(request.POST or None, partners=[(p.pk, p.name) for p in partners])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        partner = Organisation.objects.filter(pk=int(data.pop("partner"))).first()
        try:
            services.training_record(actor=request.user, organisation=request.tenant, partner=partner, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Training recorded for {partner.name if partner else 'the partner'}.")
            return redirect("partners:assurance")
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/partner_training.html", {"form": form, "partners": partners}, status=status)


# --- The partner -----------------------------------------------------------------------------


@scope_required({"GET": READERS, "POST": Scope.PARTNERS_REPORT})
def reports(request: HttpRequest) -> HttpResponse:
    """Our reports by period, with versions; assemble (or re-assemble) a period."""
    form = AssembleForm(request.POST or None, periods=choosable_periods(london_today()))
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.report_assemble(actor=request.user, organisation=request.tenant,
                                             period=form.cleaned_data["period"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Draft version {draft.version} assembled from our records. Check it, "
                             "add what the hub cannot count, then ask the Prevent lead to sign it off.")  # fmt: skip
            return redirect("partners:report", report_id=draft.pk)
    context = {
        "form": form,
        "periods": selectors.reports_by_period(),
        "status": selectors.partner_status(request.tenant),
        "can_assemble": has_scope(request.user, request.tenant, Scope.PARTNERS_REPORT),
    }
    return render(request, "partners/reports.html", context, status=400 if request.method == "POST" else 200)


@scope_required(READERS)
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    found = selectors.report_get(report_id)
    status = selectors.partner_status(request.tenant)
    threshold = small_number_threshold(status.agreement.agreement.pk) if status.agreement else DEFAULT_THRESHOLD
    preview = report_record(found, organisation=request.tenant, signer=found.signed_off_by, threshold=threshold)
    context = {
        "r": found,
        "preview": preview,
        "figure_sections": display.sections(preview["figures"]),
        "versions": selectors.report_versions(found.period_code),
        "universities": selectors.validating_universities(request.tenant),
        "can_edit": found.is_draft and has_scope(request.user, request.tenant, Scope.PARTNERS_REPORT),
        "can_sign": found.is_draft and has_scope(request.user, request.tenant, Scope.PARTNERS_SIGN_OFF),
    }
    return render(request, "partners/report.html", context)


@scope_required(Scope.PARTNERS_REPORT)
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    found = selectors.report_get(report_id)
    initial = {name: getattr(found, name) for name in services.NARRATIVE_FIELDS}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_edit(actor=request.user, organisation=request.tenant, report=found,
                                 narrative=services.Narrative(**form.cleaned_data))  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Report saved.")
            return redirect("partners:report", report_id=found.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/report_edit.html", {"form": form, "r": found}, status=status)


@scope_required(Scope.PARTNERS_SIGN_OFF)
@require_POST
def report_sign_off(request: HttpRequest, report_id: int) -> HttpResponse:
    found = selectors.report_get(report_id)
    try:
        services.report_sign_off(actor=request.user, organisation=request.tenant, report=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(u.name for u in selectors.validating_universities(request.tenant))
        messages.success(request, f"Signed off and sent to {names} under the agreement.")
    return redirect("partners:report", report_id=found.pk)


@scope_required(Scope.PARTNERS_REPORT)
def training(request: HttpRequest) -> HttpResponse:
    """Training we delivered to our own staff; reports count it for their period."""
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, organisation=request.tenant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Training recorded.")
            return redirect("partners:training")
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/training.html", {"form": form, "rows": selectors.own_training()}, status=status)
