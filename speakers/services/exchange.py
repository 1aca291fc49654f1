"""Handing decided requests to the exchange (the `sharing` app), per the organisation's setting."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from sharing.models import ShareMode
from sharing.services import NothingToShare, check_share, settings_for
from speakers import rights
from speakers.choices import DECISION_OUTCOMES
from speakers.models import EventRequest
from speakers.projection import project_decided_request
from tenants.models import User


def _shareable(event_request: EventRequest) -> bool:
    decision = getattr(event_request, "decision", None)
    return decision is not None and decision.outcome in DECISION_OUTCOMES


def event_request_share_on_decision(*, actor: User, event_request: EventRequest) -> int | None:
    """Share a just-decided request if the organisation shares on decision.

    Returns the number of checks shared, 0 when no agreement lets anyone receive them
    (the decision stands either way), and None when the organisation asks each time.
    """
    organisation = rights.current_organisation()
    if settings_for(organisation).share_mode != ShareMode.ON_DECISION or not _shareable(event_request):
        return None
    try:
        with transaction.atomic():
            checks = check_share(
                actor=actor, source=organisation, projection=project_decided_request(event_request), automatic=True
            )
    except NothingToShare:
        return 0
    return len(checks)


def event_request_share(*, actor: User, event_request: EventRequest) -> int:
    """Share (or re-share as a correction) a decided request now; NothingToShare says why not."""
    if not _shareable(event_request):
        raise ValidationError(
            {"request": "Only a request decided approved, approved with mitigations or rejected is shared."}
        )
    checks = check_share(
        actor=actor, source=rights.current_organisation(), projection=project_decided_request(event_request)
    )
    return len(checks)
