"""Pages of the exchange: search, one check, what we shared (and who read it), detail requests, settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from agreements.policy import SharingDenied
from hub.forms_util import add_service_errors
from sharing import selectors, services
from sharing.forms import DecideDetailForm, ReasonForm, SearchForm, SettingsForm
from sharing.models import DetailRequest, SharedCheck
from tenants.scopes import Scope, scope_required, scopes_of


@scope_required(Scope.EXCHANGE_SEARCH)
def search(request: HttpRequest) -> HttpResponse:
    """Has anyone in our network assessed this speaker, and what did they do?"""
    # POST, not GET: a speaker's name must not end up in URLs, access logs or browser history.
    form = SearchForm(request.POST or None)
    results, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            results = selectors.speaker_check_search(
                organisation=request.tenant, user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
    return render(request, "sharing/search.html", {"form": form, "results": results}, status=status)


@scope_required({"GET": Scope.EXCHANGE_SEARCH, "POST": Scope.EXCHANGE_DETAIL_REQUESTS})
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    view = selectors.check_open(organisation=request.tenant, user=request.user, check_id=check_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = get_object_or_404(SharedCheck, pk=view.check_id)
        try:
            services.detail_request_create(
                actor=request.user, organisation=request.tenant, check=check, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, SharingDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"Asked {view.source_name} for the full detail; you will be told their answer.")
            return redirect("sharing:check", check_id=check_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/check.html", {"view": view, "form": form}, status=status)


@scope_required(Scope.EXCHANGE_READ_SHARED)
def shared_register(request: HttpRequest) -> HttpResponse:
    """What we shared: every version, its state, and how often it was opened."""
    checks = selectors.shared_checks_of(request.tenant)
    return render(request, "sharing/shared.html", {"checks": checks, "withdraw_form": ReasonForm()})


@scope_required(Scope.EXCHANGE_READ_SHARED)
def shared_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    check = get_object_or_404(SharedCheck, pk=check_id, source=request.tenant)
    # Who in other organisations read it is a right of its own (None: the page says it is not shown).
    openings = (
        selectors.check_openings(organisation=request.tenant, check_id=check.pk)
        if Scope.EXCHANGE_READ_OPENINGS in scopes_of(request.membership)
        else None
    )
    view = (
        selectors.check_open(organisation=request.tenant, user=request.user, check_id=check.pk)
        if check.is_readable
        else None
    )
    return render(
        request,
        "sharing/shared_detail.html",
        {"check": check, "openings": openings, "view": view, "withdraw_form": ReasonForm()},
    )


@scope_required(Scope.EXCHANGE_SHARE)
@require_POST
def shared_withdraw(request: HttpRequest, check_id: int) -> HttpResponse:
    check = get_object_or_404(SharedCheck, pk=check_id, source=request.tenant, is_current=True)
    form = ReasonForm(request.POST)
    try:
        services.check_withdraw(actor=request.user, check=check, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Withdrawn: no other organisation can open this check any more.")
    return redirect("sharing:shared_detail", check_id=check_id)


@scope_required(Scope.EXCHANGE_DETAIL_REQUESTS)
def detail_requests(request: HttpRequest) -> HttpResponse:
    context = {
        "incoming": selectors.detail_requests_incoming(request.tenant),
        "outgoing": selectors.detail_requests_outgoing(request.tenant),
        "decide_form": DecideDetailForm(),
    }
    return render(request, "sharing/requests.html", context)


@scope_required(Scope.EXCHANGE_ANSWER_DETAIL)
@require_POST
def detail_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    detail = get_object_or_404(DetailRequest, pk=request_id, check_row__source=request.tenant)
    form = DecideDetailForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect("sharing:requests")
    try:
        services.detail_request_decide(
            actor=request.user, request=detail, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Answer recorded; the asker has been told.")
    return redirect("sharing:requests")


@scope_required(Scope.EXCHANGE_SETTINGS)
def exchange_settings(request: HttpRequest) -> HttpResponse:
    current = services.settings_for(request.tenant)
    form = SettingsForm(
        request.POST or None, initial={"share_mode": current.share_mode, "automatic_level": current.automatic_level}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.exchange_settings_update(actor=request.user, organisation=request.tenant, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Sharing settings saved.")
                return redirect("sharing:settings")
        status = 400
    return render(request, "sharing/settings.html", {"form": form}, status=status)
