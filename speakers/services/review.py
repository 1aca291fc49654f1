"""The reviewer's and decision-maker's side: assess, escalate, decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from speakers import notices, rights
from speakers.choices import MitigationBasis, RiskLevel, Status
from speakers.models import Assessment, Decision, EventRequest, Mitigation, RequestMitigation, RiskFactor
from speakers.selectors import procedure_config
from speakers.services.decision_rules import DecisionInput, validate_decision
from speakers.services.exchange import event_request_share_on_decision
from tenants.models import Membership, User
from tenants.scopes import Scope, scopes_of

__all__ = [
    "DecisionInput",
    "event_request_assess",
    "event_request_decide",
    "event_request_escalate",
    "event_request_reescalate",
]


@dataclass(frozen=True)
class RiskFactorInput:
    factor: str
    evidence: str
    source: str
    source_date: date | None = None


@dataclass(frozen=True)
class ProposedMitigation:
    mitigation_id: int
    basis: str = MitigationBasis.OTHER


@dataclass(frozen=True)
class AssessmentInput:
    risk_level: str
    free_speech_considerations: str
    criteria_met: list[str] = field(default_factory=list)
    risk_summary: str = ""
    factors: list[RiskFactorInput] = field(default_factory=list)
    mitigations: list[ProposedMitigation] = field(default_factory=list)


def _validate_assessment(data: AssessmentInput, criteria: list[str]) -> dict[int, Mitigation]:
    errors: dict[str, str] = {}
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = "Choose low, medium or high."
    if not data.free_speech_considerations.strip():
        errors["free_speech_considerations"] = (
            "Record the freedom-of-speech considerations beside the risks: the duty to secure lawful "
            "free speech applies to every event."
        )
    unknown = [c for c in data.criteria_met if c not in criteria]
    if unknown:
        errors["criteria_met"] = f"Not a higher-risk criterion of this procedure: {'; '.join(unknown)}."
    for factor in data.factors:
        if not (factor.factor.strip() and factor.evidence.strip() and factor.source.strip()):
            errors["factors"] = "Give each risk factor its evidence and the source of that evidence."
    catalogue = Mitigation.objects.in_bulk([m.mitigation_id for m in data.mitigations])
    if any(m.mitigation_id not in catalogue for m in data.mitigations):
        errors["mitigations"] = "Choose mitigations from the organisation's catalogue."
    if any(m.basis not in MitigationBasis.values for m in data.mitigations):
        errors["mitigations"] = "Say whether each mitigation is for a Prevent-related risk or for other reasons."
    if errors:
        raise ValidationError(errors)
    return catalogue


def event_request_assess(*, actor: User, event_request: EventRequest, data: AssessmentInput) -> Assessment:
    """Record (or revise, until escalated or decided) the structured risk assessment."""
    config = procedure_config()
    rights.require_reviewer(rights.membership_of(actor), config)
    if event_request.status not in (Status.SUBMITTED, Status.ASSESSED):
        raise ValidationError({"status": "Only a submitted request that is not escalated or decided can be assessed."})
    catalogue = _validate_assessment(data, config.higher_risk_criteria)
    higher_risk = bool(data.criteria_met) or data.risk_level == RiskLevel.HIGH
    with transaction.atomic():
        assessment, _ = Assessment.objects.update_or_create(
            request=event_request,
            defaults={
                "assessed_by": actor,
                "assessed_at": timezone.now(),
                "risk_level": data.risk_level,
                "criteria_met": list(data.criteria_met),
                "is_higher_risk": higher_risk,
                "risk_summary": data.risk_summary.strip(),
                "free_speech_considerations": data.free_speech_considerations.strip(),
            },
        )
        assessment.factors.all().delete()
        RiskFactor.objects.bulk_create(RiskFactor(assessment=assessment, **vars(f)) for f in data.factors)
        event_request.mitigations.all().delete()
        RequestMitigation.objects.bulk_create(
            RequestMitigation(
                request=event_request,
                mitigation=catalogue[m.mitigation_id],
                label=catalogue[m.mitigation_id].label,
                timing=catalogue[m.mitigation_id].timing,
                basis=m.basis,
            )
            for m in data.mitigations
        )
        event_request.status = Status.ASSESSED
        event_request.updated_at = timezone.now()
        event_request.save(update_fields=["status", "updated_at"])
        audit_record(
            action="speakers.request.assess",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"risk_level": data.risk_level, "higher_risk": higher_risk, "mitigations": len(data.mitigations)},
        )
    return assessment


def event_request_escalate(
    *, actor: User, event_request: EventRequest, decision_maker: User, note: str
) -> EventRequest:
    """Refer an assessed request to a named senior decision-maker, who alone may then decide it."""
    config = procedure_config()
    rights.require_reviewer(rights.membership_of(actor), config)
    if event_request.status != Status.ASSESSED:
        raise ValidationError({"status": "Assess the request before escalating it."})
    _validate_escalation(decision_maker, note)
    with transaction.atomic():
        _assign(event_request, actor=actor, decision_maker=decision_maker, note=note)
        audit_record(
            action="speakers.request.escalate",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"decision_maker_id": decision_maker.pk},
        )
        notices.escalated(event_request, decision_maker)
    return event_request


def _validate_escalation(decision_maker: User, note: str) -> None:
    errors: dict[str, str] = {}
    target = Membership.objects.filter(user=decision_maker, organisation=rights.current_organisation()).first()
    if target is None or not decision_maker.is_active or Scope.SPEAKERS_DECIDE_ESCALATED not in scopes_of(target):
        errors["decision_maker"] = "Choose a person who holds the senior decision-maker role here."
    if not note.strip():
        errors["note"] = "Say what the senior decision-maker is asked to decide, and why."
    if errors:
        raise ValidationError(errors)


def _assign(event_request: EventRequest, *, actor: User, decision_maker: User, note: str) -> None:
    """The assignment *is* the right: whoever `escalated_to` names (while they hold the role) decides."""
    event_request.status = Status.ESCALATED
    event_request.escalated_to = decision_maker
    event_request.escalated_by = actor
    event_request.escalated_at = timezone.now()
    event_request.escalation_note = note.strip()
    event_request.updated_at = event_request.escalated_at
    event_request.save()


def event_request_reescalate(
    *, actor: User, event_request: EventRequest, decision_maker: User, note: str
) -> EventRequest:
    """A reviewer re-escalates a request whose decision-maker no longer holds the senior role, or has left.

    Only a stuck request is re-escalated: while the named person holds the role, the decision is
    theirs, and a reviewer cannot move it to someone else. The previous decision-maker loses sight
    of it at once (their right was the assignment). Audited as `speakers.request.reescalate`.
    Raises PermissionDenied (not a reviewer) or ValidationError (not stuck; bad person or note).
    """
    config = procedure_config()
    rights.require_reviewer(rights.membership_of(actor), config)
    with transaction.atomic():
        event_request = EventRequest.objects.select_for_update(no_key=True).get(pk=event_request.pk)
        if event_request.status != Status.ESCALATED:
            raise ValidationError({"status": "Only an escalated request can be re-escalated."})
        if not rights.escalation_is_stuck(event_request):
            raise ValidationError(
                {
                    "decision_maker": "The senior decision-maker this request was escalated to still holds the "
                    "role; the decision is theirs."
                }
            )
        _validate_escalation(decision_maker, note)
        previous = event_request.escalated_to_id
        _assign(event_request, actor=actor, decision_maker=decision_maker, note=note)
        audit_record(
            action="speakers.request.reescalate",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"from_decision_maker_id": previous, "decision_maker_id": decision_maker.pk},
        )
        notices.escalated(event_request, decision_maker)
    return event_request


def _require_authority(membership: Membership, event_request: EventRequest) -> bool:
    """Returns whether the decider acts as senior decision-maker."""
    config = procedure_config()
    if event_request.status == Status.ESCALATED:
        rights.require_senior_for(membership, config, event_request)
        return True
    rights.require_reviewer(membership, config)
    if event_request.status != Status.ASSESSED:
        raise ValidationError({"status": "Assess the request before deciding it."})
    if event_request.is_higher_risk:
        raise PermissionDenied("This is a higher-risk request: escalate it to the senior decision-maker, who decides.")
    return False


def event_request_decide(*, actor: User, event_request: EventRequest, data: DecisionInput) -> Decision:
    """Decide: approved, approved with mitigations, or rejected, with reasons and free-speech steps."""
    membership = rights.membership_of(actor)
    as_senior = _require_authority(membership, event_request)
    proposed = {m.pk: m for m in event_request.mitigations.all()}
    validate_decision(data, proposed)
    with transaction.atomic():
        decision = Decision.objects.create(
            request=event_request,
            decided_by=actor,
            decider_roles=list(membership.roles),
            as_senior_decision_maker=as_senior,
            **data.decision_fields(),
        )
        event_request.mitigations.filter(pk__in=data.imposed_mitigation_ids).update(imposed=True)
        event_request.mitigations.exclude(pk__in=data.imposed_mitigation_ids).delete()
        event_request.status = Status.DECIDED
        event_request.updated_at = decision.decided_at
        event_request.save(update_fields=["status", "updated_at"])
        audit_record(
            action="speakers.request.decide",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"outcome": data.outcome, "as_senior": as_senior, "mitigations": len(data.imposed_mitigation_ids)},
        )
        decision.shared_checks = event_request_share_on_decision(actor=actor, event_request=event_request)
    return decision
