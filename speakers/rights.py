"""Who may do what to a speaker or event request: the one place a reviewer reads these rights.

Role-wide rights are scopes (`tenants.scopes`); which roles review, and which role decides
escalated requests, is each organisation's own procedure, so `procedure_scopes` (registered in
`SpeakersConfig.ready`) adds `speakers:review` and `speakers:decide_escalated` from its
`ProcedureConfig`.

Rights on *one* request come from an assignment recorded on the request itself, checked
beside the scope and computed on every call, so they end with the role or the assignment:

* the organiser: `EventRequest.organiser` is you and you hold `speakers:submit` now;
* the senior decision-maker: `EventRequest.escalated_to` is you and you hold
  `speakers:decide_escalated` now. Re-escalation moves the assignment to someone else.

No per-request permission rows are kept (they used to be django-guardian rows that outlived
the role; migration `0002_scopes_rights_from_assignments` removed them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django_tenants.utils import schema_context

from speakers.choices import Status
from speakers.models import EventRequest, ProcedureConfig
from speakers.models.procedure import default_reviewing_roles
from tenants.models import Membership, Organisation, Role, User
from tenants.scopes import Scope, scopes_of

# Any one of these lets a person open the register and the requests they may see in it.
SEES_REQUESTS = (
    Scope.SPEAKERS_READ_ALL,
    Scope.SPEAKERS_REVIEW,
    Scope.SPEAKERS_SUBMIT,
    Scope.SPEAKERS_DECIDE_ESCALATED,
)
# The organiser (their own request) or a reviewer: withdraw, track mitigations.
OWNER_OR_REVIEWER = (Scope.SPEAKERS_SUBMIT, Scope.SPEAKERS_REVIEW)
# A reviewer (not higher-risk) or the senior decision-maker it was escalated to.
DECIDERS = (Scope.SPEAKERS_REVIEW, Scope.SPEAKERS_DECIDE_ESCALATED)


def current_organisation() -> Organisation:
    tenant = getattr(connection, "tenant", None)
    assert tenant is not None and connection.schema_name != "public", "call inside an organisation's schema"
    return tenant


def membership_of(user: User) -> Membership:
    """The acting person's membership here; a non-member is refused outright."""
    membership = Membership.objects.filter(user=user, organisation=current_organisation()).first()
    if membership is None or not user.is_active:
        raise PermissionDenied("You are not a member of this organisation.")
    return membership


# --- Scopes from the organisation's procedure ---------------------------------------------------


def _procedure_roles() -> tuple[list[str], str]:
    """(reviewing roles, senior decision-maker role) of the current schema's procedure; read-only."""
    row = ProcedureConfig.objects.filter(singleton=True).values_list("reviewing_roles", "senior_decision_maker_role")
    found = row.first()
    return (list(found[0]), found[1]) if found else (default_reviewing_roles(), Role.SENIOR_DECISION_MAKER.value)


def senior_role() -> str:
    """The role that decides escalated requests under the current schema's procedure."""
    return _procedure_roles()[1]


def procedure_scopes(membership: Membership) -> Iterable[Scope]:
    """Scope provider: `speakers:review` for the procedure's reviewing roles, `speakers:decide_escalated`
    for its senior decision-maker role. One indexed query in the membership's schema; never writes."""
    return procedure_scopes_many([membership])[0]


def procedure_scopes_many(memberships: Sequence[Membership]) -> list[Iterable[Scope]]:
    """`procedure_scopes` for memberships of ONE organisation: its procedure is read once (one or
    two queries however many memberships). Registered as the provider's batch form."""
    if not memberships:
        return []
    organisation_id = memberships[0].organisation_id
    tenant = getattr(connection, "tenant", None)
    if getattr(tenant, "pk", None) == organisation_id and connection.schema_name != "public":
        reviewing, senior = _procedure_roles()
    else:
        schema = Organisation.objects.values_list("schema_name", flat=True).get(pk=organisation_id)
        if schema == "public":
            return [() for _ in memberships]
        with schema_context(schema):
            reviewing, senior = _procedure_roles()
    reviewing_roles = set(reviewing)
    granted_all: list[Iterable[Scope]] = []
    for membership in memberships:
        held = set(membership.roles)
        granted = []
        if held & reviewing_roles:
            granted.append(Scope.SPEAKERS_REVIEW)
        if senior in held:
            granted.append(Scope.SPEAKERS_DECIDE_ESCALATED)
        granted_all.append(granted)
    return granted_all


# --- Rights on one request, from its assignments -------------------------------------------------


def is_owner(membership: Membership, event_request: EventRequest, held: frozenset[Scope] | None = None) -> bool:
    held = scopes_of(membership) if held is None else held
    return event_request.organiser_id == membership.user_id and Scope.SPEAKERS_SUBMIT in held


def is_assigned_senior(
    membership: Membership, event_request: EventRequest, held: frozenset[Scope] | None = None
) -> bool:
    held = scopes_of(membership) if held is None else held
    return event_request.escalated_to_id == membership.user_id and Scope.SPEAKERS_DECIDE_ESCALATED in held


def visible_filter(membership: Membership) -> Q | None:
    """The requests a person may see now, as a filter; None when they may see none.

    Organisers see their own (drafts too), while they hold `speakers:submit`; readers of the
    whole register and reviewers see every submitted request; a senior decision-maker sees
    what was escalated to them, while they hold the role.
    """
    held = scopes_of(membership)
    parts = []
    if Scope.SPEAKERS_SUBMIT in held:
        parts.append(Q(organiser_id=membership.user_id))
    if Scope.SPEAKERS_DECIDE_ESCALATED in held:
        parts.append(Q(escalated_to_id=membership.user_id))
    if held & {Scope.SPEAKERS_READ_ALL, Scope.SPEAKERS_REVIEW}:
        parts.append(~Q(status=Status.DRAFT))
    if not parts:
        return None
    visible = parts[0]
    for part in parts[1:]:
        visible |= part
    return visible


def can_review(membership: Membership, config: ProcedureConfig | None = None) -> bool:
    return Scope.SPEAKERS_REVIEW in scopes_of(membership)


def require_reviewer(membership: Membership, config: ProcedureConfig | None = None) -> None:
    if not can_review(membership):
        roles = config.reviewing_roles if config is not None else _procedure_roles()[0]
        labels = ", ".join(Role(role).label for role in roles)
        raise PermissionDenied(f"Only a reviewer under this organisation's procedure ({labels}) can do this.")


def require_submitter(membership: Membership) -> None:
    if Scope.SPEAKERS_SUBMIT not in scopes_of(membership):
        raise PermissionDenied("Only an event organiser can make a speaker or event request.")


def require_owner(membership: Membership, event_request: EventRequest) -> None:
    if not is_owner(membership, event_request):
        raise PermissionDenied("Only the organiser who made this request can change it.")


def require_owner_or_reviewer(membership: Membership, event_request: EventRequest) -> None:
    if not is_owner(membership, event_request):
        require_reviewer(membership)


def require_senior_for(membership: Membership, config: ProcedureConfig, event_request: EventRequest) -> None:
    """An escalated request is decided by the named senior decision-maker, while they hold the role."""
    if Scope.SPEAKERS_DECIDE_ESCALATED not in scopes_of(membership):
        raise PermissionDenied(
            f"This request was escalated; only the {Role(config.senior_decision_maker_role).label} can decide it."
        )
    if event_request.escalated_to_id != membership.user_id:
        raise PermissionDenied("This request was escalated to another senior decision-maker; only they can decide it.")


def escalation_is_stuck(event_request: EventRequest) -> bool:
    """An escalated request whose decision-maker no longer holds the senior role here, or has left."""
    if event_request.status != Status.ESCALATED:
        return False
    if event_request.escalated_to_id is None:
        return True
    person = User.objects.filter(pk=event_request.escalated_to_id, is_active=True).first()
    membership = Membership.objects.filter(user=person, organisation=current_organisation()).first() if person else None
    return membership is None or Scope.SPEAKERS_DECIDE_ESCALATED not in scopes_of(membership)


def actions_for(membership: Membership, config: ProcedureConfig, event_request: EventRequest) -> dict[str, bool]:
    """Which buttons to offer; the services check again, so this only avoids dead ends."""
    held = scopes_of(membership)
    owner = is_owner(membership, event_request, held)
    reviewer = Scope.SPEAKERS_REVIEW in held
    status = event_request.status
    senior = status == Status.ESCALATED and is_assigned_senior(membership, event_request, held)
    return {
        "edit": owner and status == Status.DRAFT,
        "assess": reviewer and status in (Status.SUBMITTED, Status.ASSESSED),
        "escalate": reviewer and status == Status.ASSESSED,
        "reescalate": reviewer and status == Status.ESCALATED and escalation_is_stuck(event_request),
        "decide": senior or (reviewer and status == Status.ASSESSED and not event_request.is_higher_risk),
        "withdraw": (owner or reviewer)
        and status in (Status.DRAFT, Status.SUBMITTED, Status.ASSESSED, Status.ESCALATED),
        "track": (owner or reviewer) and status == Status.DECIDED,
        "share": status == Status.DECIDED and Scope.EXCHANGE_SHARE in held,
    }
