"""Writes to the exchange: share, correct, withdraw, approve detail, sweep.

Who may receive what is never decided here: `agreements.policy` answers, and this module
only seals for the organisations it names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agreements.policy import (
    FlowTerms,
    Grant,
    Level,
    Purpose,
    RecordKind,
    SharingDenied,
    access_receive,
    can_receive,
    load_terms,
    recipients_for,
)
from core import crypto
from core.audit import audit_record
from core.live import members_notify
from notifications.kinds import Kind
from notifications.services import notify
from notifications.texts import short
from sharing.keys import (
    agreements_hold,
    blind_tokens,
    channel_get_or_create,
    channel_key_for_sender,
    grants_ensure,
)
from sharing.matches import notify_matches
from sharing.models import (
    ChannelKey,
    DetailRequest,
    DetailRequestStatus,
    Envelope,
    EnvelopeKey,
    ExchangeSettings,
    NameToken,
    SharedCheck,
    ShareMode,
    envelope_identity,
    envelope_key_context,
)
from sharing.names import MAX_NAME_LENGTH, NameQueryError, index_tokens
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope

KIND = RecordKind.SPEAKER_CHECK
PURPOSE = Purpose.SPEAKER_DUE_DILIGENCE


class Projection(Protocol):
    """What a working record hands the exchange (see speakers.projection.DecisionProjection)."""

    request_id: int
    expires_on: str

    def per_speaker(self, *, full: bool = False) -> list[dict[str, Any]]: ...


class NothingToShare(ValidationError):
    pass


def allowed_under_agreement(
    terms: Iterable[FlowTerms], *, agreement_id: int, source_id: int, recipient_id: int, level: int, at: dt.datetime
) -> bool:
    """The policy's answer for one agreement alone: does *this* agreement (not the best one) allow the flow?

    A key wraps a record under one agreement's channel, so opening it (or keeping it) needs that
    agreement to allow it, whatever else may allow the same flow.
    """
    return can_receive(
        [t for t in terms if t.agreement_id == agreement_id],
        source_id=source_id,
        recipient_id=recipient_id,
        kind=KIND,
        level=level,
        purpose=PURPOSE,
        at=at,
    ).allowed


def _require_sharing_role(actor: User | None, organisation: Organisation) -> None:
    if actor is None:
        return  # the system itself (demo seed, imports)
    require_scope(actor, organisation, Scope.EXCHANGE_SHARE)


def settings_for(organisation: Organisation) -> ExchangeSettings:
    return ExchangeSettings.objects.get_or_create(organisation=organisation)[0]


def exchange_settings_update(
    *, actor: User, organisation: Organisation, share_mode: str, automatic_level: int
) -> ExchangeSettings:
    """How this organisation shares: on decision or when asked; at summary (default) or the highest level allowed."""
    require_scope(actor, organisation, Scope.EXCHANGE_SETTINGS)
    errors = {}
    if share_mode not in ShareMode.values:
        errors["share_mode"] = f"Choose one of: {', '.join(ShareMode.values)}."
    if automatic_level not in (Level.SUMMARY, Level.FULL):
        errors["automatic_level"] = "Choose summary or full."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings = settings_for(organisation)
        settings.share_mode, settings.automatic_level = share_mode, automatic_level
        settings.save()
        audit_record(
            action="exchange.settings",
            actor=actor,
            organisation_id=organisation.pk,
            target=settings,
            target_id=organisation.pk,
            detail={"share_mode": share_mode, "automatic_level": automatic_level},
        )
    return settings


def _end_of_day(day: str) -> dt.datetime:
    """Exclusive end of a date-only expiry: 00:00 Europe/London the next day (inclusive meaning, core.dates)."""
    from core.dates import day_ends

    return day_ends(dt.date.fromisoformat(day))


@dataclass
class _Sealed:
    envelope: Envelope
    data_key: bytes


def _seal(check: SharedCheck, level: int, record: dict[str, Any]) -> _Sealed:
    data_key = crypto.new_data_key()
    payload = crypto.canonical_json({**record, "level": Level(level).code})
    envelope = Envelope.objects.create(
        check_row=check,
        level=level,
        sealed=crypto.seal(data_key, payload, associated_data=envelope_identity(check, level)),
    )
    return _Sealed(envelope, data_key)


def _wrap(sealed: _Sealed, channel: ChannelKey, channel_secret: bytes, expires_at: dt.datetime) -> EnvelopeKey:
    return EnvelopeKey(
        envelope=sealed.envelope,
        channel=channel,
        wrapped_data_key=crypto.seal(
            channel_secret, sealed.data_key, associated_data=envelope_key_context(sealed.envelope.pk, channel.pk)
        ),
        expires_at=expires_at,
    )


def check_share(
    *, actor: User | None, source: Organisation, projection: Projection, automatic: bool = False
) -> list[SharedCheck]:
    """Share a decided request's checks (one per speaker) with every organisation the policy allows.

    A request shared before is shared again as a correction: a new version, the old one kept
    in the source's history and closed to recipients. Raises NothingToShare (nothing stored)
    when no agreement lets anyone receive. `automatic`: the organisation's own setting shares
    on decision, so the decider (e.g. a senior decision-maker) needs no sharing role.
    """
    if not automatic:
        _require_sharing_role(actor, source)
    grants = recipients_for(source_id=source.pk, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE)
    if not grants:
        raise NothingToShare(
            "No active information-sharing agreement lets another organisation receive speaker checks "
            f"from {source}; nothing was shared. Agree and sign one first, or keep the check internal."
        )
    automatic = Level(settings_for(source).automatic_level)
    summaries, fulls = projection.per_speaker(full=False), projection.per_speaker(full=True)
    expires_at = _end_of_day(projection.expires_on)
    with transaction.atomic():
        _shares_of_one_request_take_turns(source.pk, projection.request_id)
        grants = recipients_held(source, grants)
        checks = [
            _share_one(
                actor,
                source,
                f"request:{projection.request_id}/speaker:{n}",
                summary,
                full,
                grants,
                automatic,
                expires_at,
            )
            for n, (summary, full) in enumerate(zip(summaries, fulls, strict=True), start=1)
        ]
        for recipient_id in {g.recipient_id for g in grants}:
            # Those who may open what was shared: searchers of the exchange (review1: not every member).
            _notify(
                recipient_id,
                {"event": "exchange.shared", "source": source.name, "count": len(checks)},
                scope=Scope.EXCHANGE_SEARCH,
            )
        # Stored with the share: recipients' searchers hear of matches with their open requests.
        notify_matches(source=source, recipient_ids={g.recipient_id for g in grants}, checks=checks)
    return checks


# Names the advisory locks of `_shares_of_one_request_take_turns` (two-key form: its own key space).
_SHARE_LOCK_CLASS = 0x53484152  # "SHAR"


def _shares_of_one_request_take_turns(source_id: int, request_id: int) -> None:
    """Hold, until the transaction ends, a lock on sharing this request of this source.

    Two shares of one request at once (a double click, two tabs) both found no current
    version, both wrote version 1, and one failed on the unique constraint with a server
    error (found by bench/load_mixed.py). Locking the missing row locks nothing, so this
    locks the request: the second share waits, then writes version 2 as a correction.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_SHARE_LOCK_CLASS, f"{source_id}:{request_id}"]
        )


def recipients_held(source: Organisation, grants: list[Grant]) -> list[Grant]:
    """The policy's recipients asked again while holding their agreements' rows (see `agreements_hold`).

    A change that ends access (and retires channels) and this share then never interleave, so
    nothing is sealed under a channel a removed organisation still holds. Call inside `atomic`.
    """
    agreements_hold(g.agreement_id for g in grants)
    grants = recipients_for(source_id=source.pk, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE)
    agreements_hold(g.agreement_id for g in grants)  # any agreement that became active meanwhile
    if not grants:
        raise NothingToShare(
            f"No active information-sharing agreement lets another organisation receive speaker checks from {source} "
            "any more (an agreement changed a moment ago); nothing was shared."
        )
    return grants


def _share_one(
    actor: User | None,
    source: Organisation,
    ref: str,
    summary: dict[str, Any],
    full: dict[str, Any],
    grants: list[Grant],
    automatic: Level,
    expires_at: dt.datetime,
) -> SharedCheck:
    # no_key: a NO KEY UPDATE lock still makes shares of one version take turns, but lets a search
    # that is committing an opening of this check (its foreign key check takes KEY SHARE, after the
    # search took the audit chain's lock) finish first. FOR UPDATE made the two wait on each other:
    # a deadlock and a server error under bench/load_mixed.py.
    previous = (
        SharedCheck.objects.select_for_update(no_key=True)
        .filter(source=source, kind=KIND, source_ref=ref, recipient__isnull=True, is_current=True)
        .first()
    )
    if previous is not None:
        _close_to_recipients(previous)
    check = SharedCheck.objects.create(
        source=source,
        source_ref=ref,
        version=previous.version + 1 if previous else 1,
        shared_by=actor,
        expires_at=expires_at,
    )
    sealed = {Level.SUMMARY: _seal(check, Level.SUMMARY, summary), Level.FULL: _seal(check, Level.FULL, full)}
    keys = _archive_keys(source, sealed, expires_at)
    by_channel: dict[tuple[int, int], list[Grant]] = defaultdict(list)
    for grant in grants:
        by_channel[(grant.agreement_id, min(grant.max_level, automatic))].append(grant)
    for (agreement_id, level), channel_grants in by_channel.items():
        channel, secret = channel_get_or_create(agreement_id=agreement_id, sender_id=source.pk, level=level)
        grants_ensure(channel, secret, [g.recipient_id for g in channel_grants])
        retention = min(expires_at, timezone.now() + dt.timedelta(days=min(g.retention_days for g in channel_grants)))
        keys.append(_wrap(sealed[Level(level)], channel, secret, retention))
    EnvelopeKey.objects.bulk_create(keys)
    NameToken.objects.bulk_create(NameToken(check_row=check, digest=digest) for digest in name_digests(summary))
    audit_record(
        action="exchange.share" if previous is None else "exchange.correct",
        actor=actor,
        organisation_id=source.pk,
        target=check,
        detail={
            "version": check.version,
            "recipients": sorted({g.recipient_id for g in grants}),
            "agreements": sorted({g.agreement_id for g in grants}),
        },
    )
    return check


def name_digests(record: dict[str, Any], *, key: bytes | None = None) -> list[str]:
    """Blind-index digests of a record's speaker name; none (unsearchable) for a name with no letters."""
    try:
        return blind_tokens(index_tokens(str(record.get("speaker_name", ""))[:MAX_NAME_LENGTH]), key=key)
    except NameQueryError:
        return []


def _archive_keys(source: Organisation, sealed: dict[Level, _Sealed], expires_at: dt.datetime) -> list[EnvelopeKey]:
    """The source keeps a key to both levels of what it shared (its history, and full detail on request)."""
    channel, secret = channel_get_or_create(agreement_id=None, sender_id=source.pk, level=Level.FULL)
    grants_ensure(channel, secret, [source.pk])
    return [_wrap(item, channel, secret, expires_at) for item in sealed.values()]


def _close_to_recipients(check: SharedCheck) -> None:
    """Recipients lose every key to this check at once; the source keeps its archive copy."""
    check.is_current = False
    check.save(update_fields=["is_current"])
    EnvelopeKey.objects.filter(envelope__check_row=check, channel__agreement__isnull=False).delete()
    NameToken.objects.filter(check_row=check).delete()


ALREADY_WITHDRAWN = "This check is already withdrawn: no other organisation can open it. Nothing more to do."
REPLACED_NOT_WITHDRAWN = (
    "This version was replaced by a correction, so recipients no longer see it. Withdraw the current version instead."
)
ALREADY_LAPSED = "This check has lapsed and its keys were destroyed: nobody can open it. Nothing to withdraw."
ALREADY_ASKED = "You already asked {source} for the full detail of this check; waiting for {source} to answer."


def check_withdraw(*, actor: User, check: SharedCheck, reason: str) -> SharedCheck:
    """Withdraw our current check: every recipient loses access at once (ValidationError, naming
    the field, for no reason, an already withdrawn check or a replaced version)."""
    _require_sharing_role(actor, check.source)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the check is withdrawn; recipients' access ends at once."})
    with transaction.atomic():
        check = SharedCheck.objects.select_for_update(no_key=True).get(pk=check.pk)  # see _share_one
        if check.withdrawn_at is not None:
            # A double click, or two people at once: the first withdrawal stands.
            raise ValidationError({"check": ALREADY_WITHDRAWN})
        if check.destroyed_at is not None:
            raise ValidationError({"check": ALREADY_LAPSED})
        if not check.is_current:
            raise ValidationError({"check": REPLACED_NOT_WITHDRAWN})
        _close_to_recipients(check)
        check.withdrawn_at = timezone.now()
        check.save(update_fields=["withdrawn_at"])
        audit_record(
            action="exchange.withdraw",
            actor=actor,
            organisation_id=check.source_id,
            target=check,
            detail={"reason": reason.strip()[:500]},
        )
    return check


def detail_request_create(*, actor: User, organisation: Organisation, check: SharedCheck, reason: str) -> DetailRequest:
    """Ask a check's source for full detail. Only for checks the asker may already see in summary."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why you need the full detail (e.g. the event you are deciding on)."})
    try:
        access_receive(
            source_id=check.source_id, recipient_id=organisation.pk, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE
        )
    except SharingDenied as denied:
        _audit_denial(actor, organisation.pk, check, denied, action="exchange.detail_request_denied")
        raise
    with transaction.atomic():
        # One open question per organisation and check: a second one (a double click, or a
        # colleague) would only ask the source twice. The check's row is locked so two at once
        # cannot both pass.
        SharedCheck.objects.select_for_update(no_key=True).filter(pk=check.pk).first()  # see _share_one
        if DetailRequest.objects.filter(
            check_row=check, requester_organisation=organisation, status=DetailRequestStatus.PENDING
        ).exists():
            raise ValidationError({"reason": ALREADY_ASKED.format(source=check.source.name)})
        request = DetailRequest.objects.create(
            check_row=check, requester_organisation=organisation, requester=actor, reason=reason.strip()
        )
        audit_record(
            action="exchange.detail_request",
            actor=actor,
            organisation_id=organisation.pk,
            target=request,
            detail={"check": check.pk, "source": check.source_id},
        )
        notify(
            Kind.DETAIL_REQUESTED,
            organisation=check.source,
            scope=Scope.EXCHANGE_ANSWER_DETAIL,
            text=f"{short(organisation.name)} asked for the full detail of one of our shared speaker checks",
            url="/exchange/requests/",
            object_id=request.pk,
        )
    return request


def _audit_denial(actor: User, organisation_id: int, check: SharedCheck, denied: SharingDenied, *, action: str) -> None:
    """The policy's reason for a refusal, in the log of the acting organisation (ids and the code only)."""
    audit_record(
        action=action,
        actor=actor,
        organisation_id=organisation_id,
        target=check,
        detail={"check": check.pk, "source": check.source_id, "reason": denied.reason.value},
    )


def detail_request_decide(*, actor: User, request: DetailRequest, approve: bool, note: str = "") -> DetailRequest:
    """The source approves (a full share to the asker alone, if an agreement allows full) or declines."""
    check = request.check_row
    require_scope(actor, check.source, Scope.EXCHANGE_ANSWER_DETAIL)
    if request.status != DetailRequestStatus.PENDING:
        raise ValidationError({"request": "This request has already been answered."})
    decision = None
    if approve:
        try:
            decision = access_receive(
                source_id=check.source_id,
                recipient_id=request.requester_organisation_id,
                kind=KIND,
                level=Level.FULL,
                purpose=PURPOSE,
            )
        except SharingDenied as denied:
            _audit_denial(actor, check.source_id, check, denied, action="exchange.detail_full_denied")
            raise ValidationError(
                {
                    "request": "No active agreement allows full detail to this organisation; "
                    "decline, or agree a full-level flow first."
                }
            ) from denied
    with transaction.atomic():
        if decision is not None:
            _share_full_to(check, request.requester_organisation_id, decision.agreement_id, decision.retention_days)
        request.status = DetailRequestStatus.APPROVED if approve else DetailRequestStatus.DECLINED
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
        request.save()
        audit_record(
            action=f"exchange.detail_{request.status}",
            actor=actor,
            organisation_id=check.source_id,
            target=request,
            detail={"check": check.pk, "agreement": decision.agreement_id if decision else None},
        )
        answer = "approved" if approve else "declined"
        notify(
            Kind.DETAIL_ANSWERED,
            organisation=request.requester_organisation,
            scope=Scope.EXCHANGE_DETAIL_REQUESTS,
            text=f"{short(check.source.name)} {answer} our request for the full detail of a shared speaker check",
            url=f"/exchange/checks/{check.pk}/" if approve else "/exchange/requests/",
            object_id=request.pk,
        )
    return request


def _share_full_to(check: SharedCheck, recipient_id: int, agreement_id: int, retention_days: int) -> None:
    """Wrap the full envelope for `recipient_id` alone under `agreement_id`. Call inside `atomic`.

    The agreement's row is held and the policy asked again first, so an agreement change that
    ended this access a moment ago is seen here (ValidationError, nothing written).
    """
    agreements_hold([agreement_id])
    if not allowed_under_agreement(
        load_terms(source_id=check.source_id, kind=KIND, recipient_id=recipient_id),
        agreement_id=agreement_id,
        source_id=check.source_id,
        recipient_id=recipient_id,
        level=Level.FULL,
        at=timezone.now(),
    ):
        raise ValidationError({"request": "The agreement that allowed full detail changed a moment ago; try again."})
    envelope = check.envelopes.get(level=Level.FULL)
    archive = EnvelopeKey.objects.select_related("channel__sender_key").get(
        envelope=envelope, channel__agreement__isnull=True
    )
    archive_secret = channel_key_for_sender(archive.channel)
    data_key = crypto.open_sealed(
        archive_secret,
        bytes(archive.wrapped_data_key),
        associated_data=envelope_key_context(envelope.pk, archive.channel_id),
    )
    channel, secret = channel_get_or_create(
        agreement_id=agreement_id, sender_id=check.source_id, level=Level.FULL, recipient_id=recipient_id
    )
    grants_ensure(channel, secret, [recipient_id])
    expires = min(check.expires_at, timezone.now() + dt.timedelta(days=retention_days))
    EnvelopeKey.objects.bulk_create(
        [_wrap(_Sealed(envelope, data_key), channel, secret, expires)], ignore_conflicts=True
    )


def _notify(organisation_id: int, payload: dict[str, Any], *, scope: Scope) -> None:
    """Tell the organisation's members holding `scope` now (required), after commit (`core.live.members_notify`)."""
    schema = Organisation.objects.values_list("schema_name", flat=True).get(pk=organisation_id)
    members_notify(schema=schema, payload=payload, scope=scope)
