"""Reads: the settings, the concerns and cases a person may see, one case (404 + audit when denied),
meetings and who may be named on a case team."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core.audit import audit_record
from tenants.models import Membership, User
from tenants.scopes import Scope, scopes_of
from welfare import rights
from welfare.choices import CaseStatus, ConcernStatus
from welfare.models import AgendaItem, Case, CaseOpening, Concern, Meeting, WelfareSettings

# The session key holding the ids of the cases opened (with a reason) in this session.
SESSION_OPENED_CASES = "welfare_opened_cases"


def welfare_settings() -> WelfareSettings:
    """This organisation's welfare settings; created with the defaults on first use."""
    assert connection.schema_name != "public", "welfare settings live in an organisation's schema"
    found = WelfareSettings.objects.filter(singleton=True).first()
    if found is not None:
        return found
    with transaction.atomic():
        return WelfareSettings.objects.get_or_create(singleton=True)[0]


def deputies() -> QuerySet[User]:
    found = WelfareSettings.objects.filter(singleton=True).first()
    return found.deputies.order_by("full_name") if found else User.objects.none()


# --- Concerns --------------------------------------------------------------------------------------


def concerns_raised_by(*, membership: Membership) -> QuerySet[Concern]:
    """What the person raised, for their own list (the view shows only their submission and status)."""
    own = rights.own_concerns_filter(membership)
    return Concern.objects.none() if own is None else Concern.objects.filter(own)


def concerns_visible_to(membership: Membership) -> QuerySet[Concern]:
    visible = rights.concern_filter(membership)
    return Concern.objects.none() if visible is None else Concern.objects.filter(visible)


def triage_queue(*, membership: Membership) -> QuerySet[Concern]:
    """Concerns waiting for triage, immediate risk first, then oldest first."""
    if Scope.WELFARE_TRIAGE not in scopes_of(membership):
        return Concern.objects.none()
    return (
        concerns_visible_to(membership).filter(status=ConcernStatus.RECEIVED).order_by("-immediate_risk", "raised_at")
    )


def concern_get(*, membership: Membership, pk: int) -> Concern:
    """One concern the person may see in full; missing and not allowed look the same (404)."""
    found = concerns_visible_to(membership).select_related("raised_by", "triaged_by", "case").filter(pk=pk).first()
    if found is None:
        raise Http404("No such concern.")
    return found


# --- Cases -----------------------------------------------------------------------------------------


def cases_visible_to(membership: Membership | None) -> QuerySet[Case]:
    visible = rights.case_filter(membership)
    return Case.objects.none() if visible is None else Case.objects.filter(visible)


def case_list(*, membership: Membership, status: str = "") -> QuerySet[Case]:
    cases = cases_visible_to(membership).annotate(open_actions=Count("actions", filter=Q(actions__done=False)))
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    return cases.order_by("-status", "-opened_on", "-pk")  # open cases first


def case_get(*, membership: Membership, pk: int) -> Case:
    """One case the person may see. Missing and not allowed look the same (404); a refusal is
    audited (ids and a reason code only) so the Prevent lead can see who tried."""
    found = cases_visible_to(membership).filter(pk=pk).first()
    if found is None:
        exists = Case.objects.filter(pk=pk).exists()
        audit_record(
            action="welfare.case_access_denied",
            actor=membership.user,
            organisation_id=membership.organisation_id,
            target_type="welfare.case",
            target_id=pk,
            detail={"case": pk, "reason": "not_on_team" if exists else "missing"},
        )
        raise Http404("No such case.")
    return found


def case_opened_in_session(session: SessionBase, case: Case) -> bool:
    """Whether the person gave a reason for opening this case earlier in this session."""
    return case.pk in session.get(SESSION_OPENED_CASES, [])


def case_openings(case: Case) -> QuerySet[CaseOpening]:
    return case.openings.select_related("opened_by").order_by("-opened_at", "-pk")


def case_team_candidates() -> list[User]:
    """Members who hold `welfare:cases` now (the only people a case team can usefully include)."""
    memberships = Membership.objects.filter(organisation=rights.current_organisation()).select_related("user")
    people = [m.user for m in memberships if m.user.is_active and Scope.WELFARE_CASES in scopes_of(m)]
    return sorted(people, key=lambda u: (u.full_name, u.pk))


def members_here() -> list[User]:
    """Every active member, for choosing an action's owner or a deputy."""
    memberships = Membership.objects.filter(organisation=rights.current_organisation(), user__is_active=True)
    return sorted((m.user for m in memberships.select_related("user")), key=lambda u: (u.full_name, u.pk))


def open_cases_for_merge(*, membership: Membership) -> QuerySet[Case]:
    return cases_visible_to(membership).filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk")


# --- Meetings --------------------------------------------------------------------------------------


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.annotate(cases=Count("items")).order_by("-held_on", "-pk")


def meeting_get(*, pk: int) -> Meeting:
    found = Meeting.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such meeting.")
    return found


def meeting_agenda(*, membership: Membership, meeting: Meeting) -> tuple[list[AgendaItem], int]:
    """The agenda items on cases the person may see, and how many others there are (never which)."""
    visible = set(cases_visible_to(membership).values_list("pk", flat=True))
    items = list(meeting.items.select_related("case"))
    shown = [item for item in items if item.case_id in visible]
    return shown, len(items) - len(shown)
