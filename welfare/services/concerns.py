"""Raise a concern (any member) and triage it (the safeguarding team)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import today
from sharing.names import has_a_letter
from tenants.models import User
from tenants.scopes import Scope
from welfare import notices, rights
from welfare.choices import CaseStatus, ConcernStatus, EntryKind, SubjectKind, TriageOutcome
from welfare.models import Case, CaseEntry, Concern
from welfare.services.common import not_in_future, organisation_id


@dataclass(frozen=True)
class ConcernInput:
    subject_given_name: str
    subject_family_name: str
    observed_on: date | None
    what_happened: str
    subject_kind: str = SubjectKind.STUDENT
    subject_date_of_birth: date | None = None
    subject_number: str = ""
    immediate_risk: bool = False
    immediate_risk_details: str = ""


def concern_errors(data: ConcernInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.subject_kind not in SubjectKind.values:
        errors["subject_kind"] = "Choose whether the concern is about a student or a member of staff."
    for field, which in (("subject_given_name", "given"), ("subject_family_name", "family")):
        value = getattr(data, field).strip()
        if not value:
            errors[field] = f"Enter the {which} name of the person you are concerned about."
        elif not has_a_letter(value):
            # Only invisible characters (a zero-width space, a BOM) or punctuation: it would show as a
            # blank, and no subject access search could ever find it.
            errors[field] = f"Enter the {which} name of the person you are concerned about in letters."
    if data.observed_on is None:
        errors["observed_on"] = "Enter the date you saw or heard what concerns you."
    not_in_future(data.observed_on, "observed_on", errors, "The date you saw or heard it")
    not_in_future(data.subject_date_of_birth, "subject_date_of_birth", errors, "A date of birth")
    if not data.what_happened.strip():
        errors["what_happened"] = "Describe what you saw or heard."
    if data.immediate_risk and not data.immediate_risk_details.strip():
        errors["immediate_risk_details"] = "Describe the immediate risk (and call 999 if someone is in danger now)."
    return errors


def concern_raise(*, actor: User, data: ConcernInput) -> Concern:
    """Record a concern; the safeguarding team is told at once, by a notification that names no one."""
    membership = rights.membership_of(actor)
    rights.require(membership, Scope.WELFARE_RAISE, "You cannot raise welfare concerns here.")
    errors = concern_errors(data)
    if errors:
        raise ValidationError(errors)
    organisation = rights.current_organisation()
    with transaction.atomic():
        concern = Concern.objects.create(
            raised_by=actor,
            raised_at=timezone.now(),
            observed_on=data.observed_on,
            subject_kind=data.subject_kind,
            subject_given_name=data.subject_given_name.strip(),
            subject_family_name=data.subject_family_name.strip(),
            subject_date_of_birth=data.subject_date_of_birth,
            subject_number=data.subject_number.strip(),
            what_happened=data.what_happened.strip(),
            immediate_risk=data.immediate_risk,
            immediate_risk_details=data.immediate_risk_details.strip() if data.immediate_risk else "",
        )
        audit_record(
            action="welfare.concern_raised",
            actor=actor,
            organisation_id=organisation.pk,
            target=concern,
            detail={"concern": concern.pk, "immediate_risk": concern.immediate_risk},
        )
        notices.concern_raised(concern)
    return concern


def _check_triage(membership: object, concern: Concern, outcome: str, note: str, case: Case | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if concern.status != ConcernStatus.RECEIVED:
        errors["outcome"] = "This concern has already been triaged."
    if outcome not in TriageOutcome.values:
        errors["outcome"] = "Choose no further action, advice given, open a case, or merge into an existing case."
    if outcome == TriageOutcome.ADVICE_GIVEN and not note.strip():
        errors["note"] = "Say what advice was given."
    if outcome == TriageOutcome.MERGED:
        if case is None or not rights.can_see_case(membership, case):  # type: ignore[arg-type]
            errors["case"] = "Choose an open case you can see to merge this concern into."
        elif case.status != CaseStatus.OPEN:
            errors["case"] = "That case is closed: open a new case instead."
    return errors


def concern_triage(*, actor: User, concern: Concern, outcome: str, note: str = "", case: Case | None = None) -> Concern:
    """No further action or advice given (closed), open a case from it, or merge it into an open case
    (being looked at). Opening a case puts the person triaging on its team."""
    membership = rights.membership_of(actor)
    rights.require(membership, Scope.WELFARE_TRIAGE, "Only the safeguarding team triages concerns.")
    errors = _check_triage(membership, concern, outcome, note, case)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if outcome == TriageOutcome.CASE_OPENED:
            case = _case_from(concern, actor, rights.may_join_team(membership))
        if outcome in (TriageOutcome.CASE_OPENED, TriageOutcome.MERGED):
            assert case is not None
            concern.case = case
            concern.status = ConcernStatus.BEING_LOOKED_AT
            CaseEntry.objects.create(
                case=case,
                kind=EntryKind.NOTE,
                occurred_on=today(),
                text=f"Concern {concern.pk} (raised {concern.raised_at:%d %b %Y}) "
                + ("opened as this case." if outcome == TriageOutcome.CASE_OPENED else "merged into this case."),
                recorded_by=actor,
            )
        else:
            concern.status = ConcernStatus.CLOSED
        concern.triage_outcome = outcome
        concern.triage_note = note.strip()
        concern.triaged_by = actor
        concern.triaged_at = timezone.now()
        concern.save()
        audit_record(
            action="welfare.concern_triaged",
            actor=actor,
            organisation_id=organisation_id(),
            target=concern,
            detail={"concern": concern.pk, "outcome": outcome, "case": concern.case_id},
        )
    return concern


def _case_from(concern: Concern, actor: User, actor_joins: bool) -> Case:
    case = Case.objects.create(
        subject_kind=concern.subject_kind,
        subject_given_name=concern.subject_given_name,
        subject_family_name=concern.subject_family_name,
        subject_date_of_birth=concern.subject_date_of_birth,
        subject_number=concern.subject_number,
        opened_on=today(),
        opened_by=actor,
    )
    if actor_joins:
        case.team.add(actor)
    audit_record(
        action="welfare.case_created",
        actor=actor,
        organisation_id=organisation_id(),
        target=case,
        detail={"case": case.pk, "concern": concern.pk},
    )
    return case
