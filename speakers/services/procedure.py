"""Each organisation edits its own procedure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from speakers import rights
from speakers.models import ProcedureConfig
from speakers.selectors import procedure_config
from speakers.services.mitigations import require_procedure_owner
from tenants.models import Role, User


def _validate(
    *, reviewing_roles: list[str], criteria: list[str], notice_days: int, senior_role: str, validity_months: int
) -> None:
    errors: dict[str, str] = {}
    if not reviewing_roles or any(role not in Role.values for role in reviewing_roles):
        errors["reviewing_roles"] = "Choose at least one role that reviews requests."
    if not criteria:
        errors["higher_risk_criteria"] = "List at least one criterion that makes an event higher-risk."
    if not 0 <= notice_days <= 60:
        errors["minimum_notice_working_days"] = "Enter a number of working days between 0 and 60."
    if senior_role not in Role.values:
        errors["senior_decision_maker_role"] = "Choose the role that decides higher-risk events."
    elif senior_role in reviewing_roles:
        errors["senior_decision_maker_role"] = "The senior decision-maker role must differ from the reviewing roles."
    if not 1 <= validity_months <= 36:
        errors["decision_validity_months"] = "Enter between 1 and 36 months."
    if errors:
        raise ValidationError(errors)


def procedure_config_update(
    *,
    actor: User,
    reviewing_roles: list[str],
    higher_risk_criteria: list[str],
    minimum_notice_working_days: int,
    senior_decision_maker_role: str,
    decision_validity_months: int = 12,
) -> ProcedureConfig:
    require_procedure_owner(actor)
    criteria = [c.strip() for c in higher_risk_criteria if c.strip()]
    _validate(
        reviewing_roles=reviewing_roles,
        criteria=criteria,
        notice_days=minimum_notice_working_days,
        senior_role=senior_decision_maker_role,
        validity_months=decision_validity_months,
    )
    with transaction.atomic():
        config = procedure_config()
        config.reviewing_roles = sorted(set(reviewing_roles))
        config.higher_risk_criteria = criteria
        config.minimum_notice_working_days = minimum_notice_working_days
        config.senior_decision_maker_role = senior_decision_maker_role
        config.decision_validity_months = decision_validity_months
        config.updated_at, config.updated_by = timezone.now(), actor
        config.save()
        audit_record(
            action="speakers.procedure.update",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=config,
            detail={"minimum_notice_working_days": minimum_notice_working_days, "reviewing_roles": reviewing_roles},
        )
    return config
