"""Who is notified about a speaker request (`notifications.services.notify`).

* Escalated (or re-escalated): the senior decision-maker named, while `escalated_to` names them
  and they hold `speakers:decide_escalated` (checked again at every delivery by the object
  check registered in `SpeakersConfig.ready`; a re-escalation ends the earlier one's).

The text names the request by the hub's number (SR-00009), never its title (it may name the speaker)
nor an imported reference (free text).
"""

from __future__ import annotations

from django.db import connection

from notifications.kinds import Kind
from notifications.services import notify, register_object_check
from notifications.texts import short
from speakers import rights
from speakers.models import EventRequest
from tenants.models import Membership, User
from tenants.scopes import Scope


def url_of(event_request: EventRequest) -> str:
    return f"/speakers/{event_request.pk}/"


def escalated(event_request: EventRequest, decision_maker: User) -> int:
    """Tell `decision_maker` the request awaits their decision. Call inside the escalating transaction."""
    organisation = rights.current_organisation()
    # Our own numbering only: an imported request's reference is free text from a spreadsheet.
    reference = f"SR-{event_request.pk:05d}"
    text = f"Speaker request {reference} at {short(organisation.name)} was escalated to you to decide"
    return len(
        notify(Kind.ESCALATED, organisation=organisation, scope=Scope.SPEAKERS_DECIDE_ESCALATED, text=text,
               url=url_of(event_request), object_id=event_request.pk, users=[decision_maker.pk])
    )  # fmt: skip


def still_escalated_to(user: User, request_id: int) -> bool:
    """Object check (run in the organisation's schema): the request is still escalated to `user`, who
    still holds the senior role (`rights.is_assigned_senior`); a re-escalation to someone else ends it."""
    event_request = EventRequest.objects.filter(pk=request_id).first()
    membership = Membership.objects.filter(user=user, organisation__schema_name=connection.schema_name).first()
    return event_request is not None and membership is not None and rights.is_assigned_senior(membership, event_request)


def register() -> None:
    """Register the object check (from `SpeakersConfig.ready`)."""
    register_object_check(Kind.ESCALATED, still_escalated_to)
