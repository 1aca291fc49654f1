"""Pages under /referrals/: sharing a case (partner), approving identified transfers (partner),
and what was received (validating university). Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agreements.policy import Level, SharingDenied
from core.audit_trail import audit_list_read
from hub.forms_util import add_service_errors
from referrals import rights, selectors, services
from referrals.forms import DeclineForm, SummaryForm, TransferForm
from tenants.models import Organisation
from tenants.scopes import Scope, scope_required, scopes_of
from welfare import selectors as welfare_selectors
from welfare.models import Case

DENIED = "No information-sharing agreement in force allows this now; nothing was sent."


@scope_required(rights.SEES_REFERRALS_PAGES)
def index(request: HttpRequest) -> HttpResponse:
    held = scopes_of(request.membership)
    context = {
        "can_share": Scope.REFERRALS_SHARE in held,
        "can_approve": Scope.REFERRALS_APPROVE in held,
        "can_read": Scope.REFERRALS_READ_RECEIVED in held,
        "pending": selectors.pending_transfers().count() if Scope.REFERRALS_APPROVE in held else 0,
        "sent": selectors.aggregates_sent()[:30] if Scope.REFERRALS_SHARE in held else [],
    }
    return render(request, "referrals/index.html", context)


def _case(request: HttpRequest, case_id: int) -> Case | None:
    """The case if the person may see it (404 and an audited denial otherwise); None if they have not
    yet given their reason for opening it in this session (welfare asks for it)."""
    case = welfare_selectors.case_get(membership=request.membership, pk=case_id)
    if not rights.can_share_case(request.membership, case):
        raise Http404("No such case.")
    return case if welfare_selectors.case_opened_in_session(request.session, case) else None


def _recipients(level: Level) -> list[Organisation]:
    return services.recipients(services.source_here(), level)


def _case_page(request: HttpRequest, case: Case, summary_form: Any = None, transfer_form: Any = None,
               status: int = 200) -> HttpResponse:  # fmt: skip
    context = {
        "case": case,
        "rows": selectors.case_sharing(case),
        "transfers": selectors.case_transfers(case),
        "summary_form": summary_form or SummaryForm(recipients=_recipients(Level.SUMMARY)),
        "transfer_form": transfer_form or TransferForm(recipients=_recipients(Level.FULL)),
    }
    return render(request, "referrals/case.html", context, status=status)


@scope_required(Scope.REFERRALS_SHARE)
def case_sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case is None:
        return redirect("welfare:case", case_id=case_id)
    return _case_page(request, case)


def _organisation(raw: str) -> Organisation | None:
    return Organisation.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@scope_required(Scope.REFERRALS_SHARE)
@require_POST
def summary_share(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case is None:
        return redirect("welfare:case", case_id=case_id)
    form = SummaryForm(request.POST, recipients=_recipients(Level.SUMMARY))
    if form.is_valid():
        try:
            services.case_summary_share(
                actor=request.user, case=case, recipient=_organisation(form.cleaned_data["recipient"])
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except SharingDenied:
            form.add_error("recipient", DENIED)
        else:
            messages.success(request, "The summary was sent. It names no one; updates follow when the case changes.")
            return redirect("referrals:case", case_id=case.pk)
    return _case_page(request, case, summary_form=form, status=400)


@scope_required(Scope.REFERRALS_SHARE)
@require_POST
def transfer_request(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case is None:
        return redirect("welfare:case", case_id=case_id)
    form = TransferForm(request.POST, recipients=_recipients(Level.FULL))
    if form.is_valid():
        try:
            services.transfer_request(
                actor=request.user, case=case, recipient=_organisation(form.cleaned_data["recipient"]),
                justification=form.cleaned_data["justification"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Asked. Nothing is sent until a second person approves the transfer.")
            return redirect("referrals:case", case_id=case.pk)
    return _case_page(request, case, transfer_form=form, status=400)


@scope_required(Scope.REFERRALS_APPROVE)
def approvals(request: HttpRequest, decline_form: Any = None, declining: int | None = None,
              status: int = 200) -> HttpResponse:  # fmt: skip
    pending = [
        {
            "transfer": t,
            "may_approve": rights.can_approve(request.membership, t.requested_by_id),
            "why_not": rights.why_not_approve(request.membership, t.requested_by_id),
            "decline_form": decline_form if declining == t.pk else DeclineForm(prefix=f"t{t.pk}"),
        }
        for t in selectors.pending_transfers()
    ]
    decided = selectors.transfers().exclude(status="pending")[:30]
    # Pending transfers show why naming the person is necessary: one audited read naming their ids.
    audit_list_read(action="referral.list_read", actor=request.user, organisation_id=request.tenant.pk,
                    target_type="referrals.transferrequest", ids=[row["transfer"].pk for row in pending],
                    reason="approvals")  # fmt: skip
    return render(request, "referrals/approvals.html", {"pending": pending, "decided": decided}, status=status)


def _transfer(transfer_id: int) -> Any:
    transfer = selectors.transfer_get(transfer_id)
    if transfer is None:
        raise Http404("No such transfer request.")
    return transfer


@scope_required(Scope.REFERRALS_APPROVE)
@require_POST
def transfer_approve(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(transfer_id)
    try:
        services.transfer_approve(actor=request.user, transfer=transfer)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    except SharingDenied:
        messages.error(request, DENIED + " The request stays waiting.")
    else:
        messages.success(request, f"Approved: case {transfer.case_number} was sent, identified, to its recipient.")
    return redirect("referrals:approvals")


@scope_required(Scope.REFERRALS_APPROVE)
@require_POST
def transfer_decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(transfer_id)
    form = DeclineForm(request.POST, prefix=f"t{transfer.pk}")
    if form.is_valid():
        try:
            services.transfer_decline(actor=request.user, transfer=transfer, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("referrals:approvals")
        else:
            messages.success(request, "Declined. Nothing was sent.")
            return redirect("referrals:approvals")
    return approvals(request, decline_form=form, declining=transfer.pk, status=400)


@scope_required(Scope.REFERRALS_SHARE)
@require_POST
def transfer_withdraw(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(transfer_id)
    try:
        services.transfer_withdraw(actor=request.user, transfer=transfer)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, "Withdrawn. Nothing was sent.")
    return redirect("referrals:case", case_id=transfer.case_number)


@scope_required(Scope.REFERRALS_READ_RECEIVED)
def received(request: HttpRequest) -> HttpResponse:
    partners = selectors.received_by_partner(organisation=request.membership.organisation, user=request.user)
    context = {"partners": partners, "may_open_identified": rights.can_open_identified(request.membership)}
    return render(request, "referrals/received.html", context)
