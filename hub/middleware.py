"""Request middleware: bare-host redirect, tenant resolution with a plain 404, membership gate."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from hub.hosts import public_url
from tenants.selectors import membership_for

Handler = Callable[[HttpRequest], HttpResponse]


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "404.html", {"message": message}, status=404)


class BareLocalhostRedirectMiddleware:
    """`localhost:8000` is not the base domain: send people to the public site, and answer health checks."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return HttpResponse("ok", content_type="text/plain")
        host = request.get_host().split(":")[0]
        if host in {"localhost", "127.0.0.1"} and host != settings.HUB_BASE_DOMAIN:
            return HttpResponseRedirect(public_url(request, request.get_full_path()))
        return self.get_response(request)


class HubTenantMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema switch, with our own 404 page for unknown hosts."""

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        self.setup_url_routing(request, force_public=True)
        return not_found(request, "No organisation is served at this address. Check the host name.")


class MembershipMiddleware:
    """On an organisation's host, pages are for its members only; everyone else sees "not found".

    The API (under /api/) answers for itself, because API clients authenticate with tokens
    that only DRF reads.
    """

    open_prefixes = ("/api/", "/static/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_platform or request.path.startswith(self.open_prefixes):
            return self.get_response(request)
        if not request.user.is_authenticated:
            login = public_url(request, "/login/") + "?" + urlencode({"next": request.build_absolute_uri()})
            return HttpResponseRedirect(login)
        membership = membership_for(request.user, tenant)
        if membership is None:
            return not_found(request)
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
