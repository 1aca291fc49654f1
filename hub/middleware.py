"""Request middleware: bare-host redirect, tenant resolution with a plain 404, membership gate.

"Not yours" and "not there" get one answer. On any well-formed organisation host
(`<slug>.<base domain>`) the decision is made before anything reveals whether the
organisation exists: anonymous people get the same sign-in redirect, signed-in
non-members the same "not found" page, and the API the same answers, because an
unknown organisation host is served as an organisation that exists and has no members
(`unknown_organisation`). Host names are normalised once, by `hub.hosts.normalise_host`,
for HTTP here and for WebSockets in `hub.channels_tenancy`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from hub import health
from hub.hosts import normalise_host, organisation_slug_of, public_url
from tenants.models import Organisation
from tenants.scopes import scopes_remembered
from tenants.selectors import membership_for

Handler = Callable[[HttpRequest], HttpResponse]


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "404.html", {"message": message}, status=404)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header (settings.CONTENT_SECURITY_POLICY), plus this host's WebSocket origin in connect-src.

    Every organisation has its own host, so the origin live.js connects to (`ws://` or `wss://`
    and the page's own host and port) is added per request rather than listed in settings. A host
    Django refuses (not in ALLOWED_HOSTS) adds nothing: such requests are answered 400 anyway.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        scheme = "wss" if request.is_secure() else "ws"
        parts.update = {**(parts.update or {}), "connect-src": [f"{scheme}://{host}"]}
        return parts


class PermissionsPolicyMiddleware:
    """Writes `Permissions-Policy` from settings.HUB_PERMISSIONS_POLICY ({feature: allowlist}, e.g. "()")."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        policy: dict[str, str] = getattr(settings, "HUB_PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


class BareLocalhostRedirectMiddleware:
    """`localhost:8000` is not the base domain: send people to the public site, and answer health checks."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in health.PATHS:  # liveness and readiness, on any host (hub/health.py)
            return health.respond(request)
        host = normalise_host(request.get_host())
        if host in {"localhost", "127.0.0.1"} and host != settings.HUB_BASE_DOMAIN:
            return HttpResponseRedirect(public_url(request, request.get_full_path()))
        return self.get_response(request)


def unknown_organisation(slug: str) -> Organisation:
    """A stand-in for an organisation host that serves no one: no members, no schema, no rows.

    Its id (0) matches no row, so every membership and token check fails as it would for
    a stranger at a real organisation; nothing may query its schema (none is set).
    """
    return Organisation(pk=0, slug=slug, name="", kind="", schema_name="")


class HubTenantMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema switch, on the normalised host, answering unknown hosts like strangers."""

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        return normalise_host(request.get_host())

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse | None:
        slug = organisation_slug_of(hostname)
        if slug is None:  # not an organisation's address at all
            self.setup_url_routing(request, force_public=True)
            return not_found(request)
        # The connection stays on the public schema; routing is the organisation site's, so
        # the gate below and the API's permission answer exactly as for a real stranger.
        request.tenant = unknown_organisation(slug)
        request.urlconf = settings.ROOT_URLCONF
        return None


class MembershipMiddleware:
    """On an organisation's host, pages are for its members only; everyone else sees "not found".

    The API (under /api/) answers for itself, because API clients authenticate with tokens
    that only DRF reads.
    """

    open_prefixes = ("/api/", "/static/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):  # reads: each membership's scopes are worked out once
            with scopes_remembered():
                return self._gate(request)
        return self._gate(request)

    def _gate(self, request: HttpRequest) -> HttpResponse:
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


class SecondFactorMiddleware:
    """Sessions that must pass the second factor, and have not, are sent to do so (pages only).

    Applies to every signed-in session however it was signed in (password, a university's
    sign-in): a person whose rights *here* need two-factor sign-in (tenants.two_factor:
    operators, and holders of `SECOND_FACTOR_SCOPES`; on the public site, anywhere), or who has
    an authenticator at all, goes to the code step, or to set one up when they have none yet.
    The sign-in pages, sign-out, static files and the API (which answers for itself, in its
    error shape: tenants.api_auth) pass.
    """

    open_prefixes = ("/login/", "/account/two-factor/", "/logout/", "/static/", "/api/", "/healthz", "/readyz")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(self.open_prefixes)
            or user.is_verified()  # type: ignore[union-attr]
        ):
            return self.get_response(request)
        from tenants import two_factor  # here: tenants' views import this module's helpers

        enrolled = two_factor.has_second_factor(user)  # type: ignore[arg-type]
        tenant = getattr(request, "tenant", None)
        if not enrolled:
            on_public = tenant is None or tenant.is_platform
            needed = (
                two_factor.requires_second_factor(user)  # type: ignore[arg-type]
                if on_public
                else two_factor.requires_second_factor_in(user, getattr(request, "membership", None))  # type: ignore[arg-type]
            )
            if not needed:
                return self.get_response(request)
        step = "/login/code/" if enrolled else "/account/two-factor/setup/"
        target = public_url(request, step) + "?" + urlencode({"next": request.build_absolute_uri()})
        return HttpResponseRedirect(target)
