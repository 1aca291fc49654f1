"""Who is notified about welfare concerns, cases and their actions (`notifications.services.notify`).

* A concern raised: the safeguarding team (`welfare:triage`); an immediate risk says "urgent".
* A case that needs someone: a person put on its team, and, when a Prevent stage is newly
  recorded (the case is escalated), its team and those who see every case, except whoever
  recorded it. Each while they may still see the case (`rights.can_see_case`, checked again at
  every delivery by the object check registered in `WelfareConfig.ready`).
* Daily sweep: an open case's action due today or overdue, to its owner (`welfare:cases`),
  once per action and due date.

Texts name cases and concerns by number and organisations by name; never the subject, the
person who raised it, or what was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection

from core.dates import today as london_today
from notifications.kinds import Kind
from notifications.services import holders, notify, register_object_check
from notifications.tasks import register_sweep
from notifications.texts import day, short
from tenants.models import Membership, Organisation, User
from tenants.scopes import Scope
from welfare import rights
from welfare.choices import CaseStatus, PreventStage
from welfare.models import Case, CaseAction, Concern

TRIAGE_URL = "/welfare/triage/"


def case_url(case_id: int) -> str:
    return f"/welfare/cases/{case_id}/"


def _here() -> Organisation:
    return Organisation.objects.get(schema_name=connection.schema_name)


def concern_raised(concern: Concern) -> int:
    """Tell the safeguarding team a concern arrived. Call inside the raising transaction, in its schema."""
    organisation = _here()
    what = "An urgent welfare concern (immediate risk)" if concern.immediate_risk else "A welfare concern"
    text = f"{what} was raised at {short(organisation.name)} and waits for triage"
    return len(
        notify(Kind.CONCERN, organisation=organisation, scope=Scope.WELFARE_TRIAGE, text=text,
               url=f"{TRIAGE_URL}{concern.pk}/")
    )  # fmt: skip


def _case_notify(case: Case, users: Iterable[int], text: str) -> int:
    ids = sorted(set(users))
    if not ids:
        return 0
    return len(
        notify(Kind.CONCERN, organisation=_here(), scope=Scope.WELFARE_CASES, text=text, url=case_url(case.pk),
               object_id=case.pk, users=ids)
    )  # fmt: skip


def team_joined(case: Case, person: User, *, actor: User) -> int:
    """Tell `person` they were put on the case team (nobody, when they added themselves)."""
    if person.pk == actor.pk:
        return 0
    text = f"You were added to the team of welfare case {case.pk} at {short(_here().name)}"
    return _case_notify(case, [person.pk], text)


def stages_recorded(case: Case, stages: list[str], *, actor: User) -> int:
    """Tell the case team and those who see every case that Prevent stages were newly recorded (escalated)."""
    if not stages:
        return 0
    organisation = _here()
    labels = ", ".join(PreventStage(s).label.lower() for s in stages)
    team = set(case.team.values_list("pk", flat=True))
    everyone = {m.user_id for m in holders(organisation, Scope.WELFARE_ALL_CASES)}
    text = f"Welfare case {case.pk} at {short(organisation.name)} was escalated: {labels}"
    return _case_notify(case, (team | everyone) - {actor.pk}, text[:200])


def may_still_see_case(user: User, case_id: int) -> bool:
    """Object check (in the organisation's schema): `user` may still see the case (on its team, or every case)."""
    case = Case.objects.filter(pk=case_id).first()
    membership = Membership.objects.filter(user=user, organisation__schema_name=connection.schema_name).first()
    return case is not None and rights.can_see_case(membership, case)


def sweep_actions_due(organisation: Organisation, on: date | None = None) -> int:
    """Daily: each open case's action not done and due today or earlier, to its owner (`welfare:cases`).

    Once per action and due date (key). Returns how many were notified.
    """
    on = on or london_today()
    notified = 0
    due = CaseAction.objects.filter(done=False, due_on__lte=on, case__status=CaseStatus.OPEN, owner__isnull=False)
    for action in due.order_by("due_on", "pk"):
        when = "today" if action.due_on == on else f"on {day(action.due_on)}"
        text = f"An action on welfare case {action.case_id} at {short(organisation.name)} is due {when}"
        if action.due_on < on:
            text = f"An action on welfare case {action.case_id} at {short(organisation.name)} was due {when}"
        key = f"welfare-action:{action.pk}:{action.due_on}"
        notified += len(
            notify(Kind.ACTION_DUE, organisation=organisation, scope=Scope.WELFARE_CASES, text=text,
                   url=case_url(action.case_id), users=[action.owner_id], key=key)
        )  # fmt: skip
    return notified


def register() -> None:
    """Register the object check and the daily sweep (from `WelfareConfig.ready`)."""
    register_object_check(Kind.CONCERN, may_still_see_case)
    register_sweep(sweep_actions_due)
