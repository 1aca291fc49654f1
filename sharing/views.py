"""Pages of the exchange: search, one check, what we shared (and who read it), detail requests, settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from agreements.models import RecordKind
from agreements.policy import SharingDenied
from hub.fetch_metadata import is_deliberate
from hub.forms_util import add_service_errors
from hub.paging import page_of
from sharing import selectors, services
from sharing.forms import DecideDetailForm, ReasonForm, SearchForm, SettingsForm
from sharing.models import DetailRequest, SharedCheck
from tenants.scopes import Scope, scope_required, scopes_of

SEARCH_PER_PAGE = 20
SHARED_SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "expiring": "Expiring soonest",
    "most_opened": "Most opened",
}


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
    page = (
        None
        if results is None
        else page_of(request, results, per_page=SEARCH_PER_PAGE, number=request.POST.get("page"))
    )
    return render(request, "sharing/search.html", {"form": form, "results": results, "page": page}, status=status)


@scope_required({"GET": Scope.EXCHANGE_SEARCH, "POST": Scope.EXCHANGE_DETAIL_REQUESTS})
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    """One shared check, as our organisation may read it: opening it is recorded for its source.

    A link from another site (Sec-Fetch-Site: cross-site) opens nothing and records nothing:
    the person sees a button, and the check opens when they press it (a POST from our page).
    Only a deliberate GET or a POST may open it: HEAD (and anything else that reaches here)
    gets the button page, so no request that shows nothing ever records an opening.
    """
    opening = request.method == "POST" and "open" in request.POST
    if not (request.method == "POST" or (request.method == "GET" and is_deliberate(request))):
        return render(request, "sharing/check_confirm.html", {"check_id": check_id})
    view = selectors.check_open(organisation=request.tenant, user=request.user, check_id=check_id)
    form = ReasonForm(None if opening else request.POST or None)
    if request.method == "POST" and not opening and form.is_valid():
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
    status = 400 if request.method == "POST" and not opening else 200
    return render(request, "sharing/check.html", {"view": view, "form": form}, status=status)


# "Checks we shared" and one check's page serve two rights: `exchange:read_shared` sees what
# each check says (decrypted from our archive copy); `exchange:read_openings` (auditors, the
# DPO) sees the register's metadata and who opened each check, never the content.
SHARED_PAGE_SCOPES = [Scope.EXCHANGE_READ_SHARED, Scope.EXCHANGE_READ_OPENINGS]


def _shared_context(request: HttpRequest) -> dict[str, object]:
    held = scopes_of(request.membership)
    return {
        "reads_content": Scope.EXCHANGE_READ_SHARED in held,
        "reads_openings": Scope.EXCHANGE_READ_OPENINGS in held,
        "can_withdraw": Scope.EXCHANGE_SHARE in held,
        "held": {scope.value for scope in held},
        "withdraw_form": ReasonForm(),
    }


@scope_required(SHARED_PAGE_SCOPES)
def shared_register(request: HttpRequest) -> HttpResponse:
    """What we shared: which speaker and event, every version, its true state, how often it was opened.

    Holders of `exchange:read_openings` alone see each check's metadata (number, version,
    dates, state, openings), not its speaker or event: their right is who opened it.
    """
    context = _shared_context(request)
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in selectors.SHARED_SORTS else "newest"
    page = page_of(request, selectors.shared_checks_sorted(request.tenant, sort))
    rows = selectors.shared_rows(
        organisation=request.tenant,
        user=request.user,
        checks=page.object_list,
        with_content=bool(context["reads_content"]),
    )
    context.update({"page": page, "rows": rows, "sort": sort, "sorts": SHARED_SORT_LABELS})
    return render(request, "sharing/shared.html", context)


@scope_required(SHARED_PAGE_SCOPES)
def shared_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    """One of our checks: its state, its content (for `read_shared`), who opened it (for `read_openings`)."""
    context = _shared_context(request)
    check = get_object_or_404(SharedCheck, pk=check_id, source=request.tenant, kind=RecordKind.SPEAKER_CHECK)
    # Who in other organisations read it is a right of its own (None: the page says it is not shown).
    openings = (
        page_of(request, selectors.check_openings_grouped(organisation=request.tenant, check_id=check.pk))
        if context["reads_openings"]
        else None
    )
    (row,) = selectors.shared_rows(
        organisation=request.tenant, user=request.user, checks=[check], with_content=bool(context["reads_content"])
    )
    context.update({"check": check, "row": row, "openings": openings, "view": row.view})
    return render(request, "sharing/shared_detail.html", context)


@scope_required(Scope.EXCHANGE_SHARE)
@require_POST
def shared_withdraw(request: HttpRequest, check_id: int) -> HttpResponse:
    # Any version of ours: a second press on "Withdraw" (the check is no longer current) gets the
    # service's plain answer, not a 404.
    check = get_object_or_404(SharedCheck, pk=check_id, source=request.tenant, kind=RecordKind.SPEAKER_CHECK)
    form = ReasonForm(request.POST)
    try:
        services.check_withdraw(actor=request.user, check=check, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        already = exc.messages == [services.ALREADY_WITHDRAWN]
        (messages.info if already else messages.error)(request, " ".join(exc.messages))
    else:
        messages.success(request, "Withdrawn: no other organisation can open this check any more.")
    return redirect("sharing:shared_detail", check_id=check_id)


@scope_required(Scope.EXCHANGE_DETAIL_REQUESTS)
def detail_requests(request: HttpRequest) -> HttpResponse:
    incoming = page_of(request, selectors.detail_requests_incoming(request.tenant), param="asked_of_us")
    rows = selectors.shared_rows(organisation=request.tenant, user=request.user, checks={r.check_row for r in incoming})
    about = {row.check.pk: row for row in rows}
    for detail in incoming:
        detail.about = about.get(detail.check_row_id)
        # One form per request, each with its own ids, so labels and answers never mix up.
        detail.decide_form = DecideDetailForm(auto_id=f"request{detail.pk}_%s")
    context = {
        "incoming": incoming,
        "outgoing": page_of(request, selectors.detail_requests_outgoing(request.tenant), param="asked_by_us"),
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
