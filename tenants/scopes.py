"""Rights inside an organisation: one table maps each role to the scopes it grants.

Pages, API endpoints, consumers, services and tasks name the *scope* they need
(`require_scope(actor, organisation, Scope.EXCHANGE_SEARCH)`), never a list of roles, so a
reviewer can read every organisation-level right here. (Sentry's role → scope model.)

Rights that come from an *assignment* rather than a role (the senior decision-maker a request
was escalated to, the team of a case) are computed from the assignment beside the scope check,
in the owning app's `rights` module, never copied into rows that could outlive it.

Scopes are computed from the person's *current* membership on every call: removing a role or a
membership ends the right at once, with nothing to clean up.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tenants.models import Membership, Organisation, Role, User


class Scope(enum.StrEnum):
    ORG_READ = "org:read"  # see the organisation's pages at all (every member)
    ORG_ADMIN = "org:admin"  # invite, change roles, remove members, API tokens

    AGREEMENTS_READ = "agreements:read"
    AGREEMENTS_REGISTER = "agreements:register"  # the DPO's and auditor's register of every agreement
    AGREEMENTS_DRAFT = "agreements:draft"  # start a draft and change a draft
    AGREEMENTS_PROPOSE = "agreements:propose"  # send a version for signature (it binds the organisation)
    AGREEMENTS_SIGN = "agreements:sign"
    AGREEMENTS_END = "agreements:end"  # suspend, resume, give notice to terminate

    EXCHANGE_SEARCH = "exchange:search"  # ask the network about a speaker; open what the search found
    EXCHANGE_SHARE = "exchange:share"  # share, correct, withdraw our own checks
    EXCHANGE_READ_SHARED = "exchange:read_shared"  # read our own shared checks in full (incl. rationale)
    EXCHANGE_READ_OPENINGS = "exchange:read_openings"  # who, in other organisations, opened our checks
    EXCHANGE_DETAIL_REQUESTS = "exchange:detail_requests"  # see requests for detail, ours and to us
    EXCHANGE_ANSWER_DETAIL = "exchange:answer_detail"  # approve or decline a request for full detail
    EXCHANGE_SETTINGS = "exchange:settings"

    SPEAKERS_SUBMIT = "speakers:submit"
    SPEAKERS_READ_ALL = "speakers:read_all"  # the whole register
    SPEAKERS_REVIEW = "speakers:review"  # assess, decide (unless escalated), escalate, re-escalate
    SPEAKERS_CONFIGURE = "speakers:configure"  # procedure settings, mitigation catalogue, import
    SPEAKERS_AUDIT = "speakers:audit"  # random-sample audit


_EVERY_ROLE = frozenset(Role.values)

# Which roles hold each scope. Read down a column to see what a role may do.
SCOPE_ROLES: dict[Scope, frozenset[str]] = {
    Scope.ORG_READ: _EVERY_ROLE,
    Scope.ORG_ADMIN: frozenset({Role.ORG_ADMIN}),
    Scope.AGREEMENTS_READ: _EVERY_ROLE,
    Scope.AGREEMENTS_REGISTER: frozenset({Role.DATA_PROTECTION_OFFICER, Role.AUDITOR, Role.ORG_ADMIN}),
    Scope.AGREEMENTS_DRAFT: frozenset(
        {Role.PREVENT_LEAD, Role.ORG_ADMIN, Role.SIGNATORY, Role.DATA_PROTECTION_OFFICER}
    ),
    Scope.AGREEMENTS_PROPOSE: frozenset({Role.SIGNATORY, Role.ORG_ADMIN}),
    Scope.AGREEMENTS_SIGN: frozenset({Role.SIGNATORY}),
    Scope.AGREEMENTS_END: frozenset({Role.SIGNATORY, Role.ORG_ADMIN, Role.DATA_PROTECTION_OFFICER}),
    Scope.EXCHANGE_SEARCH: frozenset({Role.PREVENT_LEAD, Role.REVIEWER, Role.SENIOR_DECISION_MAKER}),
    Scope.EXCHANGE_SHARE: frozenset({Role.PREVENT_LEAD, Role.REVIEWER, Role.ORG_ADMIN}),
    Scope.EXCHANGE_READ_SHARED: frozenset({Role.PREVENT_LEAD, Role.REVIEWER, Role.ORG_ADMIN}),
    Scope.EXCHANGE_READ_OPENINGS: frozenset(
        {Role.PREVENT_LEAD, Role.DATA_PROTECTION_OFFICER, Role.AUDITOR, Role.ORG_ADMIN}
    ),
    Scope.EXCHANGE_DETAIL_REQUESTS: frozenset({Role.PREVENT_LEAD, Role.REVIEWER, Role.SENIOR_DECISION_MAKER}),
    Scope.EXCHANGE_ANSWER_DETAIL: frozenset({Role.PREVENT_LEAD}),
    Scope.EXCHANGE_SETTINGS: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.SPEAKERS_SUBMIT: frozenset({Role.ORGANISER}),
    Scope.SPEAKERS_READ_ALL: frozenset({Role.PREVENT_LEAD, Role.AUDITOR}),
    Scope.SPEAKERS_REVIEW: frozenset(),  # from the organisation's procedure: ProcedureConfig.reviewing_roles
    Scope.SPEAKERS_CONFIGURE: frozenset({Role.ORG_ADMIN, Role.PREVENT_LEAD}),
    Scope.SPEAKERS_AUDIT: frozenset({Role.AUDITOR, Role.PREVENT_LEAD, Role.ORG_ADMIN}),
}


def scopes_for_roles(roles: Iterable[str]) -> frozenset[Scope]:
    """The scopes the static table grants to a set of role codes."""
    held = set(roles)
    return frozenset(scope for scope, granted in SCOPE_ROLES.items() if held & granted)


# Apps whose rights depend on an organisation's own settings (e.g. which roles review speaker
# requests under its procedure) register a provider: `provider(membership) -> extra scopes`.
# Providers run inside the organisation's schema and must be cheap (one indexed query at most).
ScopeProvider = Callable[[Membership], Iterable[Scope]]
_providers: list[ScopeProvider] = []


def register_scope_provider(provider: ScopeProvider) -> ScopeProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def scopes_of(membership: Membership | None) -> frozenset[Scope]:
    """Every scope a membership holds now: the table's, plus what registered providers add."""
    if membership is None:
        return frozenset()
    scopes = set(scopes_for_roles(membership.roles))
    for provider in _providers:
        scopes.update(provider(membership))
    return frozenset(scopes)


def membership_get(user: User | None, organisation: Organisation) -> Membership | None:
    """The person's current membership here, or None (anonymous, inactive, or not a member)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def has_scope(user: User | None, organisation: Organisation, scope: Scope) -> bool:
    return scope in scopes_of(membership_get(user, organisation))


def require_scope(user: User | None, organisation: Organisation, scope: Scope) -> Membership:
    """The membership if it holds `scope` now; raises PermissionDenied naming the right otherwise."""
    membership = membership_get(user, organisation)
    if membership is None or scope not in scopes_of(membership):
        raise PermissionDenied(denied_message(scope))
    return membership


def denied_message(scope: Scope) -> str:
    roles = ", ".join(sorted(Role(r).label for r in SCOPE_ROLES[scope])) or "the roles your procedure names"
    return f"This needs the '{scope.value}' right, which comes with: {roles}."


def scope_required(scope: Scope) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page decorator: the view runs only for a member holding `scope` now (403 with the reason otherwise).

    Relies on `request.membership`, set by `hub.middleware.MembershipMiddleware` on organisation
    hosts. The scope is kept on the view as `required_scope`, so tests can build the
    role × page matrix from the URL configuration.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if scope not in scopes_of(getattr(request, "membership", None)):
                raise PermissionDenied(denied_message(scope))
            return view(request, *args, **kwargs)

        wrapped.required_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorator
