"""OpenID Connect sign-in (mozilla-django-oidc): a university's identity provider vouches for an email.

Configured entirely from the environment (hub/settings/base.py, README "Signing in with your
university"): HUB_OIDC_CLIENT_ID, HUB_OIDC_CLIENT_SECRET, HUB_OIDC_NAME and either HUB_OIDC_ISSUER
(the endpoints come from its discovery document) or the four endpoint URLs. Off when unset: the
sign-in page shows no button and /oidc/... answers 404.

What it accepts (everything else is refused, audited as `sign_in.oidc_refused` with a reason, and
answered with a page saying what to do):

* the authorisation code flow with state, nonce and PKCE (S256), the state checked against the
  one this browser's session started with;
* an ID token signed by the provider's key (JWKS), for this client (`aud`, and `azp` when several
  audiences), from the configured issuer (`iss`), unexpired; userinfo for the same `sub`;
* an email the provider says it verified (`email_verified` true; Microsoft Entra ID's `xms_edov`
  true is accepted as the same statement) that belongs to an EXISTING, active hub account. The
  provider never creates or links accounts: invitations create them.

A successful sign-in is audited as `sign_in.oidc`. It is a first factor only: django-otp's
session key is not set, so the second-factor step applies exactly as after a password.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.audit import audit_record
from hub.hosts import is_hub_url
from tenants.models import User

# mozilla-django-oidc setting -> discovery document key.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery_cache: dict[str, dict[str, Any]] = {}

# Why a sign-in was refused: (HTTP status, what the person reads). `{provider}` is HUB_OIDC_NAME.
REFUSALS = {
    "unknown_account": (
        403,
        "No Partnership Hub account uses this email; ask your organisation's admin for an invitation.",
    ),
    "unverified_email": (
        403,
        "{provider} did not confirm that the email address it gave is yours, so the hub cannot match it "
        "to an account. Sign in with your password, or ask your IT service to release a verified email.",
    ),
    "inactive": (403, "This account is disabled. Ask your organisation's admin."),
    "provider_unreachable": (503, "{provider} cannot be reached just now. Sign in with your password, or try later."),
    "provider_declined": (403, "{provider} did not complete the sign-in. Start again from the sign-in page."),
    "invalid_response": (
        400,
        "The sign-in could not be completed: the answer that came back did not check out. "
        "Start again from the sign-in page.",
    ),
}
REFUSAL_ATTRIBUTE = "hub_oidc_refusal"


def discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (`<issuer>/.well-known/openid-configuration`), cached per process.

    Raises `requests.RequestException` when it cannot be fetched, and SuspiciousOperation when the
    document names another issuer (OpenID Connect Discovery 1.0 §4.3).
    """
    if issuer not in _discovery_cache:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=import_from_settings("OIDC_TIMEOUT", 10)
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer") != issuer:
            raise SuspiciousOperation("discovery document names another issuer")
        _discovery_cache[issuer] = document
    return _discovery_cache[issuer]


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's setting `attr`; an empty endpoint is read from the issuer's discovery document."""
    if attr in _DISCOVERED and not getattr(settings, attr, "") and settings.HUB_OIDC_ISSUER:
        return discovery(settings.HUB_OIDC_ISSUER)[_DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def _refuse(request: HttpRequest | None, reason: str) -> None:
    if request is not None and not hasattr(request, REFUSAL_ATTRIBUTE):
        setattr(request, REFUSAL_ATTRIBUTE, reason)


def _email_verified(claims: dict[str, Any]) -> bool:
    return any(claims.get(name) in (True, "true") for name in ("email_verified", "xms_edov"))


def with_verified_email(userinfo: dict[str, Any], id_token: dict[str, Any]) -> dict[str, Any]:
    """The claims to match on: userinfo's, or, when userinfo vouches for no email, the ID token's email.

    Email and its verification always come from the same source. Entra ID, for one, puts its
    `xms_edov` optional claim in the ID token only, never in userinfo.
    """
    if userinfo.get("email") and _email_verified(userinfo):
        return userinfo
    if id_token.get("email") and _email_verified(id_token):
        return {**userinfo, "email": id_token["email"], "email_verified": True}
    return userinfo


class HubOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the existing, active account whose email the provider verified; never creates one.

    Used only by the OIDC callback (it alone passes `nonce`). A refusal reason from REFUSALS is
    left on the request for the callback's page and audit event.
    """

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing asks the provider here (mozilla-django-oidc's __init__ would, for discovery):
        # Django builds every backend for each password sign-in, and this one for each request of
        # a session it signed in, so a provider that is down must not break either.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: oidc_setting("OIDC_RP_CLIENT_ID"))
    OIDC_RP_CLIENT_SECRET = property(lambda self: oidc_setting("OIDC_RP_CLIENT_SECRET"))
    OIDC_RP_SIGN_ALGO = property(lambda self: oidc_setting("OIDC_RP_SIGN_ALGO", "RS256"))
    OIDC_RP_IDP_SIGN_KEY = property(lambda self: oidc_setting("OIDC_RP_IDP_SIGN_KEY", None))

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "nonce" not in kwargs:
            return None  # a password sign-in: not ours
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError, TypeError):
            _refuse(request, "invalid_response")
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (userinfo as a JWT comes without one)
            audiences = payload.get("aud")
            audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token issued to another client")
            if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
                raise SuspiciousOperation("ID token authorised for another client")
            if settings.HUB_OIDC_ISSUER and payload.get("iss") != settings.HUB_OIDC_ISSUER:
                raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about someone else")  # OpenID Connect Core §5.3.2
        return with_verified_email(claims, payload)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not str(claims.get("email") or "").strip() or not _email_verified(claims):
            _refuse(self.request, "unverified_email")
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = User.objects.filter(email=str(claims["email"]).strip().lower())
        if not users.exists():
            _refuse(self.request, "unknown_account")
        return users

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if not user.is_active:
            _refuse(self.request, "inactive")
        return user

    def get_user(self, user_id: int) -> User | None:
        # As HubAuthBackend: disabling someone ends their sessions, whichever way they signed in.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _enabled() -> None:
    if not settings.HUB_OIDC_ENABLED:
        raise Http404("OpenID Connect sign-in is not configured")


class SignInStartView(OIDCAuthenticationRequestView):
    """GET /oidc/authenticate/?next=<hub URL>: off to the provider, with state, nonce and PKCE in the session."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # endpoints are read in get(), where a failure can be answered

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _enabled()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
            response = super().get(request)
        except (requests.RequestException, SuspiciousOperation, KeyError, ValueError):
            status, message = REFUSALS["provider_unreachable"]
            context = {"message": message.format(provider=settings.HUB_OIDC_NAME), "reason": "provider_unreachable"}
            return render(request, "tenants/oidc_refused.html", context, status=status)
        # Organisation pages live on other hosts under the base domain, as for the password form.
        target = request.GET.get("next", "")
        request.session["oidc_login_next"] = target if target and is_hub_url(target) else None
        return response


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """GET /oidc/callback/: the provider's answer. Signs the person in, or says plainly why not."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _enabled()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("error"):
            _refuse(request, "provider_declined")
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this session never started (forged, replayed or stale)
            _refuse(request, "invalid_response")
            return self.login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        audit_record(action="sign_in.oidc", actor=self.user, target=self.user, detail={"provider": _issuer_host()})
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, "invalid_response")
        user = getattr(self, "user", None)
        audit_record(
            action="sign_in.oidc_refused",
            actor=user if isinstance(user, User) else None,
            detail={"reason": reason, "provider": _issuer_host()},
        )
        status, message = REFUSALS[reason]
        context = {"message": message.format(provider=settings.HUB_OIDC_NAME), "reason": reason}
        return render(self.request, "tenants/oidc_refused.html", context, status=status)


def _issuer_host() -> str:
    endpoint = settings.HUB_OIDC_ISSUER or getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    return endpoint.split("//", 1)[-1].split("/", 1)[0]
