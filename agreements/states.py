"""An agreement's state, computed from stored facts and the time; nothing stores "active"."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from agreements.models import Agreement, AgreementVersion
from core.dates import day_ends, day_starts


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
    SIGNED_NOT_STARTED = "signed_not_started", "Signed, not yet in force"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


def agreement_state(agreement: Agreement, at: datetime) -> State:
    """The state of the version in force (`current_version`, which must be loaded) at `at`.

    Mirrors the policy's checks, in the same order. A pending successor never changes the
    state: an active agreement with a proposed change is still "Active" (see `version_status`).
    Dates are inclusive, Europe/London: "Expired" from 00:00 the day after the expiry date.
    """
    version = agreement.current_version
    assert version is not None
    if agreement.terminates_at is not None and at >= agreement.terminates_at:
        return State.TERMINATED
    if at >= day_ends(version.expiry_date):
        return State.EXPIRED
    if agreement.suspended_at is not None:
        return State.SUSPENDED
    if version.proposed_at is None:
        return State.DRAFT
    if version.fully_signed_at is None:
        return State.AWAITING_SIGNATURES
    if at < day_starts(version.start_date):
        return State.SIGNED_NOT_STARTED
    return State.ACTIVE


class VersionStatus(models.TextChoices):
    """What one version is to its agreement, as pages, the register and the API call it."""

    IN_FORCE = "in_force", "In force"
    NEGOTIATING = "negotiating", "Not yet in force"  # the first text, before everyone has signed it
    PENDING = "pending", "Pending version (proposed change, not yet in force)"
    SUPERSEDED = "superseded", "Superseded"
    NOT_ADOPTED = "not_adopted", "Not adopted (replaced or withdrawn before everyone signed)"


def version_status(agreement: Agreement, version: AgreementVersion) -> VersionStatus:
    """Needs only ids and `fully_signed_at`. "In force" here ignores dates and suspension (see the state)."""
    if version.pk == agreement.pending_version_id:
        return VersionStatus.PENDING
    if version.pk == agreement.current_version_id:
        return VersionStatus.IN_FORCE if version.fully_signed_at is not None else VersionStatus.NEGOTIATING
    if version.fully_signed_at is not None:
        return VersionStatus.SUPERSEDED
    return VersionStatus.NOT_ADOPTED
