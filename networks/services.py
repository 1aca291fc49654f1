"""Writes for networks: invitations and membership (public), meetings, agenda, papers, minutes, actions (the
network's own schema). Each service is atomic and writes its audit event (ids and codes only) in the same
transaction; each raises `ValidationError` keyed by the field to fix, and writes nothing when it does.

Rights (which scope) are checked by the pages and the API before they call these; the services check
what only they can see (this invitation is to *this* organisation, this owner is a member now).
Practices: Wolverhampton's regional co-ordination, Leeds' Silver group, Regent's Safer Parks Group,
the GUS safeguarding committee and the London Regional Network (networks/README.md).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import today
from networks import notices, selectors
from networks.models import Action, ActionStatus, AgendaItem, Meeting, Paper, StandingItem
from sharing.revocation import network_membership_changed
from tenants.models import (
    LinkKind,
    NetworkInvitation,
    NetworkInvitationStatus,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    User,
)
from tenants.services import LINK_RULES

INVITATION_DAYS = 30
CONVENING_KINDS = frozenset({OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP})

# --- Membership: invitations, leaving, removal (public schema) ------------------------------------


def _require_network(network: Organisation, field: str = "network") -> None:
    if network.kind not in CONVENING_KINDS:
        raise ValidationError({field: f"{network} is not a network or group, so it has no member organisations."})


def invitation_create(
    *,
    actor: User | None,
    network: Organisation,
    invited: Organisation | None,
    message: str = "",
    days: int = INVITATION_DAYS,
) -> NetworkInvitation:
    """Invite `invited` to become a member of `network`; it waits for the invited organisation's admin.

    Raises ValidationError on `invited` when none is chosen, it is the network itself, already a
    member, already has an invitation waiting, or is of a kind that cannot be a member; on `network`
    when the inviting organisation is not a network or group. The invitation expires after `days`.
    """
    _require_network(network)
    if invited is None:
        raise ValidationError({"invited": "Choose the organisation to invite."})
    if invited.pk == network.pk:
        raise ValidationError({"invited": "A network cannot invite itself: choose another organisation."})
    if invited.kind not in LINK_RULES[LinkKind.MEMBER_OF][0]:
        raise ValidationError(
            {"invited": f"{invited} cannot be a member of a network; choose a provider, partner or group."}
        )
    if selectors.member_organisations(network).filter(pk=invited.pk).exists():
        raise ValidationError({"invited": f"{invited} is already a member of {network}."})
    now = timezone.now()
    with transaction.atomic():
        waiting = NetworkInvitation.objects.select_for_update(no_key=True).filter(
            network=network, invited=invited, status=NetworkInvitationStatus.PENDING
        )
        for old in waiting:
            if old.is_open(now):
                raise ValidationError(
                    {"invited": f"{invited} already has an invitation waiting, until {old.expires_at:%d %B %Y}."}
                )
            old.status = NetworkInvitationStatus.WITHDRAWN  # expired: make way for the new one
            old.save(update_fields=["status"])
        invitation = NetworkInvitation.objects.create(
            network=network,
            invited=invited,
            message=message.strip()[:2000],
            invited_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            action="network.invitation_create",
            actor=actor,
            organisation_id=network.pk,
            target=invitation,
            detail={"network": network.pk, "invited": invited.pk},
        )
    return invitation


def _open_invitation(invitation: NetworkInvitation) -> NetworkInvitation:
    locked = NetworkInvitation.objects.select_for_update(no_key=True).get(pk=invitation.pk)
    if locked.status != NetworkInvitationStatus.PENDING:
        raise ValidationError({"invitation": f"This invitation was already {locked.get_status_display().lower()}."})
    if not locked.is_open():
        raise ValidationError(
            {
                "invitation": (
                    f"This invitation expired on {locked.expires_at:%d %B %Y}; ask the network's co-ordinator "
                    "to invite you again."
                )
            }
        )
    return locked


def invitation_answer(
    *, actor: User | None, organisation: Organisation, invitation: NetworkInvitation, accept: bool
) -> NetworkInvitation:
    """The invited organisation (`organisation`, on its own host) accepts or declines.

    Accepting creates the `member_of` link and re-decides the keys between the two
    (`sharing.revocation.network_membership_changed`) in the same transaction. Raises
    ValidationError on `invitation` when it is not to `organisation`, was answered, or expired.
    """
    if invitation.invited_id != organisation.pk:
        raise ValidationError({"invitation": "This invitation is not to your organisation."})
    with transaction.atomic():
        invitation = _open_invitation(invitation)
        invitation.status = NetworkInvitationStatus.ACCEPTED if accept else NetworkInvitationStatus.DECLINED
        invitation.answered_at = timezone.now()
        invitation.answered_by = actor
        invitation.save(update_fields=["status", "answered_at", "answered_by"])
        if accept:
            _, created = OrganisationLink.objects.get_or_create(
                source=organisation, target_id=invitation.network_id, kind=LinkKind.MEMBER_OF
            )
            if not created:
                raise ValidationError({"invitation": "Your organisation is already a member of this network."})
            network_membership_changed(network_id=invitation.network_id, member_id=organisation.pk)
        audit_record(
            action="network.invitation_accept" if accept else "network.invitation_decline",
            actor=actor,
            organisation_id=organisation.pk,
            target=invitation,
            detail={"network": invitation.network_id, "invited": organisation.pk},
        )
    return invitation


def invitation_withdraw(*, actor: User | None, network: Organisation, invitation: NetworkInvitation) -> None:
    """The network withdraws an invitation still waiting for an answer."""
    if invitation.network_id != network.pk:
        raise ValidationError({"invitation": "This invitation was not sent by this network."})
    with transaction.atomic():
        invitation = _open_invitation(invitation)
        invitation.status = NetworkInvitationStatus.WITHDRAWN
        invitation.save(update_fields=["status"])
        audit_record(
            action="network.invitation_withdraw",
            actor=actor,
            organisation_id=network.pk,
            target=invitation,
            detail={"network": network.pk, "invited": invitation.invited_id},
        )


def membership_end(*, actor: User | None, network: Organisation, member: Organisation, reason: str) -> None:
    """`member` leaves `network` (reason "left", its admin) or is removed (reason "removed", the co-ordinator).

    In one transaction the `member_of` link goes and `network_membership_changed` ends whatever keys
    the membership gave (figures and summaries shared to the network under an agreement). Past
    minutes and actions owned by the member stay in the network's records. Raises ValidationError
    on `network` when `member` is not a member now.
    """
    if reason not in {"left", "removed"}:
        raise ValueError(f"reason must be 'left' or 'removed', not {reason!r}")
    with transaction.atomic():
        deleted, _ = OrganisationLink.objects.filter(source=member, target=network, kind=LinkKind.MEMBER_OF).delete()
        if not deleted:
            raise ValidationError({"network": f"{member} is not a member of {network} (any more)."})
        changes = network_membership_changed(network_id=network.pk, member_id=member.pk)
        audit_record(
            action=f"network.member_{reason}",
            actor=actor,
            organisation_id=network.pk if reason == "removed" else member.pk,
            target_type="tenants.organisation",
            target_id=member.pk,
            detail={"network": network.pk, "member": member.pk, "grants_ended": changes.grants_ended},
        )


# --- Meetings and agenda (the network's schema) -----------------------------------------------


@dataclass(frozen=True)
class MeetingData:
    title: str
    starts_at: dt.datetime
    duration_minutes: int = 90
    location: str = ""
    online_link: str = ""
    record_past: bool = False  # recording a meeting that already took place (for the record)


def _clean_text(value: str) -> str:
    """Strip invisible characters (zero-width, NBSP as space) and surrounding space; keep letters as typed."""
    value = unicodedata.normalize("NFC", value or "").replace("\u00a0", " ")
    return re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", value).strip()


def _check_meeting(data: MeetingData, now: dt.datetime) -> dict[str, str]:
    errors = {}
    if not _clean_text(data.title):
        errors["title"] = "Give the meeting a title, e.g. 'Network meeting: spring term'."
    if data.starts_at is None:
        errors["starts_at"] = "Give the date and time the meeting starts."
    elif timezone.is_naive(data.starts_at):
        raise ValueError("starts_at must be an aware datetime")
    elif not data.record_past and data.starts_at <= now:
        errors["starts_at"] = (
            f"{timezone.localtime(data.starts_at):%d %B %Y %H:%M} is in the past: choose a date and time after now, "
            "or tick 'already took place' to record a past meeting."
        )
    elif data.record_past and data.starts_at > now:
        errors["starts_at"] = "A meeting recorded as already held must have started before now."
    if not 5 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "Give a length between 5 minutes and 24 hours."
    if not _clean_text(data.location) and not data.online_link:
        errors["location"] = "Give a place, an online link, or both."
    if data.online_link and not data.online_link.startswith("https://"):
        errors["online_link"] = "Give an https:// link to join online."
    return errors


def meeting_schedule(
    *, actor: User | None, network: Organisation, data: MeetingData, agenda: list[str] | tuple[str, ...] = ()
) -> Meeting:
    """Schedule a meeting of the network (the current schema must be `network`'s).

    Its agenda starts with every active standing item, in order, then `agenda`. Raises
    ValidationError on `starts_at` for a past time scheduled as future, on `location` when there is
    neither a place nor a link, on `title`, `duration_minutes` and `online_link`.
    """
    errors = _check_meeting(data, timezone.now())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=_clean_text(data.title)[:200],
            starts_at=data.starts_at,
            duration_minutes=data.duration_minutes,
            location=_clean_text(data.location)[:200],
            online_link=data.online_link,
            created_by=actor,
        )
        position = 0
        for position, standing in enumerate(StandingItem.objects.filter(active=True), start=1):
            AgendaItem.objects.create(meeting=meeting, title=standing.title, position=position, standing_item=standing)
        for offset, title in enumerate([_clean_text(t) for t in agenda if _clean_text(t)], start=1):
            AgendaItem.objects.create(meeting=meeting, title=title[:200], position=position + offset)
        audit_record(
            action="network.meeting_schedule",
            actor=actor,
            organisation_id=network.pk,
            target=meeting,
            detail={"meeting": meeting.pk, "past": data.record_past},
        )
    return meeting


def agenda_item_add(
    *, actor: User | None, network: Organisation, meeting: Meeting, title: str, notes: str = "", standing: bool = False
) -> AgendaItem:
    """Add an item to a meeting's agenda; `standing=True` also makes it recur in every meeting scheduled later."""
    title = _clean_text(title)
    if not title:
        raise ValidationError({"title": "Give the agenda item a title."})
    if len(title) > 200:
        raise ValidationError({"title": f"Keep the title to 200 characters (it has {len(title)})."})
    with transaction.atomic():
        standing_item = None
        if standing:
            standing_item, _ = StandingItem.objects.get_or_create(title=title, defaults={"position": 100})
            if not standing_item.active:
                standing_item.active = True
                standing_item.save(update_fields=["active"])
        last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0
        item = AgendaItem.objects.create(
            meeting=meeting, title=title, notes=_clean_text(notes), position=last + 1, standing_item=standing_item
        )
        audit_record(
            action="network.agenda_item_add",
            actor=actor,
            organisation_id=network.pk,
            target=item,
            detail={"meeting": meeting.pk, "standing": standing},
        )
    return item


def standing_item_set_active(*, actor: User | None, network: Organisation, item: StandingItem, active: bool) -> None:
    """Stop (or resume) a standing item recurring in meetings scheduled from now on; past agendas keep it."""
    with transaction.atomic():
        item.active = active
        item.save(update_fields=["active"])
        audit_record(
            action="network.standing_item_active" if active else "network.standing_item_retire",
            actor=actor,
            organisation_id=network.pk,
            target=item,
            detail={"standing_item": item.pk},
        )


# --- Papers --------------------------------------------------------------------------------

MAX_PAPER_BYTES = 5 * 1024 * 1024
# Extension -> (content type served, a check of the file's first bytes).
PAPER_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".txt": ("text/plain; charset=utf-8", None),
}


def _safe_file_name(name: str) -> str:
    base = _clean_text(name.replace("\\", "/").rsplit("/", 1)[-1])
    base = re.sub(r"[^\w.\- ]", "_", base, flags=re.UNICODE).strip(". ")
    return base[-150:] or "paper"


def _read_paper(upload: UploadedFile) -> tuple[str, str, bytes]:
    name = _safe_file_name(upload.name or "")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in PAPER_TYPES:
        raise ValidationError(
            {
                "file": (
                    "Upload a PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx) or text file, "
                    f"not '{extension or name}'."
                )
            }
        )
    if upload.size is not None and upload.size > MAX_PAPER_BYTES:
        raise ValidationError({"file": f"The file is {upload.size // 1024} KB; papers can be up to 5 MB."})
    content = upload.read(MAX_PAPER_BYTES + 1)
    if len(content) > MAX_PAPER_BYTES:
        raise ValidationError({"file": "The file is larger than 5 MB; papers can be up to 5 MB."})
    if not content:
        raise ValidationError({"file": "The file is empty."})
    content_type, magic = PAPER_TYPES[extension]
    if magic is not None and not content.startswith(magic):
        raise ValidationError(
            {"file": f"The file does not look like a {extension} file; save it again in that format."}
        )
    if magic is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The text file is not UTF-8 text; save it as UTF-8."}) from None
    return name, content_type, content


def paper_circulate(
    *,
    actor: User | None,
    network: Organisation,
    meeting: Meeting,
    title: str,
    text: str = "",
    upload: UploadedFile | None = None,
) -> Paper:
    """Circulate a paper for a meeting: a file (PDF, DOCX, ODT, XLSX or UTF-8 text, up to 5 MB, checked by
    its first bytes) or text, and tell the network's readers live (the payload names no one).

    The file is kept in the network's own schema (not on a web-served disk) and served only as an
    attachment to those who may read the network. Raises ValidationError on `title`, `file` or `text`.
    """
    title = _clean_text(title)
    if not title:
        raise ValidationError({"title": "Give the paper a title."})
    text = (text or "").strip()
    if upload is None and not text:
        raise ValidationError({"text": "Upload a file or write the paper's text."})
    name, content_type, content = _read_paper(upload) if upload is not None else ("", "", b"")
    with transaction.atomic():
        paper = Paper.objects.create(
            meeting=meeting,
            title=title[:200],
            text=text,
            file_name=name,
            content_type=content_type,
            size=len(content),
            content=content,
            circulated_by=actor,
        )
        audit_record(
            action="network.paper_circulate",
            actor=actor,
            organisation_id=network.pk,
            target=paper,
            detail={"meeting": meeting.pk, "paper": paper.pk, "bytes": len(content)},
        )
        notices.papers_out(network, meeting)
    return paper


# --- Minutes and actions -------------------------------------------------------------------


def minutes_record(*, actor: User | None, network: Organisation, meeting: Meeting, minutes: str) -> Meeting:
    """Record (or correct) a meeting's minutes, once it has started and until they are approved."""
    minutes = (minutes or "").strip()
    if not meeting.is_past:
        raise ValidationError({"minutes": "This meeting has not taken place yet: record its minutes after it starts."})
    if meeting.minutes_approved_at is not None:
        raise ValidationError(
            {
                "minutes": (
                    f"The minutes were approved on {meeting.minutes_approved_at:%d %B %Y}; they can no longer change."
                )
            }
        )
    if not minutes:
        raise ValidationError({"minutes": "Write the minutes: what was discussed and agreed."})
    with transaction.atomic():
        meeting.minutes = minutes
        meeting.minutes_recorded_at = timezone.now()
        meeting.save(update_fields=["minutes", "minutes_recorded_at"])
        audit_record(
            action="network.minutes_record",
            actor=actor,
            organisation_id=network.pk,
            target=meeting,
            detail={"meeting": meeting.pk},
        )
    return meeting


def minutes_approve(*, actor: User | None, network: Organisation, meeting: Meeting) -> Meeting:
    """Approve the recorded minutes (as the next meeting does); they no longer change after this."""
    if not meeting.minutes:
        raise ValidationError({"minutes": "Record the minutes before approving them."})
    if meeting.minutes_approved_at is not None:
        raise ValidationError({"minutes": "These minutes are already approved."})
    with transaction.atomic():
        meeting.minutes_approved_at = timezone.now()
        meeting.minutes_approved_by = actor
        meeting.save(update_fields=["minutes_approved_at", "minutes_approved_by"])
        audit_record(
            action="network.minutes_approve",
            actor=actor,
            organisation_id=network.pk,
            target=meeting,
            detail={"meeting": meeting.pk},
        )
    return meeting


def action_record(
    *,
    actor: User | None,
    network: Organisation,
    meeting: Meeting,
    description: str,
    owner_organisation: Organisation | None,
    due_on: dt.date | None,
    record_past: bool = False,
) -> Action:
    """Record an action agreed at `meeting`, owned by a member organisation of `network` now.

    Raises ValidationError on `owner_organisation` (none, or not a member), `due_on` (none, or before
    today unless `record_past`: recording an action agreed earlier), `description` (empty or over 500).
    """
    errors = {}
    description = _clean_text(description)
    if not description:
        errors["description"] = "Say what is to be done."
    elif len(description) > 500:
        errors["description"] = f"Keep the action to 500 characters (it has {len(description)})."
    if owner_organisation is None:
        errors["owner_organisation"] = "Choose the member organisation that owns this action."
    elif not selectors.member_organisations(network).filter(pk=owner_organisation.pk).exists():
        errors["owner_organisation"] = (
            f"{owner_organisation} is not a member of {network}: choose a member organisation."
        )
    if due_on is None:
        errors["due_on"] = "Give the date the action is due."
    elif due_on < today() and not record_past:
        errors["due_on"] = (
            f"{due_on:%d %B %Y} is before today: choose today or later, or tick 'recording a past action'."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = Action.objects.create(
            meeting=meeting,
            description=description,
            owner_organisation=owner_organisation,
            due_on=due_on,
            created_by=actor,
        )
        audit_record(
            action="network.action_record",
            actor=actor,
            organisation_id=network.pk,
            target=action,
            detail={"meeting": meeting.pk, "owner": owner_organisation.pk},
        )
    return action


def action_set_status(
    *, actor: User | None, network: Organisation, action: Action, status: str, note: str = ""
) -> Action:
    """Mark an action open, done or cancelled, with an optional note of progress."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(ActionStatus.values)}."})
    with transaction.atomic():
        action = Action.objects.select_for_update(no_key=True).get(pk=action.pk)
        action.status = status
        action.closed_at = None if status == ActionStatus.OPEN else timezone.now()
        if _clean_text(note):
            action.update_note = _clean_text(note)[:2000]
        action.save(update_fields=["status", "closed_at", "update_note"])
        audit_record(
            action="network.action_status",
            actor=actor,
            organisation_id=network.pk,
            target=action,
            detail={"action": action.pk, "status": status},
        )
    return action


def standing_item_add(*, actor: User | None, network: Organisation, title: str) -> StandingItem:
    """Make `title` a standing item: it is added to every meeting scheduled from now on (meetings already
    scheduled keep their agenda). An item retired earlier with the same title comes back."""
    title = _clean_text(title)
    if not title:
        raise ValidationError({"title": "Give the standing item a title, e.g. 'Prevent update'."})
    if len(title) > 200:
        raise ValidationError({"title": f"Keep the title to 200 characters (it has {len(title)})."})
    with transaction.atomic():
        item, _ = StandingItem.objects.get_or_create(title=title, defaults={"position": 100})
        standing_item_set_active(actor=actor, network=network, item=item, active=True)
    return item
