"""What a decision must carry, checked before anything is written.

The rules follow the free-speech duty: lawful speech is not restricted because it
offends or embarrasses; a rejection records the legal question, the steps considered to
secure the speech, and why the restriction is proportionate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from speakers.choices import DECISION_OUTCOMES, Outcome, RejectionCategory, WithinLaw
from speakers.decision_limits import MAX_REJECTION_WORDS
from speakers.models import RequestMitigation


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    reasons: str
    imposed_mitigation_ids: list[int] = field(default_factory=list)
    rejection_category: str = ""
    rejection_explanation: str = ""
    speech_within_law: str = ""
    free_speech_steps: str = ""
    restriction_proportionality: str = ""
    not_offence_or_reputation_alone: bool = False
    security_costs_passed_on: bool = False
    security_costs_circumstances: str = ""

    def decision_fields(self) -> dict[str, Any]:
        values = {k: v.strip() if isinstance(v, str) else v for k, v in vars(self).items()}
        values.pop("imposed_mitigation_ids")
        return values


def _rejection_errors(data: DecisionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.rejection_category not in RejectionCategory.values:
        errors["rejection_category"] = "Choose the reason category for the rejection."
    words = len(data.rejection_explanation.split())
    if not words:
        errors["rejection_explanation"] = "Explain the rejection (up to 300 words)."
    elif words > MAX_REJECTION_WORDS:
        errors["rejection_explanation"] = f"Keep the explanation to {MAX_REJECTION_WORDS} words; it has {words}."
    if data.speech_within_law not in WithinLaw.values:
        errors["speech_within_law"] = "Before rejecting, record whether the speech is within the law."
    if not data.free_speech_steps.strip():
        errors["free_speech_steps"] = (
            "Before rejecting, record which reasonably practicable steps (such as mitigations) "
            "were considered to secure the speech."
        )
    if not data.restriction_proportionality.strip():
        errors["restriction_proportionality"] = "Explain why rejecting is proportionate."
    if not data.not_offence_or_reputation_alone:
        errors["not_offence_or_reputation_alone"] = (
            "Confirm the rejection does not rest on offensiveness or reputational risk alone: "
            "neither is a ground to restrict lawful speech."
        )
    return errors


def _mitigation_errors(data: DecisionInput, proposed: dict[int, RequestMitigation]) -> dict[str, str]:
    if any(pk not in proposed for pk in data.imposed_mitigation_ids):
        return {"imposed_mitigation_ids": "Choose mitigations proposed in this request's assessment."}
    if data.outcome == Outcome.APPROVED_WITH_MITIGATIONS and not data.imposed_mitigation_ids:
        return {"imposed_mitigation_ids": "Choose at least one mitigation, or approve without mitigations."}
    if data.outcome != Outcome.APPROVED_WITH_MITIGATIONS and data.imposed_mitigation_ids:
        return {"imposed_mitigation_ids": "Mitigations are imposed only with 'approved with mitigations'."}
    return {}


def validate_decision(data: DecisionInput, proposed: dict[int, RequestMitigation]) -> None:
    errors: dict[str, str] = {}
    if data.outcome not in DECISION_OUTCOMES:
        errors["outcome"] = "Choose approved, approved with mitigations, or rejected."
    if not data.reasons.strip():
        errors["reasons"] = "Record the reasons for the decision."
    if data.outcome == Outcome.REJECTED:
        errors.update(_rejection_errors(data))
    errors.update(_mitigation_errors(data, proposed))
    if data.security_costs_passed_on and not data.security_costs_circumstances.strip():
        errors["security_costs_circumstances"] = (
            "Security costs are passed to the organiser only in exceptional circumstances; record them."
        )
    if errors:
        raise ValidationError(errors)
