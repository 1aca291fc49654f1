"""The organisation's welfare settings: the Prevent lead's named deputies and the retention period."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from core.audit import audit_record
from tenants.models import Membership, Organisation, User
from welfare import rights
from welfare.models import Case, WelfareSettings
from welfare.selectors import welfare_settings

MIN_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 36500


def welfare_settings_update(*, actor: User, deputies: list[User], retention_days: int | None) -> WelfareSettings:
    """Name the deputies (members here) and the retention period. Only the Prevent lead by role."""
    membership = rights.membership_of(actor)
    if not rights.may_name_deputies(membership):
        raise PermissionDenied("Only the Prevent lead names deputies.")
    errors: dict[str, str] = {}
    organisation = rights.current_organisation()
    members = set(Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True))
    if any(person.pk not in members or not person.is_active for person in deputies):
        errors["deputies"] = "Deputies must be current members of this organisation."
    if retention_days is None or not MIN_RETENTION_DAYS <= retention_days <= MAX_RETENTION_DAYS:
        errors["retention_days"] = (
            f"Enter a retention period between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS} days (six years is 2190)."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings = welfare_settings()
        settings.deputies.set(deputies)
        settings.retention_days = retention_days
        settings.updated_at = timezone.now()
        settings.updated_by = actor
        settings.save()
        audit_record(
            action="welfare.settings_updated",
            actor=actor,
            organisation_id=organisation.pk,
            target=settings,
            detail={"deputies": sorted(p.pk for p in deputies), "retention_days": retention_days},
        )
    return settings


def welfare_member_left(*, membership: Membership) -> None:
    """A person left the organisation: they stop being a named deputy and leave every case team, so being
    invited again later (in any role) gives nothing back; the naming ended with the membership.

    Called for every deleted membership (`WelfareConfig.ready` connects it), inside the transaction
    that deletes it; audited with ids only.
    """
    schema = Organisation.objects.filter(pk=membership.organisation_id).values_list("schema_name", flat=True).first()
    if not schema or schema == "public" or not schema_exists(schema):
        return  # the organisation itself is going (its schema with it)
    with schema_context(schema):
        deputy = WelfareSettings.deputies.through.objects.filter(user_id=membership.user_id).delete()[0]
        teams = Case.team.through.objects.filter(user_id=membership.user_id).delete()[0]
        if deputy or teams:
            audit_record(
                action="welfare.member_left",
                actor=None,
                organisation_id=membership.organisation_id,
                target_type="tenants.user",
                target_id=membership.user_id,
                detail={"person": membership.user_id, "was_deputy": bool(deputy), "case_teams_left": teams},
            )
