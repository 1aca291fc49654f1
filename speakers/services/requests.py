"""The organiser's side: save a draft, submit, withdraw (or record a decision not to invite)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from sharing.names import NEEDS_A_LETTER, has_a_letter
from speakers import rights
from speakers.choices import EventFormat, Outcome, Status
from speakers.models import Decision, EventRequest, Speaker
from speakers.notice import working_days_notice
from speakers.selectors import procedure_config
from tenants.models import User


@dataclass(frozen=True)
class SpeakerDetails:
    name: str
    affiliation: str = ""
    profile_links: str = ""
    topic: str = ""


@dataclass(frozen=True)
class EventDetails:
    title: str
    starts_at: datetime | None = None
    venue: str = ""
    format: str = EventFormat.IN_PERSON
    open_to_public: bool = False
    livestreamed: bool = False
    recorded: bool = False
    expected_audience: int | None = None
    organising_body: str = ""
    description: str = ""


EDITABLE = (Status.DRAFT,)


def missing_for_submission(details: EventDetails, speakers: list[SpeakerDetails]) -> dict[str, str]:
    """What an organiser still has to fill in before the request can be reviewed."""
    missing: dict[str, str] = {}
    if not details.title.strip():
        missing["title"] = "Enter the event's title."
    if details.starts_at is None:
        missing["starts_at"] = "Enter the date and start time of the event."
    if not details.venue.strip():
        missing["venue"] = "Enter the venue, or the online platform for an online event."
    if details.format not in EventFormat.values:
        missing["format"] = "Choose in person, online or hybrid."
    if details.expected_audience is None:
        missing["expected_audience"] = "Enter the expected audience size (an estimate is fine)."
    if not details.organising_body.strip():
        missing["organising_body"] = "Enter the department, team or society organising the event."
    if not [s for s in speakers if s.name.strip()]:
        missing["speakers"] = "Add at least one external speaker."
    elif [s for s in speakers if s.name.strip() and not s.topic.strip()]:
        missing["speakers"] = "Give each speaker's topic."
    return missing


def speaker_name_errors(speakers: list[SpeakerDetails]) -> dict[str, str]:
    """``{"speakers.<i>.name": message}`` for each written name with no letter, by list position.

    A name made only of invisible characters, punctuation or marks ("\\u200b", "!!!", "\\u0301")
    has no search tokens, so its shared check could never be found: refused here for the page,
    the API and (through `csv_format`) the CSV import alike, using the folding that search uses
    (`sharing.names.has_a_letter`). Blank names are not judged here (they are simply left out).
    """
    return {
        f"speakers.{i}.name": NEEDS_A_LETTER
        for i, s in enumerate(speakers)
        if s.name.strip() and not has_a_letter(s.name)
    }


def _require_names_with_letters(speakers: list[SpeakerDetails]) -> None:
    errors = speaker_name_errors(speakers)
    if errors:
        raise ValidationError(errors)


def _require_organiser(actor: User, event_request: EventRequest | None) -> None:
    membership = rights.membership_of(actor)
    if event_request is None:
        rights.require_submitter(membership)
        return
    rights.require_owner(membership, event_request)
    if event_request.status not in EDITABLE:
        raise ValidationError({"status": "This request has been submitted and can no longer be edited."})


def _write(actor: User, event_request: EventRequest | None, details: EventDetails, speakers: list[SpeakerDetails]):
    created = event_request is None
    event_request = event_request or EventRequest(organiser=actor)
    for field in fields(EventDetails):
        value = getattr(details, field.name)
        setattr(event_request, field.name, value.strip() if isinstance(value, str) else value)
    event_request.updated_at = timezone.now()
    event_request.save()
    if created:
        event_request.reference = f"SR-{event_request.pk:05d}"
        event_request.save(update_fields=["reference"])
    event_request.speakers.all().delete()
    Speaker.objects.bulk_create(
        Speaker(request=event_request, position=i, **{f.name: getattr(s, f.name).strip() for f in fields(s)})
        for i, s in enumerate(speakers)
        if s.name.strip()
    )
    return event_request


def event_request_save_draft(
    *, actor: User, event_request: EventRequest | None = None, details: EventDetails, speakers: list[SpeakerDetails]
) -> EventRequest:
    """Create or update the organiser's draft; only a title is needed to save one."""
    _require_organiser(actor, event_request)
    if not details.title.strip():
        raise ValidationError({"title": "Give the draft a title so you can find it again."})
    _require_names_with_letters(speakers)
    with transaction.atomic():
        event_request = _write(actor, event_request, details, speakers)
        audit_record(
            action="speakers.request.save_draft",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
        )
    return event_request


def _notice(details: EventDetails, short_notice_reason: str, now: datetime) -> tuple[int, bool]:
    errors: dict[str, str] = {}
    if details.starts_at <= now:
        errors["starts_at"] = "The event's date is in the past; enter a future date and time."
    minimum = procedure_config().minimum_notice_working_days
    days = working_days_notice(timezone.localdate(now), timezone.localdate(details.starts_at))
    if not errors and days < minimum and not short_notice_reason.strip():
        errors["short_notice_reason"] = (
            f"This is {days} working days' notice; the procedure asks for {minimum}. "
            "You can still submit: explain why the notice is short."
        )
    if errors:
        raise ValidationError(errors)
    return days, days >= minimum


def event_request_submit(
    *,
    actor: User,
    event_request: EventRequest | None = None,
    details: EventDetails,
    speakers: list[SpeakerDetails],
    short_notice_reason: str = "",
    now: datetime | None = None,
) -> EventRequest:
    """Submit for review. Short notice is allowed but flagged, and then needs a reason."""
    _require_organiser(actor, event_request)
    missing = missing_for_submission(details, speakers) | speaker_name_errors(speakers)
    if missing:
        raise ValidationError(missing)
    now = now or timezone.now()
    days, met = _notice(details, short_notice_reason, now)
    with transaction.atomic():
        event_request = _write(actor, event_request, details, speakers)
        event_request.status = Status.SUBMITTED
        event_request.submitted_at = now
        event_request.notice_working_days = days
        event_request.notice_met = met
        event_request.short_notice_reason = "" if met else short_notice_reason.strip()
        event_request.save()
        audit_record(
            action="speakers.request.submit",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"notice_working_days": days, "notice_met": met},
        )
    return event_request


def event_request_withdraw(
    *, actor: User, event_request: EventRequest, reason: str, speaker_not_invited: bool = False
) -> Decision:
    """The organiser withdraws the request, or records a decision not to invite the speaker."""
    membership = rights.membership_of(actor)
    rights.require_owner_or_reviewer(membership, event_request)
    if event_request.status in (Status.DECIDED, Status.WITHDRAWN):
        raise ValidationError({"status": "This request already has an outcome."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is withdrawn or the speaker not invited."})
    outcome = Outcome.SPEAKER_NOT_INVITED if speaker_not_invited else Outcome.WITHDRAWN
    with transaction.atomic():
        decision = Decision.objects.create(
            request=event_request, outcome=outcome, decided_by=actor, decider_roles=membership.roles, reasons=reason
        )
        event_request.status = Status.WITHDRAWN
        event_request.updated_at = timezone.now()
        event_request.save(update_fields=["status", "updated_at"])
        audit_record(
            action="speakers.request.withdraw",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            target=event_request,
            detail={"outcome": outcome},
        )
    return decision
