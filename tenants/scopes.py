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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
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
    # Decide a request escalated to *you*: the scope comes from the procedure's senior decision-maker
    # role, and the assignment (`EventRequest.escalated_to`) is checked beside it in speakers.rights.
    SPEAKERS_DECIDE_ESCALATED = "speakers:decide_escalated"
    SPEAKERS_CONFIGURE = "speakers:configure"  # procedure settings, mitigation catalogue, import
    SPEAKERS_AUDIT = "speakers:audit"  # random-sample audit

    # Welfare concerns and cases (welfare/). A case's own team is an *assignment*, checked beside
    # the scope in welfare.rights; named deputies of the Prevent lead come from a scope provider.
    WELFARE_RAISE = "welfare:raise"  # raise a concern; see only what you raised and its status
    WELFARE_TRIAGE = "welfare:triage"  # the safeguarding team: see new concerns, triage them
    WELFARE_CASES = "welfare:cases"  # open cases you are on the team of (every case: Prevent lead, deputies)
    WELFARE_ALL_CASES = "welfare:all_cases"  # every case: the Prevent lead and named deputies
    WELFARE_ESCALATE = "welfare:escalate"  # record Prevent stages, outcome, ideology category, referral
    WELFARE_MEETINGS = "welfare:meetings"  # students-of-concern meetings: agenda, actions agreed
    WELFARE_SUBJECT_ACCESS = "welfare:subject_access"  # find and export what we hold about a person (SAR)
    WELFARE_RETENTION = "welfare:retention"  # review closed cases past retention; approve destruction

    # What crosses to a validating university about cases (referrals/).
    REFERRALS_SHARE = "referrals:share"  # ask to share a case at summary or full level
    REFERRALS_APPROVE = "referrals:approve"  # second approver of an identified (full) transfer
    REFERRALS_READ_RECEIVED = "referrals:read_received"  # what partners sent us about their cases

    # Franchise partners' periodic reports and the validating university's oversight (partners/).
    PARTNERS_REPORT = "partners:report"  # assemble and edit our periodic report
    PARTNERS_SIGN_OFF = "partners:sign_off"  # sign off and send the report (the Prevent lead)
    PARTNERS_OVERSEE = "partners:oversee"  # the validating university's assurance page, reports received
    PARTNERS_TRAINING = "partners:training"  # record training delivered; comment on a partner's report

    # A network or group's own site (networks/, library/, figures/ on the network's host). Members'
    # people take part as members of the network organisation (one login).
    NETWORK_READ = "network:read"  # meetings, papers, minutes, actions, members
    NETWORK_CONVENE = "network:convene"  # invite organisations, schedule meetings, papers, minutes, actions
    NETWORK_MEMBERSHIP = "network:membership"  # accept or decline an invitation to a network; leave one
    LIBRARY_READ = "library:read"  # find write-ups of good practice
    LIBRARY_PUBLISH = "library:publish"  # publish, edit and withdraw our own write-ups
    FIGURES_READ = "figures:read"  # the network's figures (co-ordinator: totals; member: ours beside the network)
    FIGURES_CONTRIBUTE = "figures:contribute"  # send our aggregate figures for a period to a network

    # Training (training/): courses, who must take which, completions, coverage.
    TRAINING_READ = "training:read"
    TRAINING_MANAGE = "training:manage"  # define courses and requirements, record and import completions

    # Risk register and action plan (risks/).
    RISKS_READ = "risks:read"
    RISKS_MANAGE = "risks:manage"  # add and review risks, controls and actions
    RISKS_SHARE = "risks:share"  # share a summary with a network when an agreement allows

    # The annual Prevent return (returns/).
    RETURN_READ = "return:read"
    RETURN_PREPARE = "return:prepare"  # assemble a year's return, note gaps
    RETURN_SIGN_OFF = "return:sign_off"  # the Prevent lead signs it off

    # The organisation's own audit trail (core.audit_trail): read, filter, export as CSV. Not the
    # Prevent lead or the admin: the people whose acts the trail records are not its readers.
    AUDIT_READ = "audit:read"


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
    Scope.SPEAKERS_DECIDE_ESCALATED: frozenset(),  # from ProcedureConfig.senior_decision_maker_role
    Scope.SPEAKERS_CONFIGURE: frozenset({Role.ORG_ADMIN, Role.PREVENT_LEAD}),
    Scope.SPEAKERS_AUDIT: frozenset({Role.AUDITOR, Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.WELFARE_RAISE: _EVERY_ROLE,
    Scope.WELFARE_TRIAGE: frozenset({Role.SAFEGUARDING_OFFICER, Role.PREVENT_LEAD}),
    Scope.WELFARE_CASES: frozenset({Role.SAFEGUARDING_OFFICER, Role.PREVENT_LEAD}),
    Scope.WELFARE_ALL_CASES: frozenset({Role.PREVENT_LEAD}),  # + named deputies (welfare.rights)
    Scope.WELFARE_ESCALATE: frozenset({Role.PREVENT_LEAD}),  # + named deputies (welfare.rights)
    Scope.WELFARE_MEETINGS: frozenset({Role.SAFEGUARDING_OFFICER, Role.PREVENT_LEAD}),
    Scope.WELFARE_SUBJECT_ACCESS: frozenset({Role.DATA_PROTECTION_OFFICER, Role.PREVENT_LEAD}),
    Scope.WELFARE_RETENTION: frozenset({Role.DATA_PROTECTION_OFFICER, Role.PREVENT_LEAD}),
    Scope.REFERRALS_SHARE: frozenset({Role.PREVENT_LEAD}),  # + named deputies (welfare.rights)
    Scope.REFERRALS_APPROVE: frozenset({Role.PREVENT_LEAD, Role.DATA_PROTECTION_OFFICER}),
    Scope.REFERRALS_READ_RECEIVED: frozenset({Role.PREVENT_LEAD, Role.DATA_PROTECTION_OFFICER}),
    Scope.PARTNERS_REPORT: frozenset({Role.PREVENT_LEAD, Role.SAFEGUARDING_OFFICER, Role.ORG_ADMIN}),
    Scope.PARTNERS_SIGN_OFF: frozenset({Role.PREVENT_LEAD}),
    Scope.NETWORK_READ: _EVERY_ROLE,
    Scope.NETWORK_CONVENE: frozenset({Role.COORDINATOR, Role.ORG_ADMIN}),
    Scope.NETWORK_MEMBERSHIP: frozenset({Role.ORG_ADMIN}),
    Scope.LIBRARY_READ: _EVERY_ROLE,
    Scope.LIBRARY_PUBLISH: frozenset(
        {Role.PREVENT_LEAD, Role.SAFEGUARDING_OFFICER, Role.REVIEWER, Role.COORDINATOR, Role.ORG_ADMIN}
    ),
    Scope.FIGURES_READ: frozenset({Role.PREVENT_LEAD, Role.COORDINATOR, Role.ORG_ADMIN, Role.AUDITOR}),
    # The co-ordinator sends the network's totals back to members (figures.services.totals_publish).
    Scope.FIGURES_CONTRIBUTE: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN, Role.COORDINATOR}),
    Scope.TRAINING_READ: frozenset(
        {Role.PREVENT_LEAD, Role.SAFEGUARDING_OFFICER, Role.ORG_ADMIN, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER}
    ),
    Scope.TRAINING_MANAGE: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.RISKS_READ: frozenset(
        {
            Role.PREVENT_LEAD,
            Role.SAFEGUARDING_OFFICER,
            Role.ORG_ADMIN,
            Role.AUDITOR,
            Role.SENIOR_DECISION_MAKER,
            Role.DATA_PROTECTION_OFFICER,
        }
    ),
    Scope.RISKS_MANAGE: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.RISKS_SHARE: frozenset({Role.PREVENT_LEAD}),
    Scope.RETURN_READ: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER}),
    Scope.RETURN_PREPARE: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.RETURN_SIGN_OFF: frozenset({Role.PREVENT_LEAD}),
    Scope.PARTNERS_OVERSEE: frozenset({Role.PREVENT_LEAD, Role.DATA_PROTECTION_OFFICER, Role.AUDITOR, Role.ORG_ADMIN}),
    Scope.PARTNERS_TRAINING: frozenset({Role.PREVENT_LEAD, Role.ORG_ADMIN}),
    Scope.AUDIT_READ: frozenset({Role.AUDITOR, Role.DATA_PROTECTION_OFFICER}),
}


# Two-factor sign-in is required of anyone holding one of these scopes in any organisation (and of
# every platform operator): the rights to see cases and concerns, to decide requests, and to sign
# for the organisation. Computed from scopes, never from role names, so an organisation whose
# procedure makes another role a reviewer (a scope provider) makes that role need it too.
# `org:admin` is here because whoever sets roles can give themselves any of the others.
# Read by tenants.two_factor; the README's "Two-factor sign-in" lists the roles this covers.
SECOND_FACTOR_SCOPES: frozenset[Scope] = frozenset(
    {
        # see cases, concerns and what partners send about them
        Scope.WELFARE_TRIAGE,
        Scope.WELFARE_CASES,
        Scope.WELFARE_ALL_CASES,
        Scope.WELFARE_ESCALATE,
        Scope.WELFARE_MEETINGS,
        Scope.WELFARE_SUBJECT_ACCESS,
        Scope.WELFARE_RETENTION,
        Scope.REFERRALS_SHARE,
        Scope.REFERRALS_APPROVE,
        Scope.REFERRALS_READ_RECEIVED,
        # decide requests
        Scope.SPEAKERS_REVIEW,
        Scope.SPEAKERS_DECIDE_ESCALATED,
        Scope.EXCHANGE_ANSWER_DETAIL,
        # sign for the organisation
        Scope.AGREEMENTS_SIGN,
        Scope.AGREEMENTS_PROPOSE,
        Scope.PARTNERS_SIGN_OFF,
        Scope.RETURN_SIGN_OFF,
        # decide who holds all of the above
        Scope.ORG_ADMIN,
    }
)


def scopes_for_roles(roles: Iterable[str]) -> frozenset[Scope]:
    """The scopes the static table grants to a set of role codes."""
    held = set(roles)
    return frozenset(scope for scope, granted in SCOPE_ROLES.items() if held & granted)


# Apps whose rights depend on an organisation's own settings (e.g. which roles review speaker
# requests under its procedure) register a provider: `provider(membership) -> extra scopes`.
# Providers run inside the organisation's schema and must be cheap (one indexed query at most).
ScopeProvider = Callable[[Membership], Iterable[Scope]]
# A provider's batch form: `many(memberships of ONE organisation) -> extra scopes of each, in order`,
# answering with a constant number of queries however many memberships it is given.
ManyScopeProvider = Callable[[Sequence[Membership]], Sequence[Iterable[Scope]]]
_providers: list[ScopeProvider] = []
_many: dict[ScopeProvider, ManyScopeProvider] = {}


def register_scope_provider(provider: ScopeProvider, *, many: ManyScopeProvider | None = None) -> ScopeProvider:
    """Add `provider` to every `scopes_of`; `many`, its batch form, serves `scopes_of_many`.

    `many` must give, for each membership, exactly what `provider` gives for it alone. Without
    it `scopes_of_many` asks `provider` once per membership.
    """
    if provider not in _providers:
        _providers.append(provider)
    if many is not None:
        _many[provider] = many
    return provider


# Within one read-only request (`scopes_remembered`), a membership's scopes are worked out once:
# a page asks for them in every panel and link, and each time the providers read the procedure
# and the deputies again. Keyed by membership id and roles. Nothing outside such a block is cached.
_remembered: ContextVar[dict[tuple[int, frozenset[str]], frozenset[Scope]] | None] = ContextVar(
    "hub_scopes_remembered", default=None
)


@contextmanager
def scopes_remembered() -> Iterator[None]:
    """Remember `scopes_of` answers until the block ends (hub.middleware: GET and HEAD requests only).

    Only for work that changes no roles, procedures or deputies: a write inside the block would
    not be seen by a later `scopes_of` in it.
    """
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def scopes_of(membership: Membership | None) -> frozenset[Scope]:
    """Every scope a membership holds now: the table's, plus what registered providers add."""
    if membership is None:
        return frozenset()
    remembered = _remembered.get()
    key = (membership.pk, frozenset(membership.roles))
    if remembered is not None and membership.pk is not None and key in remembered:
        return remembered[key]
    scopes = set(scopes_for_roles(membership.roles))
    for provider in _providers:
        scopes.update(provider(membership))
    held = frozenset(scopes)
    if remembered is not None and membership.pk is not None:
        remembered[key] = held
    return held


@lru_cache(maxsize=1024)
def _role_scopes(roles: frozenset[str]) -> frozenset[Scope]:
    return scopes_for_roles(roles)


def scopes_of_many(memberships: Iterable[Membership | None]) -> list[frozenset[Scope]]:
    """`[scopes_of(m) for m in memberships]`, in a constant number of queries per organisation.

    Providers registered with a batch form are asked once per organisation the memberships
    belong to (a provider without one is asked once per membership, as `scopes_of` does).
    """
    items = list(memberships)
    held: list[set[Scope]] = [set(_role_scopes(frozenset(m.roles))) if m is not None else set() for m in items]
    by_organisation: dict[int, list[tuple[int, Membership]]] = {}
    for index, membership in enumerate(items):
        if membership is not None:
            by_organisation.setdefault(membership.organisation_id, []).append((index, membership))
    for provider in _providers:
        many = _many.get(provider)
        for pairs in by_organisation.values():
            group = [membership for _, membership in pairs]
            extra = many(group) if many is not None else [provider(m) for m in group]
            for (index, _), scopes in zip(pairs, extra, strict=True):
                held[index].update(scopes)
    return [frozenset(scopes) for scopes in held]


def membership_get(user: User | None, organisation: Organisation) -> Membership | None:
    """The person's current membership here, or None (anonymous, inactive, or not a member)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def has_scope(user: User | None, organisation: Organisation, scope: Scope) -> bool:
    return scope in scopes_of(membership_get(user, organisation))


def require_scope(user: User | None, organisation: Organisation, scope: Scope | Iterable[Scope]) -> Membership:
    """The membership if it holds `scope` (or any one of several) now; PermissionDenied naming the right otherwise."""
    needed = _as_scopes(scope)
    membership = membership_get(user, organisation)
    if membership is None or not allows(scopes_of(membership), needed):
        raise PermissionDenied(denied_message(needed))
    return membership


def denied_message(scope: Scope | Iterable[Scope]) -> str:
    wanted = [scope] if isinstance(scope, Scope) else list(scope)
    roles = sorted({Role(r).label for s in wanted for r in SCOPE_ROLES[s]})
    names = " or ".join(f"'{s.value}'" for s in wanted)
    held_by = ", ".join(roles) if roles else "the roles your organisation's procedure names"
    if roles and any(not SCOPE_ROLES[s] for s in wanted):
        held_by += ", or the roles your organisation's procedure names"
    return f"This needs the {names} right, which comes with the role of: {held_by}."


# --- Declaring the scope of a page or an endpoint ---------------------------------------------
#
# A declaration maps an HTTP method to the scopes that allow it; holding *any one* of them is
# enough (Sentry's `scope_map`). "*" stands for every method a page answers. Object-level rights
# (the organiser's own request, the decision-maker a request was escalated to) are checked after
# the scope, by the app's rights module.

ScopeMap = dict[str, tuple[Scope, ...]]
ANY_METHOD = "*"


def _as_scopes(value: Scope | Iterable[Scope]) -> tuple[Scope, ...]:
    scopes = (value,) if isinstance(value, Scope) else tuple(value)
    if not scopes or not all(isinstance(s, Scope) for s in scopes):
        raise TypeError(f"Declare Scope members, not {value!r}.")
    return scopes


def scope_map(declared: Scope | Iterable[Scope] | dict[str, Any]) -> ScopeMap:
    """Normalise a declaration: one scope (or a list) for every method, or {method: scope(s)}."""
    if isinstance(declared, dict):
        return {method.upper() if method != ANY_METHOD else method: _as_scopes(v) for method, v in declared.items()}
    return {ANY_METHOD: _as_scopes(declared)}


# The methods "*" covers: the ones a page or endpoint runs its own code for. OPTIONS, TRACE,
# CONNECT and any other method are covered only when a declaration names them: a function view
# does not tell OPTIONS from GET, so letting "*" (or membership alone) cover it would run the page
# as a GET for anyone who may see the organisation (review1).
STANDARD_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


def scopes_for_method(declared: ScopeMap, method: str) -> tuple[Scope, ...] | None:
    """The scopes a method needs under a declaration; None when the declaration does not name it.

    Fails closed: a method is allowed only by its own entry, HEAD by GET's (it runs the GET code),
    and "*" covers only `STANDARD_METHODS`. Everything else, OPTIONS included, gives None, which
    callers refuse. (DRF's OPTIONS metadata, which never runs a handler, is allowed by
    `tenants.api_auth` itself, not here.)
    """
    method = method.upper()
    if method in declared:
        return declared[method]
    if method == "HEAD" and "GET" in declared:
        return declared["GET"]
    if method in STANDARD_METHODS and ANY_METHOD in declared:
        return declared[ANY_METHOD]
    return None


def allows(held: Iterable[Scope], needed: Iterable[Scope]) -> bool:
    """Whether a holder of `held` passes a declaration needing any one of `needed`."""
    return bool(set(held) & set(needed))


def has_any_scope(user: User | None, organisation: Organisation, scopes: Iterable[Scope]) -> bool:
    return allows(scopes_of(membership_get(user, organisation)), scopes)


def scope_required(
    declared: Scope | Iterable[Scope] | dict[str, Any],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page decorator: the view runs only for a member holding the declared scope now (403 with the reason).

    `@scope_required(Scope.X)`, `@scope_required([Scope.X, Scope.Y])` (either one), or
    `@scope_required({"GET": Scope.X, "POST": Scope.Y})` (a method it does not name is refused).
    Put it outermost, so a refusal is a 403 whatever the method. Relies on `request.membership`,
    set by `hub.middleware.MembershipMiddleware` on organisation hosts. The declaration is kept
    on the view as `required_scopes` (and `required_scope` when it is a single scope), so tests
    build the role × page matrix from the URL configuration.
    """
    declaration = scope_map(declared)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = scopes_for_method(declaration, request.method or "GET")
            if needed is None:
                raise PermissionDenied(f"This page does not accept {request.method} requests.")
            if not allows(scopes_of(getattr(request, "membership", None)), needed):
                raise PermissionDenied(denied_message(needed))
            return view(request, *args, **kwargs)

        wrapped.required_scopes = declaration  # type: ignore[attr-defined]
        if isinstance(declared, Scope):
            wrapped.required_scope = declared  # type: ignore[attr-defined]
        return wrapped

    return decorator


def scope_exempt(reason: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view served on organisation hosts that is about the *account*, not the organisation
    (sign-out, password change, the API schema). The reason is kept as `view.scope_exempt`."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.scope_exempt = reason  # type: ignore[attr-defined]
        return view

    return mark


def declared_scopes(callback: Any) -> ScopeMap | None:
    """What a URL pattern's callback declares: a page's `required_scopes`, or a DRF view's."""
    declared = getattr(callback, "required_scopes", None)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if declared is None and view_class is not None:
        raw = getattr(view_class, "required_scopes", None)
        declared = scope_map(raw) if raw is not None else None
    return declared
