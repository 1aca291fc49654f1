"""An agreement's state, computed from stored facts and the time; nothing stores "active"."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from agreements.flows import day_start
from agreements.models import Agreement


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
    SIGNED_NOT_STARTED = "signed_not_started", "Signed, not yet in force"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


def agreement_state(agreement: Agreement, at: datetime) -> State:
    """Needs `agreement.current_version` loaded. Mirrors the policy's checks, in the same order."""
    version = agreement.current_version
    assert version is not None
    if agreement.terminates_at is not None and at >= agreement.terminates_at:
        return State.TERMINATED
    if at >= day_start(version.expiry_date):
        return State.EXPIRED
    if agreement.suspended_at is not None:
        return State.SUSPENDED
    if version.proposed_at is None:
        return State.DRAFT
    if version.fully_signed_at is None:
        return State.AWAITING_SIGNATURES
    if at < day_start(version.start_date):
        return State.SIGNED_NOT_STARTED
    return State.ACTIVE
