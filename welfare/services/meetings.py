"""Students-of-concern meetings: a date, an agenda of cases, and the actions agreed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from tenants.models import User
from tenants.scopes import Scope
from welfare import rights
from welfare.models import AgendaItem, Case, CaseAction, Meeting
from welfare.services.cases import case_action_add
from welfare.services.common import organisation_id


def _require_meetings(actor: User) -> None:
    membership = rights.membership_of(actor)
    rights.require(membership, Scope.WELFARE_MEETINGS, "Only the safeguarding team keeps students-of-concern meetings.")


def meeting_create(*, actor: User, held_on: date | None, title: str = "", notes: str = "") -> Meeting:
    _require_meetings(actor)
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date of the meeting."})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_on=held_on, title=title.strip() or "Students of concern meeting", notes=notes.strip(), created_by=actor
        )
        audit_record(
            action="welfare.meeting_created",
            actor=actor,
            organisation_id=organisation_id(),
            target=meeting,
            detail={"meeting": meeting.pk},
        )
    return meeting


def meeting_agenda_add(*, actor: User, meeting: Meeting, case: Case | None, discussion: str = "") -> AgendaItem:
    """Put a case on the agenda; only a case the actor may see can be added."""
    _require_meetings(actor)
    membership = rights.membership_of(actor)
    if case is None or not rights.can_see_case(membership, case):
        raise ValidationError({"case": "Choose a case you can see."})
    if meeting.items.filter(case=case).exists():
        raise ValidationError({"case": "That case is already on the agenda."})
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting, case=case, position=meeting.items.count(), discussion=discussion.strip()
        )
        audit_record(
            action="welfare.meeting_agenda_added",
            actor=actor,
            organisation_id=organisation_id(),
            target=meeting,
            detail={"meeting": meeting.pk, "case": case.pk},
        )
    return item


def meeting_action_agree(
    *, actor: User, meeting: Meeting, case: Case | None, description: str, owner: User | None, due_on: date | None
) -> CaseAction:
    """An action agreed at the meeting becomes an action on the case (the case must be on the agenda)."""
    _require_meetings(actor)
    membership = rights.membership_of(actor)
    if case is None or not rights.can_see_case(membership, case) or not meeting.items.filter(case=case).exists():
        raise ValidationError({"case": "Choose a case on this meeting's agenda that you can see."})
    return case_action_add(actor=actor, case=case, description=description, owner=owner, due_on=due_on, meeting=meeting)
