"""Escalate and refer: the Prevent stages in order with their dates, the outcome, the ideology
category, and an export of the national Prevent referral form's fields (the hub never sends it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import today
from tenants.models import User
from tenants.scopes import Scope, scopes_of
from welfare import notices
from welfare.choices import STAGE_FIELDS, IdeologyCategory, Outcome, PreventStage
from welfare.events import case_changed_announce
from welfare.models import Case
from welfare.referral_form import referral_form_fields
from welfare.services.common import case_access, not_in_future, organisation_id

# Outcomes that are themselves a formal external referral, so the last stage must be recorded.
REFERRAL_OUTCOMES = (Outcome.PREVENT_REFERRAL, Outcome.POLICE_REFERRAL)


@dataclass(frozen=True)
class EscalationInput:
    prevent_lead_involved_on: date | None = None
    external_advice_sought_on: date | None = None
    formal_referral_made_on: date | None = None
    outcome: str = ""
    prevent_referral_on: date | None = None
    prevent_referral_reference: str = ""
    ideology_category: str = ""
    freedom_of_speech_notes: str = ""
    context_notes: str = ""


def _stage_errors(case: Case, data: EscalationInput) -> dict[str, str]:
    """Each stage: not in the future, not before the case opened, and only after the stage before it."""
    errors: dict[str, str] = {}
    previous: tuple[str, date | None] | None = None
    for stage, field in STAGE_FIELDS.items():
        label, on = PreventStage(stage).label, getattr(data, field)
        if on is not None:
            not_in_future(on, field, errors, f"The date of '{label}'")
            if on < case.opened_on:
                errors.setdefault(field, f"'{label}' cannot be before the case opened ({case.opened_on:%d %B %Y}).")
            if previous is not None and previous[1] is None:
                errors.setdefault(field, f"Record '{previous[0]}' first: the stages are recorded in order.")
            elif previous is not None and previous[1] is not None and on < previous[1]:
                errors.setdefault(field, f"'{label}' cannot be before '{previous[0]}' ({previous[1]:%d %B %Y}).")
        previous = (label, on)
    return errors


def _outcome_errors(case: Case, data: EscalationInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.outcome and data.outcome not in Outcome.values:
        errors["outcome"] = "Choose one of the five outcomes."
    if data.ideology_category and data.ideology_category not in IdeologyCategory.values:
        errors["ideology_category"] = "Choose one of the return's ideology categories."
    if data.outcome in REFERRAL_OUTCOMES and data.formal_referral_made_on is None:
        errors.setdefault(
            "formal_referral_made_on", "A referral is a formal external referral: record that stage and its date."
        )
    if data.outcome == Outcome.PREVENT_REFERRAL:
        if data.prevent_referral_on is None:
            errors["prevent_referral_on"] = "Enter the date the national referral form was sent."
        else:
            not_in_future(data.prevent_referral_on, "prevent_referral_on", errors, "The referral date")
            if data.prevent_referral_on < case.opened_on:
                errors.setdefault("prevent_referral_on", "The referral cannot be before the case opened.")
        if not data.prevent_referral_reference.strip():
            errors["prevent_referral_reference"] = "Enter the reference Prevent gave the referral."
    elif data.prevent_referral_on is not None or data.prevent_referral_reference.strip():
        errors["prevent_referral_on"] = (
            "Only a referral to Prevent has a referral date and reference: clear them, or choose that outcome."
        )
    return errors


def case_escalation_record(*, actor: User, case: Case, data: EscalationInput) -> Case:
    """Record the stages (in order, each dated, none in the future or before the case opened), the
    outcome and the ideology category. Everything is checked before anything is written."""
    membership = case_access(actor, case)
    if Scope.WELFARE_ESCALATE not in scopes_of(membership):
        raise PermissionDenied("Only the Prevent lead and their named deputies record stages and outcomes.")
    errors = {**_outcome_errors(case, data), **_stage_errors(case, data)}
    if errors:
        raise ValidationError(errors)
    changed = [stage for stage, field in STAGE_FIELDS.items() if getattr(case, field) != getattr(data, field)]
    newly = [s for s, f in STAGE_FIELDS.items() if getattr(case, f) is None and getattr(data, f) is not None]
    with transaction.atomic():
        for field in STAGE_FIELDS.values():
            setattr(case, field, getattr(data, field))
        if data.outcome != case.outcome:
            case.outcome_recorded_on = today() if data.outcome else None
        case.outcome = data.outcome
        case.prevent_referral_on = data.prevent_referral_on
        case.prevent_referral_reference = data.prevent_referral_reference.strip()
        case.ideology_category = data.ideology_category
        case.freedom_of_speech_notes = data.freedom_of_speech_notes.strip()
        case.context_notes = data.context_notes.strip()
        case.updated_at = timezone.now()
        case.save()
        audit_record(
            action="welfare.case_escalation_recorded",
            actor=actor,
            organisation_id=organisation_id(),
            target=case,
            detail={"case": case.pk, "stages_changed": changed, "outcome": case.outcome},
        )
        case_changed_announce(case)
        notices.stages_recorded(case, newly, actor=actor)
    return case


def case_referral_form_export(*, actor: User, case: Case) -> tuple[str, bytes]:
    """The national Prevent referral form's fields, pre-filled from the case, as a JSON file for the
    Prevent lead to complete and send themselves. Audited; the file name carries only the case id."""
    membership = case_access(actor, case)
    if Scope.WELFARE_ESCALATE not in scopes_of(membership):
        raise PermissionDenied("Only the Prevent lead and their named deputies export the referral form.")
    with transaction.atomic():
        fields = referral_form_fields(case=case, referrer=actor, membership=membership)
        audit_record(
            action="welfare.referral_form_exported",
            actor=actor,
            organisation_id=organisation_id(),
            target=case,
            detail={"case": case.pk},
        )
    body = json.dumps(fields, indent=2, ensure_ascii=False, default=str).encode()
    return f"prevent-referral-form-case-{case.pk}.json", body
