"""Who may do what to a request. Services call these; views and the API never decide rights.

Per-request rights are django-guardian object permissions on the direct model
`EventRequestUserObjectPermission`: the organiser gets view and change on their own
request; the senior decision-maker a request is escalated to gets view and
`decide_escalated_eventrequest` on that request. Role-wide reading (reviewers, the
Prevent lead, auditors) comes from the membership, so a newly appointed reviewer sees
the whole register at once.

Permissions are looked up by codename alone: `auth_permission` is in the public schema
while each organisation has its own content-type table, and the two id sequences are not
guaranteed to agree.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection

from speakers.models import EventRequest, EventRequestUserObjectPermission, ProcedureConfig
from tenants.models import Membership, Organisation, Role, User

VIEW = "view_eventrequest"
CHANGE = "change_eventrequest"
DECIDE_ESCALATED = "decide_escalated_eventrequest"


def current_organisation() -> Organisation:
    tenant = getattr(connection, "tenant", None)
    assert tenant is not None and connection.schema_name != "public", "call inside an organisation's schema"
    return tenant


def membership_of(user: User) -> Membership:
    """The acting person's membership here; a non-member is refused outright."""
    membership = Membership.objects.filter(user=user, organisation=current_organisation()).first()
    if membership is None:
        raise PermissionDenied("You are not a member of this organisation.")
    return membership


def _permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


def grant(user: User, codename: str, event_request: EventRequest) -> None:
    EventRequestUserObjectPermission.objects.assign_perm(_permission(codename), user, event_request)


def revoke(user: User, codename: str, event_request: EventRequest) -> None:
    EventRequestUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=event_request
    ).delete()


def has_object_permission(user: User, codename: str, event_request: EventRequest) -> bool:
    return EventRequestUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=event_request
    ).exists()


def can_review(membership: Membership, config: ProcedureConfig) -> bool:
    return bool(set(membership.roles) & set(config.reviewing_roles))


def require_reviewer(membership: Membership, config: ProcedureConfig) -> None:
    if not can_review(membership, config):
        labels = ", ".join(Role(role).label for role in config.reviewing_roles)
        raise PermissionDenied(f"Only a reviewer under this organisation's procedure ({labels}) can do this.")


def require_owner(user: User, event_request: EventRequest) -> None:
    if not has_object_permission(user, CHANGE, event_request):
        raise PermissionDenied("Only the organiser who made this request can change it.")


def require_senior_for(membership: Membership, config: ProcedureConfig, event_request: EventRequest) -> None:
    """An escalated request is decided by the named senior decision-maker, and by nobody else."""
    if not membership.has_role(config.senior_decision_maker_role):
        raise PermissionDenied(
            f"This request was escalated; only the {Role(config.senior_decision_maker_role).label} can decide it."
        )
    if not has_object_permission(membership.user, DECIDE_ESCALATED, event_request):
        raise PermissionDenied("This request was escalated to another senior decision-maker; only they can decide it.")


def actions_for(membership: Membership, config: ProcedureConfig, event_request: EventRequest) -> dict[str, bool]:
    """Which buttons to offer; the services check again, so this only avoids dead ends."""
    from speakers.choices import Status

    owner = has_object_permission(membership.user, CHANGE, event_request)
    reviewer = can_review(membership, config)
    status = event_request.status
    senior = status == Status.ESCALATED and has_object_permission(membership.user, DECIDE_ESCALATED, event_request)
    return {
        "edit": owner and status == Status.DRAFT,
        "assess": reviewer and status in (Status.SUBMITTED, Status.ASSESSED),
        "escalate": reviewer and status == Status.ASSESSED,
        "decide": senior or (reviewer and status == Status.ASSESSED and not event_request.is_higher_risk),
        "withdraw": (owner or reviewer)
        and status in (Status.DRAFT, Status.SUBMITTED, Status.ASSESSED, Status.ESCALATED),
        "track": (owner or reviewer) and status == Status.DECIDED,
        "share": status == Status.DECIDED
        and any(membership.has_role(r) for r in (Role.PREVENT_LEAD, Role.REVIEWER, Role.ORG_ADMIN)),
    }
