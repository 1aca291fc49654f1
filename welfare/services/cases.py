"""A case's life: recorded openings, chronology, team, actions, closing."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import today
from tenants.models import Membership, User
from welfare import notices, rights
from welfare.choices import CaseStatus, ConcernStatus, EntryKind
from welfare.events import case_changed_announce
from welfare.models import Case, CaseAction, CaseEntry, CaseOpening, Meeting
from welfare.services.common import case_access, not_in_future, organisation_id

REASON_MIN_LENGTH = 5
REASON_NEEDED = "Say why you are opening this case (for example, 'preparing for Thursday's meeting')."
NOT_ON_TEAM_MEMBER = "Choose a member of the safeguarding team: a safeguarding officer or the Prevent lead."
CLOSED_MESSAGE = "This case is closed; nothing more can be added to it."


def _audit(event: str, actor: User, case: Case, **detail: object) -> None:
    audit_record(
        action=event, actor=actor, organisation_id=organisation_id(), target=case, detail={"case": case.pk, **detail}
    )


def _require_open(case: Case, field: str = "case") -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError({field: CLOSED_MESSAGE})


def case_open_record(*, actor: User, case: Case, reason: str, via_api: bool = False) -> CaseOpening:
    """Record that the actor opened the case and why (shown on the case page; audited without the reason)."""
    case_access(actor, case)
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": "Say why you are opening this case (for example, 'preparing for Thursday's meeting')."}
        )
    with transaction.atomic():
        opening = CaseOpening.objects.create(
            case=case, opened_by=actor, opened_at=timezone.now(), reason=reason, via_api=via_api
        )
        _audit("welfare.case_opened", actor, case, opening=opening.pk, via="api" if via_api else "page")
    return opening


def case_view_record(*, actor: User, case: Case, via_api: bool = False) -> None:
    """Every view of a case's content is audited (ids only), besides the opening with its reason."""
    case_access(actor, case)
    _audit("welfare.case_viewed", actor, case, via="api" if via_api else "page")


def case_entry_add(*, actor: User, case: Case, kind: str, occurred_on: date | None, text: str) -> CaseEntry:
    case_access(actor, case)
    _require_open(case, "text")
    errors: dict[str, str] = {}
    if kind not in EntryKind.values:
        errors["kind"] = "Choose a note, a contact, a document or a decision."
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened."
    not_in_future(occurred_on, "occurred_on", errors)
    if not text.strip():
        errors["text"] = "Write what happened (for a document, describe it and say where it is kept)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = CaseEntry.objects.create(
            case=case, kind=kind, occurred_on=occurred_on, text=text.strip(), recorded_by=actor
        )
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        _audit("welfare.case_entry_added", actor, case, entry=entry.pk, kind=kind)
    return entry


def _member(user: User | None) -> Membership | None:
    if user is None:
        return None
    return Membership.objects.filter(user=user, organisation=rights.current_organisation()).first()


def case_team_add(*, actor: User, case: Case, person: User | None) -> None:
    """Put a member who holds `welfare:cases` on the case team (they can see it at once)."""
    case_access(actor, case)
    _require_open(case, "person")
    if person is None or not person.is_active or not rights.may_join_team(_member(person)):
        raise ValidationError({"person": NOT_ON_TEAM_MEMBER})
    if case.team.filter(pk=person.pk).exists():
        raise ValidationError({"person": "That person is already on the case team."})
    with transaction.atomic():
        case.team.add(person)
        _audit("welfare.case_team_added", actor, case, person=person.pk)
        notices.team_joined(case, person, actor=actor)


def case_team_remove(*, actor: User, case: Case, person: User) -> None:
    """Take someone off the team; unless they see every case, they lose access at once."""
    case_access(actor, case)
    if not case.team.filter(pk=person.pk).exists():
        raise ValidationError({"person": "That person is not on the case team."})
    with transaction.atomic():
        case.team.remove(person)
        _audit("welfare.case_team_removed", actor, case, person=person.pk)


def action_errors(description: str, owner: User | None, due_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe the action."
    if owner is None or _member(owner) is None or not owner.is_active:
        errors["owner"] = "Choose who owns the action (a member of this organisation)."
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due."
    return errors


def case_action_add(
    *,
    actor: User,
    case: Case,
    description: str,
    owner: User | None,
    due_on: date | None,
    meeting: Meeting | None = None,
) -> CaseAction:
    case_access(actor, case)
    _require_open(case, "description")
    errors = action_errors(description, owner, due_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = CaseAction.objects.create(
            case=case, description=description.strip(), owner=owner, due_on=due_on, meeting=meeting, created_by=actor
        )
        _audit("welfare.case_action_added", actor, case, action=action.pk, meeting=meeting.pk if meeting else None)
    return action


def case_action_set_done(*, actor: User, action: CaseAction, done: bool) -> CaseAction:
    case_access(actor, action.case)
    with transaction.atomic():
        action.done = done
        action.done_on = today() if done else None
        action.save(update_fields=["done", "done_on"])
        _audit(
            "welfare.case_action_done" if done else "welfare.case_action_undone", actor, action.case, action=action.pk
        )
    return action


def case_close(*, actor: User, case: Case, closed_on: date | None, note: str = "") -> Case:
    """Close the case; the concerns it holds show 'Closed' to the people who raised them."""
    case_access(actor, case)
    _require_open(case, "closed_on")
    errors: dict[str, str] = {}
    if closed_on is None:
        errors["closed_on"] = "Enter the date the case closed."
    not_in_future(closed_on, "closed_on", errors)
    if closed_on is not None and closed_on < case.opened_on:
        errors["closed_on"] = f"A case cannot close before it opened ({case.opened_on:%d %B %Y})."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case.status = CaseStatus.CLOSED
        case.closed_on = closed_on
        case.closed_by = actor
        case.closing_note = note.strip()
        case.updated_at = timezone.now()
        case.save()
        case.concerns.update(status=ConcernStatus.CLOSED)
        _audit("welfare.case_closed", actor, case)
        case_changed_announce(case)
    return case
