"""Who may see and do what with welfare concerns and cases: the one place a reviewer reads these rights.

Role-wide rights are scopes (`tenants.scopes`). Beside them, computed on every call from current
assignments (never copied into rows that could outlive them):

* a **concern** is seen in full by the safeguarding team (`welfare:triage`) while it is untriaged or
  was closed without a case; once it belongs to a case, only by those who may see the case. The
  person who raised it sees only what they submitted and its status, while they are a member
  holding `welfare:raise` (leaving the organisation ends it; the concern stays).
* a **case** is seen by its case team (a team member who also holds `welfare:cases` now) and by
  holders of `welfare:all_cases`: the Prevent lead, and the deputies the organisation names in
  `WelfareSettings.deputies` (added by `deputy_scopes`, registered in `WelfareConfig.ready`).
  Everyone else, safeguarding officers off the team included, is answered 404, and the denial is
  audited (`welfare.selectors.case_get`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django_tenants.utils import schema_context

from tenants.models import Membership, Organisation, User
from tenants.scopes import Scope, scopes_for_roles, scopes_of
from welfare.models import Case, WelfareSettings

# Any one of these lets a person open the list of cases they may see.
SEES_CASES = (Scope.WELFARE_CASES, Scope.WELFARE_ALL_CASES)
# What a named deputy of the Prevent lead holds, besides their own roles' scopes.
DEPUTY_SCOPES = (Scope.WELFARE_ALL_CASES, Scope.WELFARE_ESCALATE, Scope.REFERRALS_SHARE)


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


# --- Named deputies: a scope provider ------------------------------------------------------------


def _deputies_among(user_ids: Iterable[int]) -> set[int]:
    return set(
        WelfareSettings.deputies.through.objects.filter(user_id__in=list(user_ids)).values_list("user_id", flat=True)
    )


def deputy_scopes(membership: Membership) -> Iterable[Scope]:
    """Scope provider: the Prevent lead's named deputies see every case and escalate.
    One indexed query in the membership's schema; never writes."""
    return deputy_scopes_many([membership])[0]


def deputy_scopes_many(memberships: Sequence[Membership]) -> list[Iterable[Scope]]:
    """`deputy_scopes` for memberships of ONE organisation, in one or two queries however many.
    Registered as the provider's batch form."""
    if not memberships:
        return []
    organisation_id = memberships[0].organisation_id
    user_ids = [m.user_id for m in memberships]
    tenant = getattr(connection, "tenant", None)
    if getattr(tenant, "pk", None) == organisation_id and connection.schema_name != "public":
        deputies = _deputies_among(user_ids)
    else:
        schema = Organisation.objects.values_list("schema_name", flat=True).get(pk=organisation_id)
        if schema == "public":
            return [() for _ in memberships]
        with schema_context(schema):
            deputies = _deputies_among(user_ids)
    return [DEPUTY_SCOPES if m.user_id in deputies else () for m in memberships]


def may_name_deputies(membership: Membership) -> bool:
    """Only those who see every case by their *role* (the Prevent lead) name the deputies; a deputy
    cannot name more."""
    return Scope.WELFARE_ALL_CASES in scopes_for_roles(membership.roles)


# --- Cases -----------------------------------------------------------------------------------------


def case_filter(membership: Membership | None, held: frozenset[Scope] | None = None) -> Q | None:
    """The cases a person may see now, as a filter; None when they may see none."""
    if membership is None:
        return None
    held = scopes_of(membership) if held is None else held
    if Scope.WELFARE_ALL_CASES in held:
        return Q()
    if Scope.WELFARE_CASES in held:
        on_team = Case.team.through.objects.filter(user_id=membership.user_id).values("case_id")
        return Q(pk__in=on_team)
    return None


def can_see_case(membership: Membership | None, case: Case) -> bool:
    visible = case_filter(membership)
    return visible is not None and Case.objects.filter(visible, pk=case.pk).exists()


def can_escalate(membership: Membership, case: Case) -> bool:
    return Scope.WELFARE_ESCALATE in scopes_of(membership) and can_see_case(membership, case)


def may_join_team(membership: Membership | None) -> bool:
    """Only someone who holds `welfare:cases` can usefully be on a case team."""
    return membership is not None and Scope.WELFARE_CASES in scopes_of(membership)


def actions_for_case(membership: Membership, case: Case) -> dict[str, bool]:
    """Which forms the case page offers (the services check again)."""
    held = scopes_of(membership)
    is_open = case.status == "open"
    return {
        "write": is_open,
        "escalate": Scope.WELFARE_ESCALATE in held,
        "share": Scope.REFERRALS_SHARE in held,  # the referrals pages check again (referrals.rights)
        "close": is_open,
    }


# --- Concerns --------------------------------------------------------------------------------------


def concern_filter(membership: Membership | None) -> Q | None:
    """The concerns a person may see in full now (not the raiser's own limited view); None: none."""
    if membership is None:
        return None
    held = scopes_of(membership)
    parts = []
    if Scope.WELFARE_TRIAGE in held:
        parts.append(Q(case__isnull=True))
    cases = case_filter(membership, held)
    if cases is not None:
        visible_cases = Case.objects.filter(cases).values("pk")
        parts.append(Q(case__in=visible_cases))
    if not parts:
        return None
    visible = parts[0]
    for part in parts[1:]:
        visible |= part
    return visible


def own_concerns_filter(membership: Membership | None) -> Q | None:
    """What a person raised, while they hold `welfare:raise` here."""
    if membership is None or Scope.WELFARE_RAISE not in scopes_of(membership):
        return None
    return Q(raised_by_id=membership.user_id)


def require(membership: Membership, scope: Scope, message: str) -> None:
    if scope not in scopes_of(membership):
        raise PermissionDenied(message)
