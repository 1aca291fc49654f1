"""The mitigation catalogue, and tracking each imposed mitigation to completion."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from speakers import rights
from speakers.choices import MitigationProgress, MitigationTiming, Status
from speakers.models import Mitigation, RequestMitigation
from speakers.selectors import procedure_config
from tenants.models import User
from tenants.scopes import Scope, scopes_of


def require_procedure_owner(actor: User) -> None:
    if Scope.SPEAKERS_CONFIGURE not in scopes_of(rights.membership_of(actor)):
        raise PermissionDenied("Only an organisation admin or the Prevent lead can change the procedure.")


def _validate_entry(*, label: str, timing: str, exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    if not label.strip():
        errors["label"] = "Name the mitigation."
    elif Mitigation.objects.filter(label__iexact=label.strip()).exclude(pk=exclude_pk).exists():
        errors["label"] = "The catalogue already has a mitigation with this name."
    if timing not in MitigationTiming.values:
        errors["timing"] = "Choose before or after the event."
    if errors:
        raise ValidationError(errors)


def mitigation_create(*, actor: User, label: str, description: str = "", timing: str = "before") -> Mitigation:
    require_procedure_owner(actor)
    procedure_config()  # seeds the defaults first, so a new entry joins them rather than replacing them
    _validate_entry(label=label, timing=timing)
    with transaction.atomic():
        mitigation = Mitigation.objects.create(
            label=label.strip(), description=description.strip(), timing=timing, position=Mitigation.objects.count()
        )
        audit_record(
            action="speakers.catalogue.create",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=mitigation,
        )
    return mitigation


def mitigation_update(
    *, actor: User, mitigation: Mitigation, label: str, description: str, timing: str, active: bool
) -> Mitigation:
    """Edit or retire a catalogue entry; decisions keep the label they were made with."""
    require_procedure_owner(actor)
    _validate_entry(label=label, timing=timing, exclude_pk=mitigation.pk)
    with transaction.atomic():
        mitigation.label, mitigation.description = label.strip(), description.strip()
        mitigation.timing, mitigation.active = timing, active
        mitigation.save()
        audit_record(
            action="speakers.catalogue.update",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=mitigation,
            detail={"active": active},
        )
    return mitigation


def request_mitigation_progress(
    *, actor: User, request_mitigation: RequestMitigation, progress: str, note: str = ""
) -> RequestMitigation:
    """The organiser or a reviewer records whether an imposed mitigation was carried out."""
    event_request = request_mitigation.request
    rights.require_owner_or_reviewer(rights.membership_of(actor), event_request)
    if event_request.status != Status.DECIDED or not request_mitigation.imposed:
        raise ValidationError({"progress": "Only mitigations imposed by a decision are tracked."})
    if progress not in MitigationProgress.values:
        raise ValidationError({"progress": "Choose not yet done, done, or could not be done."})
    if progress == MitigationProgress.NOT_DONE and not note.strip():
        raise ValidationError({"note": "Say why the mitigation could not be carried out."})
    with transaction.atomic():
        request_mitigation.progress = progress
        request_mitigation.progress_note = note.strip()
        done = progress != MitigationProgress.PENDING
        request_mitigation.completed_at = timezone.now() if done else None
        request_mitigation.completed_by = actor if done else None
        request_mitigation.save()
        audit_record(
            action="speakers.mitigation.progress",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=request_mitigation,
            detail={"request_id": event_request.pk, "progress": progress},
        )
    return request_mitigation
