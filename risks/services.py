"""Writes to the risk register and action plan: each atomic, validated, audited (ids and codes only).

Errors are `ValidationError`s keyed by the field at fault, with the fix in the message, so a form
shows them beside the field and the API answers 400 naming it. Nothing is half-saved.

Rules and their sources:
* Every risk has an owner who is a member of the organisation (a register without owners is not
  managed: the seed's Prevent groups review "the risk register and action plan" and its owners).
* Every change to a risk is kept: who, when, each field before and after, and why (the reason is
  required), so a Prevent group reviewing the register sees how a rating moved and on what grounds.
* An action needs an owner and a due date; a new action is not due in the past unless it is
  recorded explicitly as agreed earlier (`recording_past`) or already done.
* Sharing a summary with a network goes through the exchange and the policy only
  (`sharing.records.record_share`); see `summary_share`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Level, Purpose, RecordKind
from core.audit import audit_record
from core.dates import today as london_today
from risks.models import SCALE, ActionStatus, Category, Risk, RiskAction, RiskChange, RiskStatus
from sharing.models import SharedCheck
from sharing.records import record_share
from tenants.models import Membership, Organisation, User
from tenants.scopes import Scope, require_scope

TITLE_LIMIT = 200
ACTION_TITLE_LIMIT = 300
TEXT_LIMIT = 10_000
SUMMARY_REF = "risk-register-summary"

# Fields of a risk, in the order the history shows them, with their labels.
RISK_FIELDS: dict[str, str] = {
    "title": "Title",
    "description": "Description",
    "category": "Category",
    "likelihood": "Likelihood",
    "impact": "Impact",
    "owner": "Owner",
    "existing_controls": "Existing controls",
    "planned_controls": "Further controls planned",
    "review_on": "Review date",
    "status": "Status",
}


@dataclass
class RiskInput:
    """What a person enters for a risk. `owner` is a User (checked to be a member)."""

    title: str
    category: str
    likelihood: int
    impact: int
    owner: User | None
    review_on: date | None
    description: str = ""
    existing_controls: str = ""
    planned_controls: str = ""
    status: str = RiskStatus.OPEN


@dataclass
class ActionInput:
    title: str
    owner: User | None
    due_on: date | None
    risk: Risk | None = None
    notes: str = ""
    status: str = ActionStatus.NOT_STARTED


def _clean_text(value: str) -> str:
    """Trimmed, with no-break and zero-width spaces made ordinary or removed (pasted text carries them)."""
    for invisible in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"):
        value = value.replace(invisible, "")
    return value.replace("\u00a0", " ").strip()


def _is_member(organisation: Organisation, user: User | None) -> bool:
    return user is not None and Membership.objects.filter(organisation=organisation, user=user).exists()


def _check_owner(organisation: Organisation, owner: User | None, errors: dict[str, str]) -> None:
    if owner is None:
        errors["owner"] = "Choose an owner: every risk and action needs a named person who answers for it."
    elif not _is_member(organisation, owner):
        errors["owner"] = "The owner must be a member of this organisation; choose someone from the list."


def _check_scores(data: RiskInput, errors: dict[str, str]) -> None:
    for name in ("likelihood", "impact"):
        value = getattr(data, name)
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors[name] = f"Score the {name} as a whole number from 1 (lowest) to 5 (highest)."


def _validate_risk(organisation: Organisation, data: RiskInput) -> RiskInput:
    errors: dict[str, str] = {}
    for name in ("title", "description", "existing_controls", "planned_controls"):
        setattr(data, name, _clean_text(getattr(data, name) or ""))
    if not data.title:
        errors["title"] = "Give the risk a short title, e.g. 'Speaker event goes ahead without assessment'."
    elif len(data.title) > TITLE_LIMIT:
        errors["title"] = f"Keep the title to {TITLE_LIMIT} characters; put the detail in the description."
    for name in ("description", "existing_controls", "planned_controls"):
        if len(getattr(data, name)) > TEXT_LIMIT:
            errors[name] = f"Keep this to {TEXT_LIMIT:,} characters."
    if data.category not in Category.values:
        errors["category"] = "Choose a category from the list."
    _check_scores(data, errors)
    if data.status not in RiskStatus.values:
        errors["status"] = "Choose open, accepted or closed."
    if data.review_on is None:
        errors["review_on"] = "Give a date by which the risk will be reviewed next."
    _check_owner(organisation, data.owner, errors)
    if errors:
        raise ValidationError(errors)
    return data


def _display(name: str, value: Any) -> str:
    if name == "owner":
        return value.full_name if value is not None else ""
    if name == "category":
        return str(Category(value).label) if value in Category.values else str(value)
    if name == "status":
        return str(RiskStatus(value).label) if value in RiskStatus.values else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def risk_create(*, actor: User, organisation: Organisation, data: RiskInput, reason: str = "") -> Risk:
    """Add a risk to the register (a new risk may be due for review today, not before).

    ValidationError keyed by field (`title`, `category`, `likelihood`, `impact`, `owner`, `review_on`,
    `status`). The history starts with a "created" entry carrying `reason` (default: added).
    PermissionDenied without `risks:manage`.
    """
    require_scope(actor, organisation, Scope.RISKS_MANAGE)
    data = _validate_risk(organisation, data)
    assert data.review_on is not None
    if data.review_on < london_today():
        raise ValidationError({"review_on": "A new risk's next review cannot be in the past; choose today or later."})
    now = timezone.now()
    with transaction.atomic():
        risk = Risk.objects.create(
            title=data.title,
            description=data.description,
            category=data.category,
            likelihood=data.likelihood,
            impact=data.impact,
            owner=data.owner,
            existing_controls=data.existing_controls,
            planned_controls=data.planned_controls,
            review_on=data.review_on,
            status=data.status,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        RiskChange.objects.create(
            risk=risk,
            changed_by=actor,
            changed_at=now,
            created=True,
            fields=[
                {"field": name, "label": label, "before": "", "after": _display(name, getattr(risk, name))}
                for name, label in RISK_FIELDS.items()
            ],
            reason=_clean_text(reason) or "Added to the register.",
        )
        audit_record(
            action="risks.risk_create",
            actor=actor,
            organisation_id=organisation.pk,
            target=risk,
            detail={"category": risk.category, "score": risk.score, "status": risk.status},
        )
    return risk


def risk_update(
    *, actor: User, organisation: Organisation, risk: Risk, data: RiskInput, reason: str
) -> RiskChange | None:
    """Change a risk and keep what changed, who changed it, when and why. None when nothing changed.

    ValidationError as `risk_create`, plus `reason` when something changed and no reason is given.
    A review date in the past is allowed here (the register shows the review as due).
    PermissionDenied without `risks:manage`.
    """
    require_scope(actor, organisation, Scope.RISKS_MANAGE)
    data = _validate_risk(organisation, data)
    reason = _clean_text(reason or "")
    changed = [
        {
            "field": name,
            "label": label,
            "before": _display(name, getattr(risk, name)),
            "after": _display(name, getattr(data, name)),
        }
        for name, label in RISK_FIELDS.items()
        if (getattr(risk, f"{name}_id") if name == "owner" else getattr(risk, name))
        != (data.owner.pk if name == "owner" and data.owner else getattr(data, name))
    ]
    if not changed:
        return None
    if not reason:
        raise ValidationError({"reason": "Say why the risk changed: the history keeps the reason with the change."})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": f"Keep the reason to {TEXT_LIMIT:,} characters."})
    now = timezone.now()
    with transaction.atomic():
        locked = Risk.objects.select_for_update(no_key=True).get(pk=risk.pk)
        for entry in changed:
            setattr(locked, entry["field"], getattr(data, entry["field"]))
        locked.updated_at = now
        locked.save()
        change = RiskChange.objects.create(risk=locked, changed_by=actor, changed_at=now, fields=changed, reason=reason)
        audit_record(
            action="risks.risk_update",
            actor=actor,
            organisation_id=organisation.pk,
            target=locked,
            detail={"fields": [e["field"] for e in changed], "score": locked.score, "status": locked.status},
        )
    risk.refresh_from_db()
    return change


def _validate_action(organisation: Organisation, data: ActionInput) -> ActionInput:
    errors: dict[str, str] = {}
    data.title = _clean_text(data.title or "")
    data.notes = _clean_text(data.notes or "")
    if not data.title:
        errors["title"] = "Say what will be done, e.g. 'Audit a sample of speaker requests against the procedure'."
    elif len(data.title) > ACTION_TITLE_LIMIT:
        errors["title"] = f"Keep the action to {ACTION_TITLE_LIMIT} characters; put the detail in the notes."
    if len(data.notes) > TEXT_LIMIT:
        errors["notes"] = f"Keep the notes to {TEXT_LIMIT:,} characters."
    if data.status not in ActionStatus.values:
        errors["status"] = "Choose not started, in progress or done."
    if data.due_on is None:
        errors["due_on"] = "Give the date the action is due."
    _check_owner(organisation, data.owner, errors)
    if errors:
        raise ValidationError(errors)
    return data


def _completed_on(status: str, before: date | None) -> date | None:
    if status != ActionStatus.DONE:
        return None
    return before or london_today()


def action_create(
    *, actor: User, organisation: Organisation, data: ActionInput, recording_past: bool = False
) -> RiskAction:
    """Add an action to the plan, about `data.risk` or standalone.

    ValidationError keyed by field: `title`, `owner` (required, a member), `due_on` (required; a new
    action due before today is refused unless `recording_past` — an action agreed earlier, entered
    now — or it is already done), `status`, `notes`. PermissionDenied without `risks:manage`.
    """
    require_scope(actor, organisation, Scope.RISKS_MANAGE)
    data = _validate_action(organisation, data)
    assert data.due_on is not None
    if data.due_on < london_today() and not recording_past and data.status != ActionStatus.DONE:
        raise ValidationError(
            {
                "due_on": "A new action cannot be due in the past; choose today or later "
                "(or tick 'agreed earlier' to record an action that is already overdue)."
            }
        )
    now = timezone.now()
    with transaction.atomic():
        action = RiskAction.objects.create(
            risk=data.risk,
            title=data.title,
            notes=data.notes,
            owner=data.owner,
            due_on=data.due_on,
            status=data.status,
            completed_on=_completed_on(data.status, None),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            action="risks.action_create",
            actor=actor,
            organisation_id=organisation.pk,
            target=action,
            detail={"risk": data.risk.pk if data.risk else None, "status": action.status},
        )
    return action


def action_update(*, actor: User, organisation: Organisation, action: RiskAction, data: ActionInput) -> RiskAction:
    """Change an action (status, owner, due date...). ValidationError keyed by field as `action_create`;
    a due date may not be moved to a day before today (an overdue action keeps its date or gets a new one).
    PermissionDenied without `risks:manage`."""
    require_scope(actor, organisation, Scope.RISKS_MANAGE)
    data = _validate_action(organisation, data)
    assert data.due_on is not None
    if data.due_on != action.due_on and data.due_on < london_today():
        raise ValidationError({"due_on": "A due date cannot be moved into the past; choose today or later."})
    with transaction.atomic():
        locked = RiskAction.objects.select_for_update(no_key=True).get(pk=action.pk)
        before_status = locked.status
        locked.risk = data.risk
        locked.title = data.title
        locked.notes = data.notes
        locked.owner = data.owner  # type: ignore[assignment]
        locked.due_on = data.due_on
        locked.status = data.status
        locked.completed_on = _completed_on(data.status, locked.completed_on if before_status == "done" else None)
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(
            action="risks.action_update",
            actor=actor,
            organisation_id=organisation.pk,
            target=locked,
            detail={"risk": data.risk.pk if data.risk else None, "status": locked.status, "was": before_status},
        )
    return locked


def export_audit(*, actor: User, organisation: Organisation, what: str, file_format: str, rows: int) -> None:
    """An export is an audit event: what (risks, actions, register), the format and the row count."""
    audit_record(
        action="risks.export",
        actor=actor,
        organisation_id=organisation.pk,
        target_type="risks.register",
        detail={"what": what, "format": file_format, "rows": rows},
    )


def summary_share(*, actor: User, organisation: Organisation, network: Organisation | None) -> SharedCheck:
    """Send the register's summary (counts only, `risks.selectors.summary_record`) to a network.

    ValidationError naming `network` when none is chosen or `organisation` is not a member of it.
    Raises `SharingDenied` (nothing stored) when no agreement in force lets the network receive a
    `risk_summary` at aggregate level for network reporting (templates `network_risk_summary`, or
    `network_speaker_checks` with the network among the parties). Sharing again sends a new version
    and closes the old one to the network. Audited by the exchange (`exchange.record_share`).
    PermissionDenied without `risks:share` (the Prevent lead).
    """
    require_scope(actor, organisation, Scope.RISKS_SHARE)
    from risks.selectors import member_networks, summary_record

    if network is None:
        raise ValidationError({"network": "Choose the network or Silver group to send the summary to."})
    if not member_networks(organisation).filter(pk=network.pk).exists():
        raise ValidationError({"network": "We can only send a summary to a network we are a member of."})
    return record_share(
        actor=actor,
        source=organisation,
        kind=RecordKind.RISK_SUMMARY,
        purpose=Purpose.NETWORK_REPORTING,
        ref=SUMMARY_REF,
        recipient=network,
        level=Level.AGGREGATE,
        record=summary_record(),
    )
