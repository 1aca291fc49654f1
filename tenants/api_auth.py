"""API authentication: bearer tokens scoped to one organisation, and the membership permission."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from core import crypto
from tenants.models import ApiToken
from tenants.scopes import allows, denied_message, scope_map, scopes_for_method, scopes_of
from tenants.selectors import membership_for


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer phub_…`. A token works only on its own organisation's host."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        token = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(key_hash=crypto.hash_token(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid (unknown, revoked or its user is disabled)."
            )
        if token.organisation_id != request.tenant.pk:
            raise exceptions.AuthenticationFailed(
                "This API token belongs to another organisation; call the API on that organisation's host name."
            )
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


# Seconds between two writes of a token's `last_used_at`: the column says "used within the last
# few minutes", not every request (a write per API call cost a row version and a round trip each).
DEFAULT_LAST_USED_INTERVAL = 300


def last_used_interval() -> timedelta:
    """`HUB_TOKEN_LAST_USED_INTERVAL` (seconds, or a timedelta; default 300 s) as a timedelta."""
    value = getattr(settings, "HUB_TOKEN_LAST_USED_INTERVAL", DEFAULT_LAST_USED_INTERVAL)
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def token_touch(token: ApiToken) -> bool:
    """Record that `token` was used now, at most once per `last_used_interval()`; True if it wrote.

    No statement when the loaded `last_used_at` is within the interval; otherwise one conditional
    UPDATE, so concurrent requests with the same token write once between them.
    """
    now = timezone.now()
    stale_before = now - last_used_interval()
    if token.last_used_at is not None and token.last_used_at >= stale_before:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before))
        .update(last_used_at=now)
    )
    if written:
        token.last_used_at = now
    return bool(written)


class IsMemberOfThisOrganisation(permissions.BasePermission):
    """Members of the organisation whose host this is. Non-members get 404, as if it did not exist."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.tenant.is_platform:
            return True  # The public site's API only serves the schema and anonymous-safe data.
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated("Sign in or send 'Authorization: Bearer <token>'.")
        membership = membership_for(request.user, request.tenant)
        if membership is None:
            raise exceptions.NotFound()
        request.membership = membership
        _require_second_factor(request, membership)
        return True


SECOND_FACTOR_DETAIL = (
    "Your sign-in has not passed the second factor, which your role here needs. Enter the code "
    "from your authenticator app on the sign-in page (or set one up), then try again."
)


def _require_second_factor(request: Request, membership: Any) -> None:
    """Session-authenticated calls need the second factor where pages do (hub.middleware.SecondFactorMiddleware).

    Token calls pass: a token can only be created from a session that passed the second factor
    (tenants.views.api_tokens), so the token stands for it. 403 in the API's error shape.
    """
    if isinstance(getattr(request, "auth", None), ApiToken):
        return
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return
    from tenants import two_factor  # here: two_factor imports the scopes this module's callers use

    if two_factor.has_second_factor(user) or two_factor.requires_second_factor_in(user, membership):
        raise exceptions.PermissionDenied(SECOND_FACTOR_DETAIL)


def _drf_metadata_only(view: Any) -> bool:
    """Whether OPTIONS on this view is DRF's own metadata answer (names and fields; runs no handler)."""
    from rest_framework.views import APIView  # here: rest_framework.views imports this module's classes

    return getattr(type(view), "options", None) is APIView.options


class HasRequiredScopes(IsMemberOfThisOrganisation):
    """Members holding the scope the view declares for this method (`required_scopes`), else 403.

    `required_scopes = {"GET": [Scope.ORG_READ], "POST": [Scope.EXCHANGE_SHARE]}` on the APIView;
    any one listed scope is enough. A method the view implements but does not declare is refused
    (fail closed); a view with no declaration at all needs membership only, and the role × endpoint
    matrix test fails on it, so no endpoint ships undeclared. Non-members still get 404.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        super().has_permission(request, view)
        if request.tenant.is_platform:
            return True
        raw = getattr(view, "required_scopes", None)
        if raw is None:
            return True
        needed = scopes_for_method(scope_map(raw), request.method or "GET")
        if needed is None and request.method == "OPTIONS" and _drf_metadata_only(view):
            return True  # DRF's own metadata answer: names and fields only, never runs a handler
        if needed is None:
            if hasattr(view, (request.method or "").lower()):
                raise exceptions.PermissionDenied(f"This endpoint declares no right for {request.method}.")
            return True  # DRF answers 405 for a method the view does not implement
        if not allows(scopes_of(request.membership), needed):
            raise exceptions.PermissionDenied(denied_message(needed))
        return True
