"""The dashboard shell and error pages."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from agreements import selectors as agreement_selectors
from agreements.states import State
from hub.hosts import organisation_url
from hub.panels import counts_in_one_query, dashboard_panels
from sharing import selectors as sharing_selectors
from sharing.models import DetailRequestStatus
from speakers import selectors as speaker_selectors
from speakers.choices import Status
from tenants import selectors
from tenants.models import LinkKind, Role
from tenants.scopes import Scope, scope_required, scopes_of


@scope_required(Scope.ORG_READ)
def dashboard(request: HttpRequest) -> HttpResponse:
    """An organisation's home: who it is linked to, who works in it, and in which roles."""
    organisation = request.tenant
    links = [
        {
            "phrase": _link_phrase(link.kind, outgoing=link.source_id == organisation.pk),
            "other": other,
            "url": organisation_url(request, other.slug),
        }
        for link in selectors.organisation_links(organisation)
        for other in [link.target if link.source_id == organisation.pk else link.source]
    ]
    members = selectors.organisation_members(organisation)
    role_counts = {label: 0 for _, label in Role.choices}
    for membership in members:
        for label in membership.role_labels():
            role_counts[label] += 1
    context = {
        **_work_in_hand(request),
        "panels": dashboard_panels(request),
        "links": links,
        "members": members,
        "role_counts": [(label, count) for label, count in role_counts.items() if count],
    }
    return render(request, "hub/dashboard.html", context)


_OPEN_STATUSES = (Status.SUBMITTED, Status.ASSESSED, Status.ESCALATED)


def dashboard_counts(request: HttpRequest) -> dict[str, int | None]:
    """The dashboard's figures, in ONE statement whatever the data (`hub.panels.counts_in_one_query`).

    Keys: `requests_open` and `requests_<status>` for each open status (the person's visible speaker
    requests, in the tenant's schema); `detail_requests_waiting` and `open_invitations` (public
    schema), None for a person who may not open the page the figure links to.
    """
    organisation, held = request.tenant, scopes_of(request.membership)
    visible = speaker_selectors.event_requests_visible_to(request.membership)
    wanted: dict[str, QuerySet[Any]] = {"requests_open": visible.filter(status__in=_OPEN_STATUSES)}
    wanted |= {f"requests_{value}": visible.filter(status=value) for value in _OPEN_STATUSES}
    if Scope.EXCHANGE_DETAIL_REQUESTS in held:
        incoming = sharing_selectors.detail_requests_incoming(organisation)
        wanted["detail_requests_waiting"] = incoming.filter(status=DetailRequestStatus.PENDING)
    if Scope.ORG_ADMIN in held:
        wanted["open_invitations"] = selectors.open_invitations(organisation)
    found: dict[str, int | None] = {"detail_requests_waiting": None, "open_invitations": None}
    found.update(counts_in_one_query(wanted))
    return found


def _work_in_hand(request: HttpRequest) -> dict[str, object]:
    """What needs someone's attention today, from each app's own selectors."""
    organisation, membership = request.tenant, request.membership
    held = scopes_of(membership)
    rows = agreement_selectors.agreement_rows(organisation)
    counts = dashboard_counts(request)
    return {
        "agreements_active": [
            {"agreement": r.agreement, "others": [p for p in r.parties if p.pk != request.tenant.pk]}
            for r in rows
            if r.state == State.ACTIVE
        ],
        "agreements_to_sign": [r for r in rows if r.needs_our_signature],
        "agreements_to_review": [r for r in rows if r.review_due],
        "requests_open": counts["requests_open"],
        "requests_by_status": {
            label: counts[f"requests_{value}"] for value, label in Status.choices if value in _OPEN_STATUSES
        },
        "can_search": Scope.EXCHANGE_SEARCH in held,
        # Each figure only for those who may open the page it links to (None hides the line).
        # (The search engineer owns sharing.selectors: its active-checks count stays its own query.)
        "checks_shared": sharing_selectors.shared_checks_active_count(organisation)
        if Scope.EXCHANGE_READ_SHARED in held or Scope.EXCHANGE_READ_OPENINGS in held
        else None,
        "detail_requests_waiting": counts["detail_requests_waiting"],
        "open_invitations": counts["open_invitations"],
    }


_PHRASES = {
    (LinkKind.VALIDATES, True): "Validates",
    (LinkKind.VALIDATES, False): "Validated by",
    (LinkKind.MEMBER_OF, True): "Member of",
    (LinkKind.MEMBER_OF, False): "Has member",
    (LinkKind.CONVENED_BY, True): "Convened by",
    (LinkKind.CONVENED_BY, False): "Convenes",
}


def _link_phrase(kind: str, *, outgoing: bool) -> str:
    return _PHRASES[(LinkKind(kind), outgoing)]


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's `handler400`: a body Django itself refuses (over `DATA_UPLOAD_MAX_MEMORY_SIZE`, too
    many fields, a malformed multipart body) is a 413 or 400 page, and under /api/ the same status
    in the API's one error shape (`hub.api_errors`), never an HTML page."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    message = (
        "The request body is larger than the server accepts; send less."
        if too_big
        else "The request body cannot be read; check its format and Content-Type."
    )
    if request.path.startswith("/api/"):
        from hub.api_errors import error_body

        return JsonResponse(error_body({"detail": message}, status), status=status)
    return render(request, "400.html", {"message": message}, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


# Seconds a client should wait before retrying while the database is unreachable.
DATABASE_RETRY_AFTER = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; 503 with `Retry-After` when the database was unreachable (a restart, a failover).

    Called by Django inside the failed request's exception handling, so `sys.exc_info()` is the
    error. The 503 page is static: nothing on it needs the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render(None, "503.html", {}, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return render(request, "500.html", {}, status=500)
