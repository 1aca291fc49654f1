"""Shared records of kinds other than speaker checks (`referral`, `partner_report`, ...), through the exchange.

Each record is sealed for exactly ONE recipient: a `SharedCheck` row with `recipient` set, one
`Envelope` at the level shared, and its data key wrapped under that recipient's own channel
(agreement, sender, level, recipient, kind, purpose). Another recipient of the same source holds
no grant on that channel, so with the database and its own private key it still cannot open it.
The source keeps an archive key (its own history, and retention).

Who may receive is never decided here: `agreements.policy` answers, for the kind, level and
purpose asked, both when sealing (`record_share`) and on every open (`records_received`,
`record_open`), for the agreement of the key used. Ending access is the exchange's usual key
operation (`sharing.revocation`, kind-aware): when an agreement ends, a party leaves or a level is
lowered, the recipient's grants on these channels go in the same transaction and the channel is
retired, so nothing sealed later opens with a key it held.

Nothing here checks the acting person's rights inside their organisation: callers (referrals,
partners) ask their own scopes first. Audit events carry ids and codes only, never content.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from agreements.models import Agreement
from agreements.policy import (
    DenyReason,
    FlowTerms,
    Level,
    RecordKind,
    SharingDenied,
    access_receive,
    can_receive,
    load_terms_for_recipient,
)
from core import crypto
from core.audit import audit_record, audit_record_many
from core.keyring import secret_get_or_create
from sharing.keys import (
    agreements_hold,
    channel_get_or_create,
    channel_key_for_recipient,
    grants_ensure,
    own_exchange_private,
)
from sharing.models import (
    ChannelGrant,
    CheckOpened,
    Envelope,
    EnvelopeKey,
    NameToken,
    SharedCheck,
    envelope_identity,
    envelope_key_context,
)
from tenants.models import Organisation, User

__all__ = [
    "RecordDamaged",
    "RecordView",
    "pseudonym",
    "record_open",
    "record_share",
    "record_withdraw",
    "records_destroy",
    "records_received",
    "records_shared",
]

PSEUDONYM_SECRET = "sharing.record-pseudonym.v1"  # noqa: S105 (the name of a secret, not a secret)
MAX_REF_LENGTH = 80


class RecordDamaged(Exception):  # noqa: N818 (a state of the stored record)
    """The record's envelope failed its integrity check (edited or swapped rows). Audited; nothing shown."""

    def __init__(self) -> None:
        super().__init__("This shared record failed its integrity check and cannot be opened.")


@dataclass
class RecordView:
    """A record as its reader opened it. `data` is exactly the dict shared (dates as ISO strings)."""

    id: int
    version: int
    kind: str
    level: Level
    source_id: int
    source_name: str
    ref: str
    shared_at: dt.datetime
    expires_at: dt.datetime
    agreement_id: int | None
    agreement_title: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def level_code(self) -> str:
        return self.level.code


# --- pseudonyms ----------------------------------------------------------------------------


def pseudonym(*, source_id: int, ref: str, recipient_id: int) -> str:
    """A stable pseudonym for the source's record `ref` as `recipient_id` sees it: "CASE-7K2Q-9XDM".

    A keyed HMAC (a platform secret wrapped by the master key, `core.keyring`) over the source,
    the ref and the recipient: the same for every update sent to one recipient, different for
    every recipient, and nothing stored links one recipient's pseudonym to another's.
    """
    identity = crypto.associated_data(pseudonym="record-v1", source=source_id, ref=ref, recipient=recipient_id)
    return crypto.pseudonym(secret_get_or_create(PSEUDONYM_SECRET), identity)


# --- sharing -------------------------------------------------------------------------------


def _check_arguments(kind: str, ref: str, source: Organisation, recipient: Organisation, level: int) -> Level:
    if kind == RecordKind.SPEAKER_CHECK or kind not in RecordKind.values:
        raise ValueError(f"sharing.records carries kinds other than speaker checks, not {kind!r}.")
    if not ref or len(ref) > MAX_REF_LENGTH:
        raise ValueError(f"A record's ref must be 1 to {MAX_REF_LENGTH} characters (ids only, no personal data).")
    if source.pk == recipient.pk:
        raise ValueError("An organisation does not share a record with itself.")
    return Level(level)


def _payload(record: dict[str, Any]) -> bytes:
    return json.dumps(record, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode("utf-8")


def record_share(
    *,
    actor: User | None,
    source: Organisation,
    kind: str,
    purpose: str,
    ref: str,
    recipient: Organisation,
    level: int,
    record: dict[str, Any],
    expires_at: dt.datetime | None = None,
) -> SharedCheck:
    """Seal `record` at `level` for `recipient` alone, if the policy allows it now.

    Raises `SharingDenied` (nothing stored; log `exc.reason`) when no agreement in force lets
    `recipient` receive `kind` at `level` for `purpose` from `source`. Sharing the same
    (source, kind, ref, recipient) again makes a new version; the old one closes to the recipient
    (the source's archive copy stays). The recipient's key lapses at `expires_at` or at the end of
    the agreement's retention, whichever is sooner. `actor=None` is the system (scheduled sends).
    """
    level = _check_arguments(kind, ref, source, recipient, level)
    question = {"source_id": source.pk, "recipient_id": recipient.pk, "kind": kind, "level": level, "purpose": purpose}
    first = access_receive(**question)
    with transaction.atomic():
        # Asked again holding the agreement's row: a change ending access meanwhile is seen here
        # (SharingDenied, all rolled back), and one starting later waits for this to commit, then
        # removes what this granted.
        agreements_hold([first.agreement_id or 0])
        decision = access_receive(**question)
        if decision.agreement_id != first.agreement_id:
            agreements_hold([decision.agreement_id or 0])
            decision = access_receive(**question)
        assert decision.agreement_id is not None and decision.retention_days is not None
        now = timezone.now()
        retention_ends = now + dt.timedelta(days=decision.retention_days)
        lapses = min(expires_at, retention_ends) if expires_at is not None else retention_ends
        previous = (
            SharedCheck.objects.select_for_update(no_key=True)
            .filter(source=source, kind=kind, source_ref=ref, recipient=recipient, is_current=True)
            .first()
        )
        if previous is not None:
            _close(previous)
        check = SharedCheck.objects.create(
            source=source,
            kind=kind,
            source_ref=ref,
            recipient=recipient,
            version=_next_version(source, kind, ref, recipient),
            shared_by=actor,
            created_at=now,
            expires_at=lapses,
        )
        data_key = crypto.new_data_key()
        envelope = Envelope.objects.create(
            check_row=check,
            level=level,
            sealed=crypto.seal(data_key, _payload(record), associated_data=envelope_identity(check, level)),
        )
        channel, secret = channel_get_or_create(
            agreement_id=decision.agreement_id,
            sender_id=source.pk,
            level=level,
            recipient_id=recipient.pk,
            kind=kind,
            purpose=purpose,
        )
        grants_ensure(channel, secret, [recipient.pk])
        archive, archive_secret = channel_get_or_create(
            agreement_id=None, sender_id=source.pk, level=Level.FULL, kind=kind, purpose=purpose
        )
        grants_ensure(archive, archive_secret, [source.pk])
        EnvelopeKey.objects.bulk_create(
            [
                _wrapped(envelope, data_key, channel.pk, secret, lapses),
                _wrapped(envelope, data_key, archive.pk, archive_secret, lapses),
            ]
        )
        audit_record(
            action="exchange.record_share" if previous is None else "exchange.record_correct",
            actor=actor,
            organisation_id=source.pk,
            target=check,
            detail={
                "kind": kind,
                "version": check.version,
                "recipient": recipient.pk,
                "agreement": decision.agreement_id,
                "level": level.code,
            },
        )
    return check


def _next_version(source: Organisation, kind: str, ref: str, recipient: Organisation) -> int:
    newest = (
        SharedCheck.objects.filter(source=source, kind=kind, source_ref=ref, recipient=recipient)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (newest or 0) + 1


def _wrapped(envelope: Envelope, data_key: bytes, channel_id: int, secret: bytes, expires: dt.datetime) -> EnvelopeKey:
    return EnvelopeKey(
        envelope=envelope,
        channel_id=channel_id,
        wrapped_data_key=crypto.seal(secret, data_key, associated_data=envelope_key_context(envelope.pk, channel_id)),
        expires_at=expires,
    )


def _close(check: SharedCheck) -> None:
    """The recipient loses its key to this version at once; the source keeps its archive copy."""
    check.is_current = False
    check.save(update_fields=["is_current"])
    EnvelopeKey.objects.filter(envelope__check_row=check, channel__agreement__isnull=False).delete()


# --- reading -------------------------------------------------------------------------------


def _readable(at: dt.datetime) -> QuerySet[SharedCheck]:
    return (
        SharedCheck.objects.exclude(kind=RecordKind.SPEAKER_CHECK)
        .filter(is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True, expires_at__gt=at)
        .select_related("source")
    )


def records_received(
    *,
    organisation: Organisation,
    user: User | None,
    kind: str,
    purpose: str,
    source_id: int | None = None,
    max_level: int | None = None,
) -> list[RecordView]:
    """Every current record of `kind` sent to `organisation` that the policy lets it read now, opened.

    Oldest first. Each opening is audited (ids only) and recorded for the source to see; records
    the policy refuses now are left out (the refusal goes to the platform's audit log), as are
    damaged ones (audited as failed opens). `max_level`: records sealed above it (e.g. identified
    transfers, for a reader whose role may not see them) are not opened at all.
    """
    at = timezone.now()
    checks = _readable(at).filter(recipient=organisation, kind=kind)
    if source_id is not None:
        checks = checks.filter(source_id=source_id)
    if max_level is not None:
        checks = checks.exclude(envelopes__level__gt=int(max_level))
    views = _open(organisation, user, list(checks.order_by("created_at", "pk")), purpose, at)
    return [v for v in views if not isinstance(v, _Refusal)]


def record_open(
    *, organisation: Organisation, user: User | None, record_id: int, purpose: str, kind: str | None = None
) -> RecordView:
    """One record as `organisation` may read it now: its recipient under the policy, or its source (archive).

    Raises `SharingDenied` alike for missing, replaced, withdrawn, lapsed, destroyed and refused
    records (the reason goes to the audit log), and `RecordDamaged` for one that fails its
    integrity check.
    """
    at = timezone.now()
    check = _readable(at).filter(pk=record_id).first()
    # `kind`: the caller shows only that kind; a record of another kind is refused before it is unsealed
    # (the source opens its own archive without the policy, so a route for one kind must not open another).
    if check is None or organisation.pk not in (check.source_id, check.recipient_id) or kind not in (None, check.kind):
        _audit_refusal(organisation, user, record_id, None, DenyReason.NO_AGREEMENT.value)
        raise SharingDenied(DenyReason.NO_AGREEMENT)
    (view,) = _open(organisation, user, [check], purpose, at)
    if isinstance(view, _Refusal):
        if view.reason == DAMAGED:
            raise RecordDamaged()
        raise SharingDenied(view.deny_reason)
    return view


DAMAGED = "damaged"


@dataclass
class _Refusal:
    reason: str

    @property
    def deny_reason(self) -> DenyReason:
        try:
            return DenyReason(self.reason)
        except ValueError:
            return DenyReason.NO_AGREEMENT


def _open(
    organisation: Organisation, user: User | None, checks: list[SharedCheck], purpose: str, at: dt.datetime
) -> list[RecordView | _Refusal]:
    """Open each check with the organisation's own key for it, asking the policy for that key's agreement."""
    keys = _keys_held(organisation, checks, at)
    terms = _reader_terms(organisation, checks)
    private_keys = own_exchange_private(organisation.pk) if keys else {}
    secrets: dict[int, bytes] = {}  # channel keys unwrapped once per call, dropped with it
    results: list[RecordView | _Refusal] = []
    events: list[dict[str, Any]] = []
    openings: list[CheckOpened] = []
    for check in checks:
        result = _open_one(organisation, check, keys.get(check.pk), terms.get(check.source_id, []), purpose, at)
        if isinstance(result, _Refusal):
            events.append(_refusal_event(organisation, user, check.pk, check.source_id, result.reason))
        else:
            data = _unseal(check, keys[check.pk], private_keys, secrets)
            if data is None:
                result = _Refusal(DAMAGED)
                events.append(_event("exchange.open_failed", organisation, user, check, keys[check.pk][0]))
            else:
                result.data = data
                events.append(_event("exchange.record_open", organisation, user, check, keys[check.pk][0]))
                if check.source_id != organisation.pk:
                    openings.append(
                        CheckOpened(
                            check_row=check,
                            reader_organisation=organisation,
                            reader=user,
                            agreement_id=result.agreement_id,
                            level=result.level,
                        )
                    )
        results.append(result)
    with transaction.atomic():
        CheckOpened.objects.bulk_create(openings)
        audit_record_many(events)
    titles = dict(
        Agreement.objects.filter(
            pk__in={r.agreement_id for r in results if isinstance(r, RecordView) and r.agreement_id}
        ).values_list("pk", "title")
    )
    for r in results:
        if isinstance(r, RecordView):
            r.agreement_title = titles.get(r.agreement_id, "") if r.agreement_id else "shared by you"
    return results


def _reader_terms(organisation: Organisation, checks: list[SharedCheck]) -> dict[int, list[FlowTerms]]:
    """The policy rows for `organisation` as a recipient of these checks' kinds, by source (a query per kind)."""
    terms: dict[int, list[FlowTerms]] = {}
    for kind in {c.kind for c in checks if c.source_id != organisation.pk}:
        sources = {c.source_id for c in checks if c.kind == kind}
        found = load_terms_for_recipient(recipient_id=organisation.pk, kind=kind, source_ids=sources)
        for source, rows in found.items():
            terms.setdefault(source, []).extend(rows)
    return terms


_Held = tuple[EnvelopeKey, ChannelGrant]


def _keys_held(organisation: Organisation, checks: list[SharedCheck], at: dt.datetime) -> dict[int, _Held]:
    """For each check, the key `organisation` holds to it: the recipient's channel, or the source's archive."""
    keys = EnvelopeKey.objects.filter(
        envelope__check_row__in=[c.pk for c in checks],
        expires_at__gt=at,
        channel__grants__recipient=organisation,
    ).select_related("envelope", "channel")
    grants = {
        g.channel_id: g
        for g in ChannelGrant.objects.filter(
            recipient=organisation, channel_id__in={k.channel_id for k in keys}
        ).select_related("channel")
    }
    held: dict[int, _Held] = {}
    for key in keys:
        own = key.channel.agreement_id is None and key.channel.sender_id == organisation.pk
        theirs = key.channel.agreement_id is not None and key.channel.recipient_id == organisation.pk
        if (own or theirs) and key.channel_id in grants:
            held[key.envelope.check_row_id] = (key, grants[key.channel_id])
    return held


def _open_one(
    organisation: Organisation,
    check: SharedCheck,
    held: _Held | None,
    terms: list[FlowTerms],
    purpose: str,
    at: dt.datetime,
) -> RecordView | _Refusal:
    """The view to fill (not yet unsealed), or why the policy refuses this key now."""
    if held is None:
        return _Refusal("no_usable_key")
    key, _ = held
    channel = key.channel
    if check.source_id != organisation.pk:
        if channel.purpose != purpose:
            return _Refusal(DenyReason.PURPOSE_NOT_COVERED.value)
        decision = can_receive(
            [t for t in terms if t.agreement_id == channel.agreement_id],
            source_id=check.source_id,
            recipient_id=organisation.pk,
            kind=check.kind,
            level=key.envelope.level,
            purpose=purpose,
            at=at,
        )
        if not decision.allowed:
            return _Refusal(str(decision.reason.value))
    return RecordView(
        id=check.pk,
        version=check.version,
        kind=check.kind,
        level=Level(key.envelope.level),
        source_id=check.source_id,
        source_name=check.source.name,
        ref=check.source_ref,
        shared_at=check.created_at,
        expires_at=check.expires_at,
        agreement_id=channel.agreement_id,
        agreement_title="",
    )


def _unseal(
    check: SharedCheck, held: _Held, private_keys: dict[int, bytes], secrets: dict[int, bytes]
) -> dict[str, Any] | None:
    key, grant = held
    try:
        if grant.channel_id not in secrets:
            secrets[grant.channel_id] = channel_key_for_recipient(grant, private_keys[grant.recipient_key_id])
        secret = secrets[grant.channel_id]
        data_key = crypto.open_sealed(
            secret, bytes(key.wrapped_data_key), associated_data=envelope_key_context(key.envelope_id, key.channel_id)
        )
        plaintext = crypto.open_sealed(
            data_key, bytes(key.envelope.sealed), associated_data=envelope_identity(check, key.envelope.level)
        )
        data = json.loads(plaintext)
    except (crypto.CryptoError, KeyError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _event(
    action: str, organisation: Organisation, user: User | None, check: SharedCheck, key: EnvelopeKey
) -> dict[str, Any]:
    return {
        "action": action,
        "actor": user,
        "organisation_id": organisation.pk,
        "target": check,
        "detail": {
            "kind": check.kind,
            "source": check.source_id,
            "agreement": key.channel.agreement_id,
            "level": Level(key.envelope.level).code,
        },
    }


def _refusal_event(
    organisation: Organisation, user: User | None, record_id: int, source_id: int | None, reason: str
) -> dict[str, Any]:
    """Refusals go to the platform's log (no organisation's own log learns of another's record)."""
    detail: dict[str, Any] = {"reader_organisation": organisation.pk, "reason": reason}
    if source_id is not None:
        detail["source"] = source_id
    return {
        "action": "exchange.record_open_denied",
        "actor": user,
        "organisation_id": None,
        "target_type": "sharing.sharedcheck",
        "target_id": record_id,
        "detail": detail,
    }


def _audit_refusal(
    organisation: Organisation, user: User | None, record_id: int, source_id: int | None, reason: str
) -> None:
    audit_record_many([_refusal_event(organisation, user, record_id, source_id, reason)])


# --- the source's history, withdrawal, retention --------------------------------------------


def records_shared(*, source: Organisation, kind: str, ref_prefix: str = "") -> QuerySet[SharedCheck]:
    """Everything `source` shared of `kind` (every version, every recipient), by ref, recipient, newest first."""
    rows = SharedCheck.objects.filter(source=source, kind=kind, recipient__isnull=False)
    if ref_prefix:
        rows = rows.filter(source_ref__startswith=ref_prefix)
    return rows.select_related("recipient").order_by("source_ref", "recipient_id", "-version")


def record_withdraw(*, actor: User | None, source: Organisation, ref: str, reason: str) -> int:
    """Withdraw the current version of record `ref` from every recipient at once; returns how many.

    ValidationError naming `reason` when it is empty. The source keeps its archive copy.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is withdrawn; recipients' access ends at once."})
    now = timezone.now()
    with transaction.atomic():
        current = list(
            SharedCheck.objects.select_for_update(no_key=True)
            .exclude(kind=RecordKind.SPEAKER_CHECK)
            .filter(source=source, source_ref=ref, recipient__isnull=False, is_current=True, withdrawn_at__isnull=True)
        )
        for check in current:
            _close(check)
            check.withdrawn_at = now
            check.save(update_fields=["withdrawn_at"])
            audit_record(
                action="exchange.record_withdraw",
                actor=actor,
                organisation_id=source.pk,
                target=check,
                detail={"kind": check.kind, "recipient": check.recipient_id, "reason": reason.strip()[:500]},
            )
    return len(current)


def _segment_prefix(ref_prefix: str) -> str:
    return ref_prefix if ref_prefix.endswith(("/", ":")) else ref_prefix + "/"


def records_destroy(*, source: Organisation, ref_prefix: str) -> int:
    """Crypto-shred every version of the source's records under `ref_prefix`; returns how many.

    The prefix matches whole segments: ``case:7`` takes ``case:7`` and ``case:7/...``, never
    ``case:70`` (a prefix ending in ``/`` or ``:`` takes everything under it). Every wrapped
    copy of their data keys (the recipients' and the source's archive) and the ciphertext go;
    each row stays, with `destroyed_at`, as the record that it existed. For the source's
    retention (a destroyed case takes what it shared with it). Speaker checks are not touched
    (their retention is the sweep's).
    """
    if not ref_prefix:
        raise ValueError("records_destroy needs a ref prefix (e.g. 'case:12'), never everything.")
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            SharedCheck.objects.select_for_update(no_key=True)
            .exclude(kind=RecordKind.SPEAKER_CHECK)
            .filter(source=source, recipient__isnull=False, destroyed_at__isnull=True)
            .filter(Q(source_ref=ref_prefix) | Q(source_ref__startswith=_segment_prefix(ref_prefix)))
        )
        EnvelopeKey.objects.filter(envelope__check_row__in=batch).delete()
        Envelope.objects.filter(check_row__in=batch).delete()
        NameToken.objects.filter(check_row__in=batch).delete()
        SharedCheck.objects.filter(pk__in=[c.pk for c in batch]).update(destroyed_at=now, is_current=False)
        for check in batch:
            audit_record(
                action="exchange.destroy",
                organisation_id=source.pk,
                target=check,
                detail={"kind": check.kind, "reason": "source retention ended"},
            )
    return len(batch)
