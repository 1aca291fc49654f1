"""The ONE table of what every caller must get from every endpoint, computed from declared scopes.

Read it top to bottom; every rule quotes the project rule it comes from.

Callers ("who"), against the victim organisation B (Alderley) unless said otherwise:

    anonymous            nobody signed in, on B's host
    stranger             a member of A (Brackenford) holding EVERY role there, signed in, on B's host
    stranger_token       the same person's API token (issued by A), on B's host
    stranger_ids         the same person on A's OWN host, with B's object ids in the URL
    <role>               one person per role, a member of B holding only that role, on B's host
    password_only:<role> that role's person signed in with the password only (second factor not
                         passed): see `second_factor_rule`, the hook for the merge with `signin`

Organisation hosts (README "Isolation", "Rights come from roles, in one table"):

    who             page (not under /api/)                       API (/api/…)
    -------------------------------------------------------------------------------------------
    anonymous       302 to the public site's /login/?next=…       401
    stranger        404 (an organisation you are not in "is not there")   404
    stranger_token  302 to sign in (pages never read tokens)      401 (a token works on its own host only)
    stranger_ids    404, or 405 when the page refuses the method before it looks anything up;
                    a method the route does not accept: the member rule below
    member, method accepted, scope held       the view runs: any status but 401, 403, 404 or 5xx
    member, method accepted, scope not held   403
    member, method the declaration does not name
                    page: 403 ("A method the declaration does not name is refused (403)")
                    API:  405 (DRF: the view has no handler; the scope check passes for
                          undeclared, unimplemented methods so DRF can say 405)
    member, object not theirs by assignment   404, or 405 before any lookup
                    (speaker requests: `speakers.selectors.event_requests_visible_to`)
    anyone, an id of something only ever one's own (`IGNORED_WHEN_NOT_YOURS`: notifications)
                    ignored: 2xx/3xx and nothing written, never 403/404

Scopes held = `tenants.scopes.scopes_of(membership)`: `SCOPE_ROLES` plus the registered providers
(the dynamic scopes: `speakers:review` and `speakers:decide_escalated` from each organisation's
procedure, the welfare deputies). Every denial (everything but "the view runs") must also write
nothing: see `tests/security/writes.py`.

Routes exempt from scopes (`scope_exempt`) and the public site have their own small tables below,
keyed by URL name; a new one that is not classified fails with the line to add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse

from tenants.scopes import SECOND_FACTOR_SCOPES, Scope, scopes_for_method, scopes_for_roles
from tests.security.endpoints import Route, allowed_methods, implemented_methods

ANONYMOUS = "anonymous"
STRANGER = "stranger"
STRANGER_TOKEN = "stranger_token"
STRANGER_IDS = "stranger_ids"
PASSWORD_ONLY = "password_only:"  # + role
OUTSIDERS = (ANONYMOUS, STRANGER, STRANGER_TOKEN)
# Roles whose person is also tried with the password only (one that sees cases and decides).
PASSWORD_ONLY_ROLES = ("prevent_lead",)


@dataclass(frozen=True)
class Expect:
    """An expected answer: a label for the report, a test of the response, and whether it must write nothing."""

    label: str
    test: Callable[[HttpResponse], bool]
    writes_nothing: bool = True

    def __str__(self) -> str:
        return self.label


def _signs_in(response: HttpResponse) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path == "/login/" and location.hostname in (None, settings.HUB_BASE_DOMAIN)


SIGN_IN = Expect("302 to /login/", _signs_in)
UNAUTHENTICATED = Expect("401", lambda r: r.status_code == 401)
NOT_THERE = Expect("404", lambda r: r.status_code == 404)
NOT_THERE_OR_METHOD = Expect("404 (or 405 before any lookup)", lambda r: r.status_code in (404, 405))
FORBIDDEN = Expect("403", lambda r: r.status_code == 403)
FORBIDDEN_OR_METHOD = Expect("403 (or 405: a read-only page)", lambda r: r.status_code in (403, 405))
METHOD_NOT_ALLOWED = Expect("405", lambda r: r.status_code == 405)
RUNS = Expect(
    "runs (not 401/403/404, no 5xx)", lambda r: r.status_code not in (401, 403, 404) and r.status_code < 500, False
)
SECOND_FACTOR_STEP = Expect(
    "302 to the second-factor step",
    # The password change page (django-otp's otp_required) sends to sign-in, which asks for the code.
    lambda r: r.status_code == 302 and ("/login/" in r["Location"] or "/account/two-factor/setup/" in r["Location"]),
)
READ_ONLY = Expect("runs, writes nothing (2xx or 405)", lambda r: r.status_code < 300 or r.status_code == 405)
NOT_THERE_OR_INVALID = Expect("404 or 400", lambda r: r.status_code in (400, 404))
IGNORED = Expect("ignored: 2xx or 3xx, writes nothing", lambda r: 200 <= r.status_code < 400)

# URL kwargs naming something that is only ever the caller's own: an id that is not theirs is
# ignored, never a 403 or 404 (tests/notifications/matrix_objects.py: "for anyone else it is not
# theirs and is ignored (nothing changes)").
IGNORED_WHEN_NOT_YOURS = frozenset({"notification_id"})

# who -> (page, API), for callers from outside the organisation (the table in the docstring).
OUTSIDER_TABLE: dict[str, tuple[Expect, Expect]] = {
    ANONYMOUS: (SIGN_IN, UNAUTHENTICATED),
    STRANGER: (NOT_THERE, NOT_THERE),
    STRANGER_TOKEN: (SIGN_IN, UNAUTHENTICATED),
}


# --- The hook for the second factor (the lead adjusts it when `signin` merges) -------------------


def second_factor_rule(route: Route, method: str, roles: tuple[str, ...]) -> Expect | None:
    """What a session with the password only (second factor not passed) gets, or None: as if passed.

    THE ONE HOOK for two-factor sign-in. Roles whose scopes meet `tenants.scopes.SECOND_FACTOR_SCOPES`
    (read from the sign-in rule, never copied) are sent to the code step or to set an authenticator
    up (pages: hub.middleware.SecondFactorMiddleware), or refused 403 in the API's error shape
    (tenants.api_auth). Other roles get what a fully signed-in person with the same roles gets.
    """
    if route.name == "logout" or not scopes_for_roles(roles) & SECOND_FACTOR_SCOPES:
        return None  # signing out never needs the second factor
    return FORBIDDEN if route.is_api else SECOND_FACTOR_STEP


# --- Members of the organisation ---------------------------------------------------------------


def _needed(route: Route, method: str) -> tuple[Scope, ...] | None:
    declared = route.declared
    return None if declared is None else scopes_for_method(declared, method)


def member_expectation(route: Route, method: str, held: frozenset[Scope], visible: bool = True) -> Expect:
    """What a member holding `held` gets for `method` on a scoped tenant route (the table above).

    `visible`: False when the object in the URL is not this person's by assignment (speaker requests).
    """
    needed = _needed(route, method)
    implemented = implemented_methods(route)
    if needed is None:
        if not route.is_api:
            return FORBIDDEN  # scope_required: "This page does not accept X requests."
        if implemented is not None and method in implemented:
            return FORBIDDEN  # HasRequiredScopes: "This endpoint declares no right for X."
        return READ_ONLY if method == "OPTIONS" else METHOD_NOT_ALLOWED
    if not set(held) & set(needed):
        return FORBIDDEN
    if method not in allowed_methods(route):
        return METHOD_NOT_ALLOWED  # declared (e.g. "*") but the view has no handler
    return RUNS if visible else NOT_THERE_OR_METHOD


def stranger_ids_expectation(route: Route, method: str, held: frozenset[Scope]) -> Expect:
    """A's member with every role, on A's host, with B's ids: not there (the object is in another schema)."""
    if method not in allowed_methods(route):
        return member_expectation(route, method, held)
    if IGNORED_WHEN_NOT_YOURS & set(route.kwargs):
        return IGNORED
    return NOT_THERE_OR_METHOD


# --- Scope-exempt tenant routes, by URL name ----------------------------------------------------

ACCOUNT = "account"  # the signed-in person's own account: members run it, outsiders as any page
SCHEMA = "schema"  # the API's public description: anyone, any host, writes nothing
API_NOT_FOUND = "api 404"  # the API's catch-all: 401 anonymous, 404 everyone else

EXEMPT_ROUTES: dict[str, str] = {
    "logout": ACCOUNT,
    "password_change": ACCOUNT,
    "password_change_done": ACCOUNT,
    "api_schema": SCHEMA,
    "^api/": API_NOT_FOUND,
}


def exempt_expectation(route: Route, method: str, who: str) -> Expect:
    """The answer for a scope-exempt tenant route (`EXEMPT_ROUTES`); KeyError names an unclassified one."""
    kind = EXEMPT_ROUTES[route.name]
    if kind == SCHEMA:
        return UNAUTHENTICATED if who == STRANGER_TOKEN else READ_ONLY  # another host's token is refused
    if kind == API_NOT_FOUND:
        if who in (ANONYMOUS, STRANGER_TOKEN):
            return UNAUTHENTICATED
        return READ_ONLY if method == "OPTIONS" and who not in OUTSIDERS else NOT_THERE
    if who in OUTSIDER_TABLE:
        return OUTSIDER_TABLE[who][route.is_api]
    return RUNS


# --- The public site (the base domain), by URL name ----------------------------------------------

OPEN = "open"  # anyone: sign-in page
SIGNED_IN_ONLY = "signed in"  # anonymous to sign in; anyone signed in runs it
OPERATOR_ONLY = "operator"  # anonymous to sign in; signed in but not a platform operator: 403
OIDC = "oidc"  # OpenID Connect sign-in: 404 while not configured (as in tests), 400 for a callback it did not start
SECOND_FACTOR_PAGE = SIGNED_IN_ONLY  # the code step and one's own authenticator: anonymous to sign in
INVITATION = "invitation"  # a made-up token: 404 (400 for a POST), the same for everyone

PUBLIC_ROUTES: dict[str, str] = {
    "home": SIGNED_IN_ONLY,
    "login": OPEN,
    # OpenID Connect (tenants.oidc): 404 unless configured; the callback refuses a request it did not start.
    "oidc_authentication_init": OIDC,
    "oidc_authentication_callback": OIDC,
    # Two-factor sign-in (tenants/views_two_factor.py): the code step and the person's own devices.
    "two_factor_verify": SECOND_FACTOR_PAGE,
    "two_factor": SECOND_FACTOR_PAGE,
    "two_factor_setup": SECOND_FACTOR_PAGE,
    "two_factor_recovery_codes": SECOND_FACTOR_PAGE,
    "two_factor_remove": SECOND_FACTOR_PAGE,
    "invitation_accept": INVITATION,
    "operator_organisations": OPERATOR_ONLY,
    # The platform's audit trail (`audit-reads`, core/audit_urls.py): login_required, then 403 for non-operators.
    "operator_audit": OPERATOR_ONLY,
    "operator_audit_export": OPERATOR_ONLY,
    "operator_audit_checkpoint": OPERATOR_ONLY,
    "operator_audit_events_export": OPERATOR_ONLY,
    "operator_audit_verifier": OPERATOR_ONLY,
    "logout": OPEN,
    "password_change": SIGNED_IN_ONLY,
    "password_change_done": SIGNED_IN_ONLY,
    "api_schema": SCHEMA,
    "^api/": API_NOT_FOUND,
}

# The platform operators' Django admin (hub/admin.py, /admin/): the site gates every address it
# serves the same way, whichever model it is for: anonymous to the hub's sign-in, a signed-in
# person who is no platform operator 403 (an operator without the second factor: the code step).
ADMIN_SITE_ROUTES = (
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
)


def _admin_model_routes() -> dict[str, str]:
    """Every registered model's admin addresses, by URL name (the legacy `<id>/` redirect by path)."""
    from hub.admin import site

    routes: dict[str, str] = {}
    for model in site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        for view in ("changelist", "add", "history", "delete", "change"):
            routes[f"admin:{app}_{name}_{view}"] = OPERATOR_ONLY
        routes[f"admin/{app}/{name}/<path:object_id>/"] = OPERATOR_ONLY
    return routes


PUBLIC_ROUTES.update({name: OPERATOR_ONLY for name in ADMIN_SITE_ROUTES})
PUBLIC_ROUTES.update(_admin_model_routes())
# Values for the public routes' URL kwargs (made up: every caller is refused before any lookup).
PUBLIC_URL_VALUES = {"token": "made-up-invitation-token-0000", "object_id": 1, "content_type_id": 1}
PUBLIC_WHO = (ANONYMOUS, "member")  # "member": a signed-in member of an organisation, not an operator


def public_expectation(route: Route, method: str, who: str) -> Expect:
    """The answer on the public site (`PUBLIC_ROUTES`); KeyError names an unclassified route."""
    kind = PUBLIC_ROUTES[route.name]
    if kind == OPEN:
        return RUNS
    if kind == SCHEMA:
        return READ_ONLY
    if kind == API_NOT_FOUND:
        return READ_ONLY if method == "OPTIONS" else NOT_THERE  # the public API serves no organisation
    if kind in (INVITATION, OIDC):
        return NOT_THERE_OR_INVALID
    if who == ANONYMOUS:
        return SIGN_IN
    if kind == OPERATOR_ONLY:
        return FORBIDDEN if method in ("GET", "HEAD") else FORBIDDEN_OR_METHOD
    return RUNS
