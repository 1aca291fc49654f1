"""The dashboard shell and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hub.hosts import organisation_url
from tenants import selectors
from tenants.models import LinkKind, Role


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
        "links": links,
        "members": members,
        "role_counts": [(label, count) for label, count in role_counts.items() if count],
        "open_invitations": selectors.open_invitations(organisation).count()
        if request.membership.has_role(Role.ORG_ADMIN)
        else None,
    }
    return render(request, "hub/dashboard.html", context)


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


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", {}, status=500)
